import type { Rng } from './rng.js';
import { type CropBox, type TransformSpec } from './transforms.js';
export interface SampleGeometry {
    /** The window in source pixels (fractional after a resize). */
    box: CropBox;
    /** Filter taps stay inside the window (a crop resized) rather than reading the image around it (a resize cropped). */
    clampToBox: boolean;
    flip: boolean;
}
export interface ImagePlan {
    outHeight: number;
    outWidth: number;
    mean: Float32Array | null;
    std: Float32Array | null;
    /** The geometry for an image of this size, or undefined when the specs need the float pipeline for it. */
    geometry(height: number, width: number, rng: Rng): SampleGeometry | undefined;
}
/**
 * The plan for a pipeline of RGB images, or undefined when it is not one the codec runs: padding crops, two
 * resamplings, a random crop after a flip, or an output size that depends on the image.
 */
export declare function planImagePipeline(specs: readonly TransformSpec[]): ImagePlan | undefined;
/** A window of an in-memory image: its top-left corner in source pixels (outside the image: zero padding) and mirroring. */
export interface CropWindow {
    top: number;
    left: number;
    flip: boolean;
}
export interface CropPlan {
    outChannels: number;
    outHeight: number;
    outWidth: number;
    mean: Float64Array | null;
    std: Float64Array | null;
    window(rng: Rng): CropWindow;
}
/**
 * The plan for a pipeline of same-size in-memory images [C, H, W] that only crops, pads, flips and normalises (the
 * CIFAR and Fashion-MNIST recipes), or undefined when it resamples. Every crop is a whole-pixel window of the source,
 * so the codec's output is bit-identical to the float transforms'.
 */
export declare function planCropPipeline(specs: readonly TransformSpec[], shape: readonly [number, number, number]): CropPlan | undefined;

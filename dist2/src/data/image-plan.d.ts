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

import { type Image, type TransformSpec } from '../data/transforms.js';
/**
 * The model input [C, H, W] (float32, planar) for `img` (3 planar channels in [0, 1]). The image is fitted
 * (shorter side resized, centre crop) unless `stretch`, which resizes the whole image to H x W (dissection needs
 * every pixel to stay aligned with its segmentation).
 */
export declare function prepareImage(img: Image, input: readonly [number, number, number], preprocessing?: readonly TransformSpec[], options?: {
    stretch?: boolean;
}): Float32Array;

import type { TransformSpec } from '../data/transforms.js';
/**
 * Pixels of image files, shaped for a model with input [C, H, W] and the given eval preprocessing
 * (prepareImage: the same steps as the page of `leanconv serve`).
 */
export declare function imagesToInput(files: readonly string[], input: readonly [number, number, number], preprocessing?: readonly TransformSpec[], options?: {
    stretch?: boolean;
}): Promise<Float32Array>;

import type { Rng } from './rng.js';
export interface Image {
    data: Float32Array;
    channels: number;
    height: number;
    width: number;
}
export type TransformSpec = {
    name: 'normalize';
    mean: number[];
    std: number[];
} | {
    name: 'randomCrop';
    size: number;
    padding: number;
} | {
    name: 'horizontalFlip';
    p?: number;
} | {
    name: 'resize';
    size: number;
} | {
    name: 'centerCrop';
    size: number;
} | {
    name: 'randomResizedCrop';
    size: number;
    scale?: [number, number];
    ratio?: [number, number];
} | {
    name: 'pad';
    padding: number;
} | {
    name: 'grayscaleToRgb';
};
export type Transform = (image: Image, rng: Rng) => Image;
/** Interleaved 8-bit pixels (RGBA from a canvas, or RGB / gray from a decoder) as planar RGB floats in [0, 1]. */
export declare function imageFromInterleaved(bytes: ArrayLike<number>, width: number, height: number, channels: number): Image;
/** Copies the window [top, top+h) x [left, left+w) of `img`; parts outside the image are zero. */
export declare function crop(img: Image, top: number, left: number, h: number, w: number): Image;
/** Most pixels a resize may produce (a bound on what a crafted image can make the pipeline allocate). */
export declare const MAX_RESAMPLE_PIXELS: number;
/** Bilinear resampling of a window of `img` to outH x outW (half-pixel centres, as PyTorch align_corners=false). */
export declare function resample(img: Image, outH: number, outW: number, box?: {
    top: number;
    left: number;
    height: number;
    width: number;
}): Image;
/** Python's round(): halves to even (torchvision's center crop offsets use it). */
export declare function roundHalfEven(x: number): number;
/** [height, width] after Resize(size) of an image: the shorter side becomes `size`, the longer truncated as torchvision. */
export declare function resizedSize(height: number, width: number, size: number): [number, number];
/** Offset of a centered window of `size` in a length (negative: the window pads), as torchvision's CenterCrop. */
export declare function centerCropOffset(length: number, size: number): number;
export interface CropBox {
    top: number;
    left: number;
    height: number;
    width: number;
}
/** RandomResizedCrop's window of an image (torchvision's sampling: 10 tries, then a central crop of clamped ratio). */
export declare function resizedCropBox(height: number, width: number, rng: Rng, scale?: [number, number], ratio?: [number, number]): CropBox;
/** Builds the function for one spec; throws naming the bad option. */
export declare function buildTransform(spec: TransformSpec): Transform;
/** Composes specs into one function applied left to right. */
export declare function compose(specs: readonly TransformSpec[]): Transform;
/** Output [C, H, W] of a pipeline for an input [C, H, W] (for model input checks). */
export declare function outputShape(specs: readonly TransformSpec[], input: readonly [number, number, number]): [number, number, number];

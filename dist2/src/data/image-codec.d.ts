export interface JpegInfo {
    width: number;
    height: number;
    components: number;
    /** False for CMYK / YCCK JPEGs, which libjpeg does not convert to RGB (another decoder reads those). */
    rgb: boolean;
}
/** Where a sample's pixels go: 3 planes of outHeight x outWidth at `offset` floats into `out`. */
export interface ResampleTarget {
    /** [top, left, height, width] of the window in source pixels. */
    box: Float64Array;
    /** Filter taps stay inside the window (a crop, then resized) rather than reading the image around it. */
    clampToBox: boolean;
    outHeight: number;
    outWidth: number;
    flip: boolean;
    mean: Float32Array | null;
    std: Float32Array | null;
    out: Float32Array;
    offset: number;
}
/** A JPEG's size and colour space from its header, or undefined when the bytes are not a JPEG. */
export declare function jpegInfo(bytes: Uint8Array): JpegInfo | undefined;
/** Decodes the window of a JPEG (only the rows and iMCU columns it needs, at the smallest sufficient DCT scale) into `target`. */
export declare function decodeJpegInto(bytes: Uint8Array, t: ResampleTarget): void;
/** Resamples the window of 8-bit interleaved RGB pixels into `target` (the filter decodeJpegInto uses). */
export declare function resampleRgbInto(rgb: Uint8Array, width: number, height: number, t: ResampleTarget): void;
/** Where a window of an in-memory image goes: [outChannels, outHeight, outWidth] at `offset` floats into `out`. */
export interface CropTarget {
    top: number;
    left: number;
    outChannels: number;
    outHeight: number;
    outWidth: number;
    flip: boolean;
    mean: Float64Array | null;
    std: Float64Array | null;
    out: Float32Array;
    offset: number;
}
/**
 * Copies a window of an 8-bit planar [C, H, W] image (zeros outside it) into `target`, mirrored or not, scaled and
 * normalised bit-identically to the float transforms.
 */
export declare function cropPlanarInto(pixels: Uint8Array, shape: readonly [number, number, number], t: CropTarget): void;

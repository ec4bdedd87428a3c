// The native image codec (build/Release/leanconv_image.node: libjpeg-turbo and a resampler, no libtorch), typed.
// Loader worker threads load it on their own; every call decodes or resamples one image into a batch buffer.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { packageRoot } from '../util/package-root.js';

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

interface ImageAddon {
  jpegInfo(bytes: Uint8Array): JpegInfo | null;
  decodeJpegInto(bytes: Uint8Array, box: Float64Array, clampToBox: boolean, outHeight: number, outWidth: number, flip: boolean,
    mean: Float32Array | null, std: Float32Array | null, out: Float32Array, offset: number): void;
  cropPlanarInto(pixels: Uint8Array, channels: number, height: number, width: number, top: number, left: number, outChannels: number, outHeight: number,
    outWidth: number, flip: boolean, mean: Float64Array | null, std: Float64Array | null, out: Float32Array, offset: number): void;
  resampleInto(rgb: Uint8Array, width: number, height: number, box: Float64Array, clampToBox: boolean, outHeight: number, outWidth: number,
    flip: boolean, mean: Float32Array | null, std: Float32Array | null, out: Float32Array, offset: number): void;
}

let addon: ImageAddon | undefined;

function load(): ImageAddon {
  if (addon !== undefined) return addon;
  const path = join(packageRoot(), 'build', 'Release', 'leanconv_image.node');
  if (!existsSync(path)) {
    throw new Error(`leanconv: the image codec is not built (${path} is missing): run \`npm run build:native\` (needs: sudo apt-get install -y libjpeg-dev)`);
  }
  return (addon = createRequire(import.meta.url)(path) as ImageAddon);
}

/** A JPEG's size and colour space from its header, or undefined when the bytes are not a JPEG. */
export function jpegInfo(bytes: Uint8Array): JpegInfo | undefined {
  return load().jpegInfo(bytes) ?? undefined;
}

/** Decodes the window of a JPEG (only the rows and iMCU columns it needs, at the smallest sufficient DCT scale) into `target`. */
export function decodeJpegInto(bytes: Uint8Array, t: ResampleTarget): void {
  load().decodeJpegInto(bytes, t.box, t.clampToBox, t.outHeight, t.outWidth, t.flip, t.mean, t.std, t.out, t.offset);
}

/** Resamples the window of 8-bit interleaved RGB pixels into `target` (the filter decodeJpegInto uses). */
export function resampleRgbInto(rgb: Uint8Array, width: number, height: number, t: ResampleTarget): void {
  load().resampleInto(rgb, width, height, t.box, t.clampToBox, t.outHeight, t.outWidth, t.flip, t.mean, t.std, t.out, t.offset);
}

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
export function cropPlanarInto(pixels: Uint8Array, shape: readonly [number, number, number], t: CropTarget): void {
  load().cropPlanarInto(pixels, shape[0], shape[1], shape[2], t.top, t.left, t.outChannels, t.outHeight, t.outWidth, t.flip, t.mean, t.std, t.out, t.offset);
}

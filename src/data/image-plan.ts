// An image pipeline (transform specs) compiled into what the native codec does in one pass: a window of the source
// image, resampled to the output size, mirrored or not, normalised while written into the batch. The window is
// found by replaying the specs' geometry on the image's size and drawing from the sample's Rng in the same order as
// the float pipeline (transforms.ts), so both pipelines pick the same crop and flip for the same seed.
import type { Rng } from './rng.js';
import { centerCropOffset, type CropBox, resizedCropBox, resizedSize, type TransformSpec } from './transforms.js';

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

interface State {
  box: CropBox;
  height: number;
  width: number;
  clampToBox: boolean;
  flip: boolean;
  resampled: boolean;
}

type Step = (s: State, rng: Rng) => boolean;

/**
 * The plan for a pipeline of RGB images, or undefined when it is not one the codec runs: padding crops, two
 * resamplings, a random crop after a flip, or an output size that depends on the image.
 */
export function planImagePipeline(specs: readonly TransformSpec[]): ImagePlan | undefined {
  const steps: Step[] = [];
  let size: [number, number] | undefined;
  let mean: Float32Array | null = null;
  let std: Float32Array | null = null;
  let flipped = false;
  let resamples = 0;
  for (const spec of specs) {
    switch (spec.name) {
      case 'randomResizedCrop': {
        if (flipped || resamples++ > 0 || steps.length > 0) return undefined;
        const out = spec.size;
        steps.push((s, rng) => {
          s.box = resizedCropBox(s.height, s.width, rng, spec.scale, spec.ratio);
          Object.assign(s, { height: out, width: out, clampToBox: true, resampled: true });
          return true;
        });
        size = [out, out];
        break;
      }
      case 'resize': {
        if (resamples++ > 0) return undefined;
        steps.push((s) => {
          [s.height, s.width] = resizedSize(s.height, s.width, spec.size);
          s.resampled = true;
          return true;
        });
        size = undefined;
        break;
      }
      case 'centerCrop': {
        const out = spec.size;
        steps.push((s) => {
          if (out > s.height || out > s.width) return false; // a padding crop
          // A mirrored image cropped off-centre by half a pixel is not the mirror of the crop.
          if (s.flip && ((s.height - out) % 2 !== 0 || (s.width - out) % 2 !== 0)) return false;
          const sy = s.box.height / s.height;
          const sx = s.box.width / s.width;
          s.box = { top: s.box.top + centerCropOffset(s.height, out) * sy, left: s.box.left + centerCropOffset(s.width, out) * sx, height: out * sy, width: out * sx };
          if (!s.resampled) s.clampToBox = true;
          s.height = s.width = out;
          return true;
        });
        size = [out, out];
        break;
      }
      case 'horizontalFlip': {
        const p = spec.p ?? 0.5;
        flipped = true;
        steps.push((s, rng) => {
          if (rng.next() < p) s.flip = !s.flip;
          return true;
        });
        break;
      }
      case 'normalize':
        if (mean !== null || spec.mean.length !== 3 || spec.std.length !== 3 || spec.std.some((v) => !(v > 0))) return undefined;
        mean = Float32Array.from(spec.mean);
        std = Float32Array.from(spec.std);
        break;
      case 'grayscaleToRgb':
        break; // the codec always writes RGB
      default:
        return undefined;
    }
  }
  if (size === undefined) return undefined;
  const [outHeight, outWidth] = size;
  return {
    outHeight, outWidth, mean, std,
    geometry(height, width, rng) {
      const s: State = { box: { top: 0, left: 0, height, width }, height, width, clampToBox: false, flip: false, resampled: false };
      for (const step of steps) if (!step(s, rng)) return undefined;
      return { box: s.box, clampToBox: s.clampToBox, flip: s.flip };
    },
  };
}

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
export function planCropPipeline(specs: readonly TransformSpec[], shape: readonly [number, number, number]): CropPlan | undefined {
  const [channels, height, width] = shape;
  // The window in source pixels and the current image's size; `flip` mirrors the current image within the window.
  type Win = { top: number; left: number; height: number; width: number; flip: boolean };
  const steps: ((w: Win, rng: Rng) => void)[] = [];
  let size: [number, number] = [height, width];
  let outChannels = channels;
  let mean: number[] | undefined;
  let std: number[] | undefined;
  // A crop at (top, left) of the current image, whose columns run backwards in the source when it is mirrored.
  const cropAt = (w: Win, top: number, left: number, h: number, wd: number): void => {
    w.left = w.flip ? w.left + (w.width - left - wd) : w.left + left;
    w.top += top;
    w.height = h;
    w.width = wd;
  };
  for (const spec of specs) {
    switch (spec.name) {
      case 'randomCrop': {
        const { size: s, padding: p } = spec;
        steps.push((w, rng) => {
          const top = rng.int(w.height + 2 * p - s + 1) - p;
          const left = rng.int(w.width + 2 * p - s + 1) - p;
          cropAt(w, top, left, s, s);
        });
        size = [s, s];
        break;
      }
      case 'pad': {
        const p = spec.padding;
        steps.push((w) => cropAt(w, -p, -p, w.height + 2 * p, w.width + 2 * p));
        size = [size[0] + 2 * p, size[1] + 2 * p];
        break;
      }
      case 'centerCrop': {
        const s = spec.size;
        steps.push((w) => cropAt(w, centerCropOffset(w.height, s), centerCropOffset(w.width, s), s, s));
        size = [s, s];
        break;
      }
      case 'horizontalFlip': {
        const p = spec.p ?? 0.5;
        steps.push((w, rng) => {
          if (rng.next() < p) w.flip = !w.flip;
        });
        break;
      }
      case 'normalize':
        if (mean !== undefined) return undefined;
        ({ mean, std } = spec);
        break;
      case 'grayscaleToRgb':
        if (channels === 1) outChannels = 3;
        break;
      default:
        return undefined;
    }
  }
  if (mean !== undefined && mean.length !== outChannels) return undefined;
  const [outHeight, outWidth] = size;
  return {
    outChannels, outHeight, outWidth,
    mean: mean === undefined ? null : Float64Array.from(mean),
    std: std === undefined ? null : Float64Array.from(std!),
    window(rng) {
      const w: Win = { top: 0, left: 0, height, width, flip: false };
      for (const step of steps) step(w, rng);
      return { top: w.top, left: w.left, flip: w.flip };
    },
  };
}

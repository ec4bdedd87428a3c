// Assembles one batch of transformed float32 pixels from a dataset, in the main thread or a loader worker thread.
// Images in memory go through the float transforms; image files and shard members through the native codec when
// the pipeline has a plan (image-plan.ts), written straight into the batch, and through sharp + the float
// transforms otherwise.
import { type Dataset, DatasetError, type ImageSourceDataset, type InMemoryDataset, readSampleBytes, sampleName } from './datasets.js';
import { cropPlanarInto, decodeJpegInto, jpegInfo, type JpegInfo, resampleRgbInto } from './image-codec.js';
import { type CropPlan, type ImagePlan, planCropPipeline, planImagePipeline } from './image-plan.js';
import { Rng } from './rng.js';
import { compose, imageFromInterleaved, type Image, type Transform, type TransformSpec } from './transforms.js';

export interface BatchRequest {
  /** Dataset indices of the samples. */
  indices: number[];
  /** One augmentation seed per sample. */
  seeds: number[];
}

export interface RawBatch {
  /** [N, C, H, W] row-major. */
  data: Float32Array;
  labels: Int32Array;
  shape: [number, number, number, number];
  /** Why each sample left out of the batch was left out (a bad image under the 'skip' policy). */
  skipped: string[];
}

/** An error as it crosses from a loader worker to the main thread (structured clone keeps no class). */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

const ERROR_CLASSES: Record<string, ErrorConstructor | typeof DatasetError> = { DatasetError, RangeError, TypeError };

export function serializeError(err: unknown): SerializedError {
  const e = err instanceof Error ? err : new Error(String(err));
  return { name: e.name, message: e.message, stack: e.stack };
}

/** The worker's error with its class (DatasetError, RangeError, ...), message and stack restored. */
export function reviveError(s: SerializedError): Error {
  const cls = ERROR_CLASSES[s.name];
  const err = Object.create((cls ?? Error).prototype) as Error;
  Object.defineProperties(err, {
    message: { value: s.message, writable: true, configurable: true },
    name: { value: s.name, writable: true, configurable: true },
    stack: { value: s.stack ?? `${s.name}: ${s.message}`, writable: true, configurable: true },
  });
  return err;
}

type SharpModule = typeof import('sharp');
type SharpFactory = (input: string | Uint8Array) => import('sharp').Sharp;
let sharpModule: Promise<SharpModule> | undefined;
const loadSharp = async (): Promise<SharpFactory> => {
  sharpModule ??= import('sharp').then((m) => (m.default ?? m) as unknown as SharpModule);
  return (await sharpModule) as unknown as SharpFactory;
};

/** Largest image decoded (a 48-megapixel photo fits), and the most elongated. */
export const MAX_IMAGE_PIXELS = 50_000_000;
export const MAX_IMAGE_ASPECT = 50;

/** Refuses an image whose declared size would take gigabytes to decode or to resize. */
export function checkImageSize(file: string, width: number, height: number): void {
  if (width < 1 || height < 1) throw new DatasetError(file, `the image declares a size of ${width}x${height}`);
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new DatasetError(file, `the image is ${width}x${height} (${(width * height / 1e6).toFixed(0)} megapixels), more than the ${MAX_IMAGE_PIXELS / 1e6} megapixels leanconv decodes; downscale it first`);
  }
  if (Math.max(width, height) / Math.min(width, height) > MAX_IMAGE_ASPECT) {
    throw new DatasetError(file, `the image is ${width}x${height}: an aspect ratio beyond ${MAX_IMAGE_ASPECT}:1, which resizing to a model's input would blow up`);
  }
}

/** 8-bit interleaved RGB of an image file or its bytes, decoded by sharp (every format libvips reads). */
async function decodeRgb(source: string | Uint8Array, name: string): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
  const sharp = await loadSharp();
  try {
    // The header first: a small file can declare a huge or absurdly thin image.
    const { width = 0, height = 0 } = await sharp(source).metadata();
    checkImageSize(name, width, height);
    const raw = await sharp(source).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    return { data: raw.data, width: raw.info.width, height: raw.info.height, channels: raw.info.channels };
  } catch (err) {
    if (err instanceof DatasetError) throw err;
    throw new DatasetError(name, `cannot decode image (${(err as Error).message})`);
  }
}

/** Decodes an image file to float RGB in [0, 1] (sharp is loaded on first use). */
export async function decodeImageFile(file: string): Promise<Image> {
  const raw = await decodeRgb(file, file);
  return imageFromInterleaved(raw.data, raw.width, raw.height, raw.channels);
}

function memoryImage(ds: Extract<Dataset, { kind: 'memory' }>, index: number): Image {
  const [channels, height, width] = ds.shape;
  const size = channels * height * width;
  const data = new Float32Array(size);
  const src = ds.images.subarray(index * size, (index + 1) * size);
  for (let i = 0; i < size; i++) data[i] = src[i]! / 255;
  return { data, channels, height, width };
}

/** What a loader does with an image it cannot read: stop with the error (default), or leave the sample out of its batch. */
export type BadImagePolicy = 'fail' | 'skip';

/** A pipeline as the batch assembler runs it: the float transforms, and the native plan where the specs have one. */
export interface SamplePipeline {
  transform: Transform;
  /** How the codec decodes image files and shard members (a resampled window per sample). */
  plan?: ImagePlan;
  /** How the codec copies in-memory images (a whole-pixel window per sample), for datasets of that shape. */
  crop?: CropPlan;
}

/** A dataset's pipeline: the float transforms, and the codec's plans where the specs allow (nativeImages, default true). */
export function samplePipeline(specs: readonly TransformSpec[], nativeImages = true, dataset?: Dataset): SamplePipeline {
  return {
    transform: compose(specs),
    plan: nativeImages ? planImagePipeline(specs) : undefined,
    crop: nativeImages && dataset?.kind === 'memory' ? planCropPipeline(specs, dataset.shape) : undefined,
  };
}

/**
 * One sample of an image dataset: written by the codec into `out` at `offset` (undefined returned) when the pipeline
 * has a plan, else transformed by the float pipeline and returned for the batch to place.
 */
async function imageSample(dataset: ImageSourceDataset, index: number, seed: number, pipeline: SamplePipeline, out: Float32Array | undefined, offset: number): Promise<Image | undefined> {
  const name = sampleName(dataset, index);
  const bytes = readSampleBytes(dataset, index);
  const plan = out === undefined ? undefined : pipeline.plan;
  let jpeg: JpegInfo | undefined;
  try {
    jpeg = plan === undefined ? undefined : jpegInfo(bytes);
  } catch (err) {
    throw new DatasetError(name, (err as Error).message);
  }
  // Other formats (and CMYK JPEGs) are decoded whole by sharp; the codec then resamples them.
  const rgb = jpeg?.rgb ? undefined : await decodeRgb(bytes, name);
  const [width, height] = rgb ? [rgb.width, rgb.height] : [jpeg!.width, jpeg!.height];
  if (rgb === undefined) checkImageSize(name, width, height);
  const geometry = plan?.geometry(height, width, new Rng(seed));
  if (geometry !== undefined) {
    const { box, clampToBox, flip } = geometry;
    const target = {
      box: Float64Array.of(box.top, box.left, box.height, box.width), clampToBox, flip,
      outHeight: plan!.outHeight, outWidth: plan!.outWidth, mean: plan!.mean, std: plan!.std, out: out!, offset,
    };
    if (rgb !== undefined) {
      resampleRgbInto(rgb.channels === 3 ? rgb.data : imageToRgb(rgb), width, height, target);
      return undefined;
    }
    try {
      decodeJpegInto(bytes, target);
    } catch (err) {
      throw new DatasetError(name, (err as Error).message);
    }
    return undefined;
  }
  const pixels = rgb ?? await decodeRgb(bytes, name);
  return pipeline.transform(imageFromInterleaved(pixels.data, pixels.width, pixels.height, pixels.channels), new Rng(seed));
}

function imageToRgb(raw: { data: Uint8Array; width: number; height: number; channels: number }): Uint8Array {
  const n = raw.width * raw.height;
  const rgb = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) rgb[i * 3 + c] = raw.data[i * raw.channels + (raw.channels < 3 ? 0 : c)]!;
  return rgb;
}

export async function assembleBatch(
  dataset: Dataset, pipeline: SamplePipeline, request: BatchRequest, onBadImage: BadImagePolicy = 'fail',
  allocate: (length: number) => Float32Array = (length) => new Float32Array(length),
): Promise<RawBatch> {
  if (dataset.kind === 'memory' && pipeline.crop !== undefined) return memoryBatch(dataset, pipeline.crop, request, allocate);
  if (dataset.kind === 'memory') {
    const images = request.indices.map((i, k) => pipeline.transform(memoryImage(dataset, i), new Rng(request.seeds[k]!)));
    return stack(images, request.indices.map((i) => dataset.labels[i]!), (k) => `sample ${request.indices[k]}`, [], allocate);
  }
  const plan = pipeline.plan;
  const sampleSize = plan === undefined ? 0 : 3 * plan.outHeight * plan.outWidth;
  const data = plan === undefined ? undefined : allocate(request.indices.length * sampleSize);
  // All at once: sharp's decodes run on libvips' threads meanwhile; the codec's calls are synchronous. Sample k goes to
  // slot k, and the kept ones move down over the slots of skipped ones afterwards.
  const results = await Promise.all(request.indices.map(async (index, k) => {
    try {
      return { index, image: await imageSample(dataset, index, request.seeds[k]!, pipeline, data, k * sampleSize) };
    } catch (err) {
      if (onBadImage === 'skip' && err instanceof DatasetError) return { index, problem: err.message };
      throw err;
    }
  }));
  const skipped = results.flatMap((r) => (r.problem === undefined ? [] : [r.problem]));
  const kept = results.map((r, k) => ({ index: r.index, image: r.image, slot: k })).filter((_, k) => results[k]!.problem === undefined);
  const labels = kept.map((r) => dataset.labels[r.index]!);
  if (data === undefined) return stack(kept.map((r) => r.image!), labels, (j) => sampleName(dataset, kept[j]!.index), skipped, allocate);
  kept.forEach(({ index, image, slot }, j) => {
    if (image === undefined) {
      if (slot !== j) data.copyWithin(j * sampleSize, slot * sampleSize, (slot + 1) * sampleSize);
      return;
    }
    // A sample the plan could not express went through the float pipeline: it must have the plan's size.
    if (image.channels !== 3 || image.height !== plan!.outHeight || image.width !== plan!.outWidth) {
      throw new DatasetError(sampleName(dataset, index), `transformed to [${image.channels}, ${image.height}, ${image.width}] but the batch is [3, ${plan!.outHeight}, ${plan!.outWidth}]`);
    }
    data.set(image.data, j * sampleSize);
  });
  const n = kept.length;
  return { data: n === results.length ? data : data.slice(0, n * sampleSize), labels: Int32Array.from(labels), shape: [n, 3, plan!.outHeight, plan!.outWidth], skipped };
}

function memoryBatch(dataset: InMemoryDataset, plan: CropPlan, request: BatchRequest, allocate: (length: number) => Float32Array): RawBatch {
  const size = dataset.shape[0] * dataset.shape[1] * dataset.shape[2];
  const sample = plan.outChannels * plan.outHeight * plan.outWidth;
  const n = request.indices.length;
  const data = allocate(n * sample);
  request.indices.forEach((index, k) => {
    const { top, left, flip } = plan.window(new Rng(request.seeds[k]!));
    cropPlanarInto(dataset.images.subarray(index * size, (index + 1) * size), dataset.shape, {
      top, left, flip, outChannels: plan.outChannels, outHeight: plan.outHeight, outWidth: plan.outWidth, mean: plan.mean, std: plan.std, out: data, offset: k * sample,
    });
  });
  return { data, labels: Int32Array.from(request.indices, (i) => dataset.labels[i]!), shape: [n, plan.outChannels, plan.outHeight, plan.outWidth], skipped: [] };
}

function stack(images: Image[], labels: number[], nameOf: (k: number) => string, skipped: string[], allocate: (length: number) => Float32Array): RawBatch {
  const n = images.length;
  if (n === 0) return { data: new Float32Array(0), labels: new Int32Array(0), shape: [0, 0, 0, 0], skipped };
  const first = images[0]!;
  const sampleSize = first.channels * first.height * first.width;
  const data = allocate(n * sampleSize);
  images.forEach((img, k) => {
    if (img.channels !== first.channels || img.height !== first.height || img.width !== first.width) {
      throw new DatasetError(nameOf(k), `transformed to [${img.channels}, ${img.height}, ${img.width}] but the batch is ` +
        `[${first.channels}, ${first.height}, ${first.width}]: add resize/centerCrop (or randomResizedCrop) so all images get one size`);
    }
    data.set(img.data, k * sampleSize);
  });
  return { data, labels: Int32Array.from(labels), shape: [n, first.channels, first.height, first.width], skipped };
}

// Assembles one batch of transformed float32 pixels from a dataset. Pure JavaScript (plus sharp for
// image files), so it runs the same in the main thread and in loader worker threads.
import type { Dataset } from './datasets.js';
import { DatasetError } from './datasets.js';
import { Rng } from './rng.js';
import { imageFromInterleaved, type Image, type Transform } from './transforms.js';

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
let sharpModule: Promise<SharpModule> | undefined;

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

/** Decodes an image file to float RGB in [0, 1] (sharp is loaded on first use). */
export async function decodeImageFile(file: string): Promise<Image> {
  sharpModule ??= import('sharp').then((m) => (m.default ?? m) as unknown as SharpModule);
  const sharp = (await sharpModule) as unknown as (input: string) => import('sharp').Sharp;
  let raw: { data: Buffer; info: import('sharp').OutputInfo };
  try {
    // The header first: a small file can declare a huge or absurdly thin image.
    const { width = 0, height = 0 } = await sharp(file).metadata();
    checkImageSize(file, width, height);
    raw = await sharp(file).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  } catch (err) {
    if (err instanceof DatasetError) throw err;
    throw new DatasetError(file, `cannot decode image (${(err as Error).message})`);
  }
  const { width, height, channels } = raw.info;
  return imageFromInterleaved(raw.data, width, height, channels);
}

function memoryImage(ds: Extract<Dataset, { kind: 'memory' }>, index: number): Image {
  const [channels, height, width] = ds.shape;
  const size = channels * height * width;
  const data = new Float32Array(size);
  const src = ds.images.subarray(index * size, (index + 1) * size);
  for (let i = 0; i < size; i++) data[i] = src[i]! / 255;
  return { data, channels, height, width };
}

export async function assembleBatch(dataset: Dataset, transform: Transform, request: BatchRequest): Promise<RawBatch> {
  const n = request.indices.length;
  const images: Image[] = dataset.kind === 'memory'
    ? request.indices.map((i) => memoryImage(dataset, i))
    : await Promise.all(request.indices.map((i) => decodeImageFile(dataset.files[i]!)));
  const out = images.map((img, k) => transform(img, new Rng(request.seeds[k]!)));
  const first = out[0]!;
  const sampleSize = first.channels * first.height * first.width;
  const data = new Float32Array(n * sampleSize);
  out.forEach((img, k) => {
    if (img.channels !== first.channels || img.height !== first.height || img.width !== first.width) {
      const which = dataset.kind === 'files' ? dataset.files[request.indices[k]!] : `sample ${request.indices[k]}`;
      throw new DatasetError(String(which), `transformed to [${img.channels}, ${img.height}, ${img.width}] but the batch is ` +
        `[${first.channels}, ${first.height}, ${first.width}]: add resize/centerCrop (or randomResizedCrop) so all images get one size`);
    }
    data.set(img.data, k * sampleSize);
  });
  const labels = Int32Array.from(request.indices, (i) => dataset.labels[i]!);
  return { data, labels, shape: [n, first.channels, first.height, first.width] };
}

// Preparing inputs for an exported model: image files through the model's own eval preprocessing
// (as recorded in its metadata), and batches of a dataset split.
import { decodeImageFile } from '../data/batch.js';
import { compose, type Image, resample, type TransformSpec } from '../data/transforms.js';
import { Rng } from '../data/rng.js';

/**
 * Pixels of image files, shaped for a model with input [C, H, W] and the given eval preprocessing. Images
 * are fitted (shorter side resized, centre crop) unless `stretch`, which resizes the whole image to H x W
 * (dissection needs every pixel to stay aligned with its segmentation).
 */
export async function imagesToInput(
  files: readonly string[], input: readonly [number, number, number], preprocessing: readonly TransformSpec[] = [], options: { stretch?: boolean } = {},
): Promise<Float32Array> {
  const [channels, height, width] = input;
  // A photo comes in at any size and in RGB: bring it to the model's channels and size first, then run
  // the recorded pipeline minus the steps that only fix the dataset's own format.
  const pipeline = compose(preprocessing.filter((t) => t.name === 'normalize' || (t.name === 'grayscaleToRgb' && channels === 3)));
  const out = new Float32Array(files.length * channels * height * width);
  for (const [i, file] of files.entries()) {
    let img = await decodeImageFile(file);
    if (channels === 1) img = toGray(img);
    if (options.stretch) {
      if (img.height !== height || img.width !== width) img = resample(img, height, width);
    } else img = fit(img, height, width);
    const ready = pipeline(img, new Rng(0));
    if (ready.channels !== channels) throw new Error(`${file}: preprocessed to ${ready.channels} channels but the model takes ${channels}`);
    out.set(ready.data, i * channels * height * width);
  }
  return out;
}

function toGray(img: Image): Image {
  const plane = img.height * img.width;
  const data = new Float32Array(plane);
  // ITU-R BT.601 luma, as PIL's convert('L').
  for (let i = 0; i < plane; i++) data[i] = 0.299 * img.data[i]! + 0.587 * img.data[plane + i]! + 0.114 * img.data[2 * plane + i]!;
  return { data, channels: 1, height: img.height, width: img.width };
}

/** Resize the shorter side to the target and centre-crop (a no-op at the right size). */
function fit(img: Image, height: number, width: number): Image {
  if (img.height === height && img.width === width) return img;
  const steps: TransformSpec[] = [{ name: 'resize', size: Math.max(height, width) }, { name: 'centerCrop', size: Math.max(height, width) }];
  return compose(steps)(img, new Rng(0));
}

// Preparing inputs for an exported model: image files through the model's own eval preprocessing
// (as recorded in its metadata), and batches of a dataset split.
import { decodeImageFile } from '../data/batch.js';
import { DatasetError } from '../data/datasets.js';
import type { TransformSpec } from '../data/transforms.js';
import { prepareImage } from './prepare.js';

/**
 * Pixels of image files, shaped for a model with input [C, H, W] and the given eval preprocessing
 * (prepareImage: the same steps as the page of `leanconv serve`).
 */
export async function imagesToInput(
  files: readonly string[], input: readonly [number, number, number], preprocessing: readonly TransformSpec[] = [], options: { stretch?: boolean } = {},
): Promise<Float32Array> {
  const [channels, height, width] = input;
  const out = new Float32Array(files.length * channels * height * width);
  for (const [i, file] of files.entries()) {
    try {
      out.set(prepareImage(await decodeImageFile(file), input, preprocessing, options), i * channels * height * width);
    } catch (err) {
      if (err instanceof DatasetError) throw err;
      throw new Error(`${file}: ${(err as Error).message}`);
    }
  }
  return out;
}

// The input pipelines of a dataset for a model: the training pipeline (augmentation) and the evaluation one, as
// transform specs (recorded in checkpoints and ONNX metadata, so that predict and serve prepare images the same way).
import type { Dataset, DatasetSpec } from './datasets.js';
import type { TransformSpec } from './transforms.js';

export class PipelineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PipelineError';
  }
}

/** The data pipelines for a model input [C, H, W] and a dataset's native images. */
export function dataTransforms(spec: DatasetSpec, dataset: Dataset, input: [number, number, number], augment: boolean): { train: TransformSpec[]; eval: TransformSpec[] } {
  const [channels, size] = [input[0], input[1]];
  const tail: TransformSpec[] = [];
  if (dataset.shape[0] === 1 && channels === 3) tail.push({ name: 'grayscaleToRgb' });
  const stats = tail.length ? { mean: [0, 1, 2].map(() => spec.mean[0]!), std: [0, 1, 2].map(() => spec.std[0]!) } : { mean: spec.mean, std: spec.std };
  if (stats.mean.length !== channels) {
    throw new PipelineError(`the model takes ${channels} input channels but ${dataset.name} images have ${dataset.shape[0]}`);
  }
  tail.push({ name: 'normalize', ...stats });
  if (dataset.kind === 'files') {
    // Variable-size photos: ImageNet-style pipelines.
    return {
      train: [augment ? { name: 'randomResizedCrop', size } : { name: 'resize', size }, ...(augment && spec.augment.flip ? [{ name: 'horizontalFlip' } as TransformSpec] : []), { name: 'centerCrop', size }, ...tail],
      eval: [{ name: 'resize', size: Math.round((size * 256) / 224) }, { name: 'centerCrop', size }, ...tail],
    };
  }
  const native = dataset.shape[1];
  const resize: TransformSpec[] = native === size ? [] : [{ name: 'resize', size }];
  const augmentation: TransformSpec[] = [];
  if (augment && spec.augment.cropPadding > 0) augmentation.push({ name: 'randomCrop', size, padding: spec.augment.cropPadding });
  if (augment && spec.augment.flip) augmentation.push({ name: 'horizontalFlip' });
  return { train: [...resize, ...augmentation, ...tail], eval: [...resize, ...tail] };
}

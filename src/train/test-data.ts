// The test split a checkpoint was trained on, prepared the way it was evaluated during training: the
// dataset and directory recorded in the checkpoint (unless overridden) and its eval preprocessing.
import { type Dataset, type DatasetSpec, getDatasetSpec } from '../data/datasets.js';
import type { TransformSpec } from '../data/transforms.js';
import { type CheckpointMeta, checkpointInputShape } from './checkpoint.js';
import { dataTransforms } from './trainer.js';

export class TestDataError extends Error {
  constructor(message: string, readonly missing: 'dataset' | 'dataDir') {
    super(message);
    this.name = 'TestDataError';
  }
}

export interface CheckpointTestData {
  dataset: string;
  spec: DatasetSpec;
  testSet: Dataset;
  /** The checkpoint's eval preprocessing (resize/crop to its input, normalisation). */
  transforms: TransformSpec[];
}

/**
 * Loads the test split for the checkpoint at `path`. A recorded data directory is used only for the recorded
 * dataset; the built-in dataset needs none.
 */
export function checkpointTestData(path: string, meta: CheckpointMeta, overrides: { dataset?: string; dataDir?: string } = {}): CheckpointTestData {
  const extra = meta.extra as { dataset?: string; dataDir?: string };
  const dataset = overrides.dataset ?? extra.dataset;
  if (dataset === undefined) throw new TestDataError(`${path} does not record its dataset`, 'dataset');
  const spec = getDatasetSpec(dataset);
  const dir = overrides.dataDir ?? (dataset === extra.dataset ? extra.dataDir : undefined) ?? spec.defaultDir;
  if (dir === undefined) throw new TestDataError(`dataset '${dataset}' needs a data directory`, 'dataDir');
  const testSet = spec.load(dir, 'test');
  return { dataset, spec, testSet, transforms: dataTransforms(spec, testSet, checkpointInputShape(meta), false).eval };
}

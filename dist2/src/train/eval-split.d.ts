import { type Dataset, type DatasetSpec } from '../data/datasets.js';
import type { TransformSpec } from '../data/transforms.js';
import { type CheckpointMeta } from '../convert/checkpoint.js';
import { type Normalization } from '../data/pipelines.js';
export declare class EvalSplitError extends Error {
    readonly missing: 'dataset' | 'dataDir' | 'classes';
    constructor(message: string, missing: 'dataset' | 'dataDir' | 'classes');
}
export interface CheckpointEvalSplit {
    dataset: string;
    spec: DatasetSpec;
    testSet: Dataset;
    /** The checkpoint's eval preprocessing (resize/crop to its input, normalisation). */
    transforms: TransformSpec[];
    /** How the dataset's images are brought to the model's input, when they differ (a line for the user). */
    adaptation?: string;
}
/**
 * Loads the test split for the checkpoint at `path`. A recorded data directory is used only for the recorded
 * dataset; the built-in dataset needs none.
 */
export declare function checkpointEvalSplit(path: string, meta: CheckpointMeta, overrides?: {
    dataset?: string;
    dataDir?: string;
    normalize?: Normalization;
}): CheckpointEvalSplit;

import type { Dataset, DatasetSpec } from './datasets.js';
import type { TransformSpec } from './transforms.js';
export declare class PipelineError extends Error {
    constructor(message: string);
}
/** The data pipelines for a model input [C, H, W] and a dataset's native images. */
export declare function dataTransforms(spec: DatasetSpec, dataset: Dataset, input: [number, number, number], augment: boolean): {
    train: TransformSpec[];
    eval: TransformSpec[];
};
/** A per-channel normalisation (the values of a 'normalize' transform). */
export interface Normalization {
    mean: number[];
    std: number[];
}
/** The normalisation a pipeline applies, if any. */
export declare function normalizationOf(pipeline: readonly TransformSpec[] | undefined): Normalization | undefined;
/** `pipeline` with its normalisation replaced by `normalize` (appended when it has none). */
export declare function withNormalization(pipeline: readonly TransformSpec[] | undefined, normalize: Normalization): TransformSpec[];
/**
 * A dataset's eval pipeline normalised as the weights expect: `normalize` (given, or what the model records) in place
 * of the dataset's statistics. Refuses one of another channel count than the model's input.
 */
export declare function evalPipelineNormalized(pipeline: readonly TransformSpec[], normalize: Normalization | undefined, channels: number): TransformSpec[];

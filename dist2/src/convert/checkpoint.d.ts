import type { OptimizerState } from '../engine/optim.js';
import type { Tensor } from '../engine/tensor.js';
import { type ModelForm } from './form.js';
import type { ModelOptions } from '../models/index.js';
import type { Module } from '../nn/module.js';
export declare const CHECKPOINT_FORMAT = "leanconv.checkpoint.v1";
export interface CheckpointMeta {
    model: string;
    modelOptions: ModelOptions;
    /** Baseline, ACNet training form or deploy form (default: baseline). */
    form?: ModelForm;
    /** Epochs completed when the checkpoint was written. */
    epoch: number;
    /** Extra JSON-serialisable facts (run config, metrics, classes, dataset, ...). */
    extra?: Record<string, unknown>;
    /** libtorch's generator state, base64. */
    rngState?: string;
}
export interface Checkpoint extends CheckpointMeta {
    /** Model state dict (the caller owns the tensors). */
    state: Record<string, Tensor>;
    optimizer?: OptimizerState;
}
export declare class CheckpointError extends Error {
    constructor(file: string, problem: string);
}
export declare function saveCheckpoint(path: string, model: Module, meta: CheckpointMeta, optimizer?: OptimizerState): void;
/** [C, H, W] of one input image: as trained (recorded by the trainer), else from the model options. */
export declare function checkpointInputShape(meta: CheckpointMeta): [number, number, number];
/** Reads only the metadata (cheap: the header). */
export declare function readCheckpointMeta(path: string): CheckpointMeta;
export declare function loadCheckpoint(path: string): Checkpoint;
/** Builds the checkpoint's model in its recorded form from the metadata and loads the weights (strictly). */
export declare function loadModel(path: string): {
    model: Module;
    meta: CheckpointMeta;
};

import { type Dataset } from '../data/datasets.js';
import { type ModelOptions } from '../models/index.js';
import type { Module } from '../nn/module.js';
import { type TrainConfig } from './config.js';
import { type EpochRecord, type TrainOptions } from './run-directory.js';
export { resolveResume, TrainingError, type EpochRecord, type TrainOptions } from './run-directory.js';
import { type EvalResult } from './metrics.js';
import { type TrainCallback } from './callbacks.js';
export { mixupBatch } from './mixup.js';
import { Progress } from './progress.js';
export interface TrainResult {
    runDir: string;
    /** Epochs the run has completed (its configured length). */
    epochs: number;
    /** Epochs trained by this call (0 when a finished run was resumed). */
    trainedEpochs: number;
    /** Test figures after the last epoch. */
    final: EvalResult;
    bestTop1: number;
    history: EpochRecord[];
    /** Wall-clock seconds of this call (a resumed run counts only its own part). */
    seconds: number;
}
/** What the trainer has set up, handed to onStart once every option has been checked. */
export interface RunSetup {
    config: TrainConfig;
    runDir: string;
    /** Epochs already done (resumed run), else 0. */
    startEpoch: number;
    model: Module;
    trainSize: number;
    testSize: number;
    /** [C, H, W] the images are brought to (the model's input). */
    input: [number, number, number];
    /** Whether the dataset's images come in varying sizes (an image folder) and are resized to `input`. */
    resizesImages: boolean;
}
export interface TrainHooks {
    /** Called when everything is validated and built, before the run directory is created or changed. */
    onStart?(setup: RunSetup): void;
    /** Called after each epoch's record is written. Throwing stops training (used by tests to "kill" a run). */
    onEpochEnd?(record: EpochRecord): void;
    progress?: Progress;
    /** Extra callbacks, after the ones the recipe implies (module progress, regularisers). */
    callbacks?: TrainCallback[];
    /** Messages (run dir, results); default: to stderr via the progress printer. */
    log?(line: string): void;
    /** What the run works around (a skipped bad image), from every rank; default: stderr, also when quiet. */
    warn?(line: string): void;
}
/**
 * Trains a model from a config (or resumes the run at `resume`) and returns its results. Everything
 * is validated and built before the run directory is created; a run that fails before its first
 * checkpoint removes the directory it created, so its name can be used again.
 */
/**
 * The model options a run trains with: the config's, else the data's class count, channels and image size (the model's
 * own input size for image files, which are resized).
 */
export declare function runModelOptions(config: TrainConfig, trainSet: Dataset): Required<Omit<ModelOptions, 'features'>>;
export declare function train(configIn: TrainOptions, hooks?: TrainHooks): Promise<TrainResult>;

import { DataLoader } from '../data/loader.js';
import type { Module } from '../nn/module.js';
import type { loadModel } from '../convert/checkpoint.js';
import { type ModelAgreement } from '../train/metrics.js';
import { type TrainConfig } from '../train/config.js';
import { type TrainHooks, type TrainResult } from '../train/trainer.js';
export interface FormSummary {
    params: number;
    macs: number;
    /** Mean top-1 of the last `lastK` evaluations (fraction). */
    top1Mean?: number;
    top1Last?: number;
    top1Best?: number;
    runDir?: string;
    minutes?: number;
}
export declare function summarize(result: TrainResult, lastK: number): Pick<FormSummary, 'top1Mean' | 'top1Last' | 'top1Best' | 'runDir' | 'minutes'>;
export declare class ExperimentError extends Error {
    constructor(message: string);
}
/**
 * Trains one run directory, or resumes it when it holds a run of the same recipe. A run of another
 * recipe is refused (its results would be reported under the new recipe's name), unless `force`
 * starts it afresh.
 */
export declare function runOrResume(config: TrainConfig, runDir: string, force: boolean, hooks?: TrainHooks): Promise<TrainResult>;
/** A loader over the test split of the config's dataset, preprocessed for a model input [C, H, W]. */
export declare function testLoader(config: TrainConfig, input: [number, number, number]): DataLoader;
/** A second copy of a loaded checkpoint's model, converted to its deploy form (the loaded model stays as it is). */
export declare const deployedCopyOf: ({ model, meta }: ReturnType<typeof loadModel>) => Module;
/** Runs both models over the test split of the config's dataset and compares their logits and predictions. */
export declare function testSetAgreement(a: Module, b: Module, config: TrainConfig, input: [number, number, number]): Promise<ModelAgreement>;
export declare const pct: (v: number | undefined) => string;

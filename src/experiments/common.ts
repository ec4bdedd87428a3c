// Pieces every experiment shares: run directories that resume (and refuse another recipe), the
// summary of a training run, and the test loader of a checkpoint's dataset.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { buildModel, deployedCopy } from '../convert/form.js';
import { getDatasetSpec } from '../data/datasets.js';
import { DataLoader } from '../data/loader.js';
import type { Module } from '../nn/module.js';
import type { loadModel } from '../convert/checkpoint.js';
import { compareModels, type ModelAgreement } from '../train/metrics.js';
import { type TrainConfig, withDefaults } from '../train/config.js';
import { dataTransforms } from '../data/pipelines.js';
import { train, type TrainHooks, type TrainResult } from '../train/trainer.js';

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

export function summarize(result: TrainResult, lastK: number): Pick<FormSummary, 'top1Mean' | 'top1Last' | 'top1Best' | 'runDir' | 'minutes'> {
  const evals = result.history.filter((r) => r.test !== undefined).map((r) => r.test!.top1);
  const last = evals.slice(-lastK);
  return {
    top1Mean: last.reduce((a, b) => a + b, 0) / last.length,
    top1Last: evals.at(-1),
    top1Best: Math.max(...evals),
    runDir: result.runDir,
    minutes: result.history.reduce((a, r) => a + r.seconds, 0) / 60,
  };
}

/** Settings that only change how a run executes, not what it computes (channelsLast: runs recorded before memoryFormat). */
const RUNTIME_KEYS = new Set(['runName', 'outDir', 'workers', 'threads', 'evalBatchSize', 'memoryFormat', 'channelsLast']);

/** The recipe differences between a run directory's recorded config and the requested one. */
function recipeDifferences(recorded: TrainConfig, requested: TrainConfig): string[] {
  const keys = new Set([...Object.keys(recorded), ...Object.keys(requested)]);
  return [...keys].filter((k) => !RUNTIME_KEYS.has(k)).filter((k) => {
    const a = JSON.stringify(recorded[k as keyof TrainConfig]);
    const b = JSON.stringify(requested[k as keyof TrainConfig]);
    return a !== b;
  }).map((k) => `${k} ${JSON.stringify(recorded[k as keyof TrainConfig]) ?? '(unset)'} -> ${JSON.stringify(requested[k as keyof TrainConfig]) ?? '(unset)'}`);
}

export class ExperimentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExperimentError';
  }
}

/**
 * Trains one run directory, or resumes it when it holds a run of the same recipe. A run of another
 * recipe is refused (its results would be reported under the new recipe's name), unless `force`
 * starts it afresh.
 */
export async function runOrResume(config: TrainConfig, runDir: string, force: boolean, hooks?: TrainHooks): Promise<TrainResult> {
  const recordedFile = join(runDir, 'config.json');
  if (existsSync(recordedFile)) {
    const recorded = withDefaults(JSON.parse(readFileSync(recordedFile, 'utf8')) as TrainConfig);
    const differences = recipeDifferences(recorded, config);
    if (differences.length === 0) return train({ resume: runDir }, hooks);
    if (!force) {
      throw new ExperimentError(`${runDir} holds a run with another recipe (${differences.join(', ')}); ` +
        'choose another --dir, or pass --force to discard it and train afresh');
    }
    rmSync(runDir, { recursive: true, force: true });
  }
  return train(config, hooks);
}

/** A loader over the test split of the config's dataset, preprocessed for a model input [C, H, W]. */
export function testLoader(config: TrainConfig, input: [number, number, number]): DataLoader {
  const spec = getDatasetSpec(config.dataset);
  const testSet = spec.load(config.dataDir ?? spec.defaultDir!, 'test');
  return new DataLoader(testSet, { batchSize: config.evalBatchSize, transforms: dataTransforms(spec, testSet, input, false).eval, workers: config.workers });
}

/** A second copy of a loaded checkpoint's model, converted to its deploy form (the loaded model stays as it is). */
export const deployedCopyOf = ({ model, meta }: ReturnType<typeof loadModel>): Module =>
  deployedCopy(model, () => buildModel(meta.model, meta.modelOptions, meta.form));

/** Runs both models over the test split of the config's dataset and compares their logits and predictions. */
export async function testSetAgreement(a: Module, b: Module, config: TrainConfig, input: [number, number, number]): Promise<ModelAgreement> {
  const loader = testLoader(config, input);
  try {
    return await compareModels(a, b, loader);
  } finally {
    await loader.close();
  }
}

export const pct = (v: number | undefined): string => (v === undefined ? '-' : `${(100 * v).toFixed(2)}%`);

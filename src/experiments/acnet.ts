// The ACNet experiment: the baseline and its ACNet form trained with the same recipe and seed, the ACNet
// model fused to its deploy form and checked against the training form on the test set, and the
// params/MACs of all three forms. Accuracy is the mean of the last 5 evaluations, as the reference
// repo's show_log.py reports it. Each run lives in its own run directory, so an interrupted experiment
// resumes where it stopped.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { profileModel } from '../analysis/profile.js';
import { buildModel } from '../convert/form.js';
import { reparameterize } from '../convert/reparameterize.js';
import { getDatasetSpec } from '../data/datasets.js';
import { DataLoader } from '../data/loader.js';
import { checkpointInputShape, loadModel } from '../train/checkpoint.js';
import { DEFAULT_CONFIG, PRESETS, type TrainConfig } from '../train/config.js';
import { compareModels, type ModelAgreement } from '../train/metrics.js';
import { dataTransforms, train, type TrainHooks, type TrainResult } from '../train/trainer.js';
import { plural } from '../util/format.js';
import { writeFileAtomic } from '../util/fs.js';

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

export interface AcnetExperimentResult {
  model: string;
  dataset: string;
  epochs: number;
  lastK: number;
  config: TrainConfig;
  base: FormSummary;
  acb: FormSummary;
  deploy: FormSummary & { agreement: ModelAgreement };
}

export interface AcnetExperimentOptions {
  /** Recipe overrides; the default recipe is the acnet preset on top of the training defaults. */
  config?: Partial<TrainConfig>;
  /** Where the two run directories and results.{json,md} go. */
  dir: string;
  lastK?: number;
  /** Discard earlier runs in `dir` whose recipe differs, instead of refusing. */
  force?: boolean;
  hooks?: TrainHooks;
}

function summarize(result: TrainResult, lastK: number): Pick<FormSummary, 'top1Mean' | 'top1Last' | 'top1Best' | 'runDir' | 'minutes'> {
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

/** Settings that only change how a run executes, not what it computes. */
const RUNTIME_KEYS = new Set(['runName', 'outDir', 'workers', 'threads', 'evalBatchSize']);

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
async function runOrResume(config: TrainConfig, runDir: string, force: boolean, hooks?: TrainHooks): Promise<TrainResult> {
  const recordedFile = join(runDir, 'config.json');
  if (existsSync(recordedFile)) {
    const recorded = { ...DEFAULT_CONFIG, ...(JSON.parse(readFileSync(recordedFile, 'utf8')) as TrainConfig) };
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

export async function runAcnetExperiment(options: AcnetExperimentOptions): Promise<AcnetExperimentResult> {
  const lastK = options.lastK ?? 5;
  const config: TrainConfig = { ...DEFAULT_CONFIG, ...PRESETS.acnet!.config, evalEvery: 1, ...options.config, outDir: options.dir };
  mkdirSync(options.dir, { recursive: true });
  const force = options.force ?? false;
  const base = await runOrResume({ ...config, acb: false, runName: 'base' }, join(options.dir, 'base'), force, options.hooks);
  const acb = await runOrResume({ ...config, acb: true, runName: 'acb' }, join(options.dir, 'acb'), force, options.hooks);

  // The deploy form: fuse the trained ACNet model and compare it with the training form on the test set.
  // Two copies of the final ACNet weights: one stays in training form, the other is fused.
  const trained = loadModel(join(acb.runDir, 'last.safetensors'));
  const copy = buildModel(config.model, trained.meta.modelOptions, trained.meta.form);
  copy.loadStateDict(trained.model.stateDict());
  const deployed = reparameterize(copy);
  const input = checkpointInputShape(trained.meta);
  const spec = getDatasetSpec(config.dataset);
  const testSet = spec.load(config.dataDir ?? spec.defaultDir!, 'test');
  const loader = new DataLoader(testSet, { batchSize: config.evalBatchSize, transforms: dataTransforms(spec, testSet, input, false).eval, workers: config.workers });
  let agreement: ModelAgreement;
  try {
    agreement = await compareModels(trained.model, deployed, loader);
  } finally {
    await loader.close();
  }
  const modelOptions = trained.meta.modelOptions;
  const cost = (form: Parameters<typeof buildModel>[2]): { params: number; macs: number } => {
    const m = buildModel(config.model, modelOptions, form);
    const p = profileModel(m, input);
    m.dispose();
    return { params: p.params, macs: p.macs };
  };
  const deployCost = profileModel(deployed, input);
  trained.model.dispose();
  deployed.dispose();

  const result: AcnetExperimentResult = {
    model: config.model, dataset: config.dataset, epochs: config.epochs, lastK, config,
    base: { ...cost({}), ...summarize(base, lastK) },
    acb: { ...cost({ acb: { gamma: config.acbGamma } }), ...summarize(acb, lastK) },
    deploy: { params: deployCost.params, macs: deployCost.macs, top1Last: agreement.top1[1], agreement },
  };
  writeFileAtomic(join(options.dir, 'results.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileAtomic(join(options.dir, 'results.md'), `${formatAcnetResult(result)}\n`);
  return result;
}

const pct = (v: number | undefined): string => (v === undefined ? '-' : `${(100 * v).toFixed(2)}%`);

export function formatAcnetResult(r: AcnetExperimentResult): string {
  const row = (form: string, s: FormSummary): string =>
    `| ${form} | ${s.params.toLocaleString('en-US')} | ${s.macs.toLocaleString('en-US')} | ${pct(s.top1Mean)} | ${pct(s.top1Last)} | ${pct(s.top1Best)} | ${s.minutes === undefined ? '-' : s.minutes.toFixed(1)} |`;
  const a = r.deploy.agreement;
  return [
    `${r.model} on ${r.dataset}, ${plural(r.epochs, 'epoch')}, seed ${r.config.seed}, batch ${r.config.batchSize}, lr ${r.config.lr}, ` +
      `ACB gamma ${typeof r.config.acbGamma === 'number' ? r.config.acbGamma.toFixed(3) : r.config.acbGamma}`,
    '',
    `| form | params | MACs | top-1 (mean of last ${Math.min(r.lastK, r.epochs)}) | top-1 (last) | top-1 (best) | train min |`,
    '|---|---|---|---|---|---|---|',
    row('baseline', r.base),
    row('ACNet (ACB training form)', r.acb),
    row('ACNet deploy (fused)', r.deploy),
    '',
    `Deploy vs ACB training form on the ${a.count} test images: ${a.samePrediction} identical predictions, ` +
      `top-1 ${pct(a.top1[0])} vs ${pct(a.top1[1])}, max |logit difference| ${a.maxAbsDiff.toExponential(2)}.`,
  ].join('\n');
}

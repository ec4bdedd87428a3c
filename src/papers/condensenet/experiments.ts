// The CondenseNet experiment: a DenseNet-BC baseline and a CondenseNet trained with the same recipe
// and seed; the CondenseNet condensed to its deploy form (group convs + classifier prune) and compared
// with its training form on the test set; params, executed MACs and the paper's FLOPs convention of
// every form; inference images/s of the baseline, the training form and the converted form.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { measureThroughput } from '../../analysis/benchmark.js';
import { referenceCount } from '../../analysis/conventions.js';
import { type ModelProfile, profileModel } from '../../analysis/profile.js';
import { LearnedGroupConv } from './blocks.js';
import { condense } from './convert.js';
import { buildModel } from '../../convert/form.js';
import { reparameterize } from '../../convert/reparameterize.js';
import { noGrad } from '../../engine/autograd.js';
import { tidy } from '../../engine/scope.js';
import { withoutEvalFusion } from '../../nn/fusion.js';
import type { Module } from '../../nn/module.js';
import { checkpointInputShape, loadModel } from '../../convert/checkpoint.js';
import { DEFAULT_CONFIG, PRESETS, type TrainConfig } from '../../train/config.js';
import { compareModels, type ModelAgreement } from '../../train/metrics.js';
import type { TrainHooks } from '../../train/trainer.js';
import { plural } from '../../util/format.js';
import { writeFileAtomic } from '../../util/fs.js';
import { type FormSummary, pct, runOrResume, summarize, testLoader } from '../../experiments/common.js';
import { registerExperiment } from '../../experiments/registry.js';

export interface CondenseFormSummary extends FormSummary {
  /** FLOPs in the CondenseNet convention (measure_model). */
  flops?: number;
  /** Inference images/s (libtorch, batch `throughputBatch`). */
  inferImagesPerSecond?: number;
}

export interface CondenseNetExperimentResult {
  model: string;
  baselineModel: string;
  baselineArgs?: TrainConfig['modelArgs'];
  dataset: string;
  epochs: number;
  lastK: number;
  config: TrainConfig;
  baseline: CondenseFormSummary;
  training: CondenseFormSummary;
  /** The training form counting only unmasked 1x1 weights (what condensation leaves). */
  masked: CondenseFormSummary;
  converted: CondenseFormSummary & {
    /** Converted vs training form over the test set (the classifier prune changes the logits). */
    agreement: ModelAgreement;
    /** Max |logit difference| on the first test batch with only the learned group convs condensed (exact). */
    exactMaxAbsDiff: number;
  };
  throughputBatch: number;
}

export interface CondenseNetExperimentOptions {
  /** The recipe and the CondenseNet model (default condensenet86), on top of the condensenet preset. */
  config?: Partial<TrainConfig>;
  /** The baseline model and its args (default densenet_bc_100, DenseNet-BC-100 k=12). */
  baseline?: { model: string; modelArgs?: TrainConfig['modelArgs'] };
  dir: string;
  lastK?: number;
  force?: boolean;
  hooks?: TrainHooks;
  /** Batch size of the inference throughput measurement (default 64). */
  throughputBatch?: number;
}

/** Parameters and MACs of a training-form model (and its profile) as if its masked 1x1 weights were gone. */
function maskedCost(model: Module, profile: ModelProfile): { params: number; macs: number } {
  let prunedParams = 0;
  let prunedMacs = 0;
  for (const layer of profile.layers) {
    const m = model.getSubmodule(layer.name);
    if (!(m instanceof LearnedGroupConv)) continue;
    const dropped = noGrad(() => tidy(() => m._mask.numel - m._mask.sum().item()));
    prunedParams += dropped;
    prunedMacs += (layer.macs * dropped) / m._mask.numel;
  }
  return { params: profile.params - prunedParams, macs: profile.macs - prunedMacs };
}

export async function runCondenseNetExperiment(options: CondenseNetExperimentOptions): Promise<CondenseNetExperimentResult> {
  const lastK = options.lastK ?? 5;
  const throughputBatch = options.throughputBatch ?? 64;
  const config: TrainConfig = { ...DEFAULT_CONFIG, ...PRESETS.condensenet!.config, model: 'condensenet86', evalEvery: 1, ...options.config, acb: false, outDir: options.dir };
  const baselineModel = options.baseline?.model ?? 'densenet_bc_100';
  mkdirSync(options.dir, { recursive: true });
  const force = options.force ?? false;
  const baseRun = await runOrResume({ ...config, model: baselineModel, modelArgs: options.baseline?.modelArgs, runName: 'baseline' }, join(options.dir, 'baseline'), force, options.hooks);
  const condenseRun = await runOrResume({ ...config, runName: 'condensenet' }, join(options.dir, 'condensenet'), force, options.hooks);

  const trained = loadModel(join(condenseRun.runDir, 'last.safetensors'));
  const baseline = loadModel(join(baseRun.runDir, 'last.safetensors'));
  const input = checkpointInputShape(trained.meta);
  const copy = (): Module => {
    const m = buildModel(trained.meta.model, trained.meta.modelOptions, trained.meta.form);
    m.loadStateDict(trained.model.stateDict());
    return m.eval();
  };
  const exact = reparameterize(copy(), (b) => b instanceof LearnedGroupConv);
  const converted = condense(copy());
  const loader = testLoader(config, input);
  let agreement: ModelAgreement;
  let exactMaxAbsDiff = 0;
  try {
    agreement = await compareModels(trained.model, converted, loader);
    for await (const { images, labels } of loader.epoch(0)) {
      exactMaxAbsDiff = noGrad(() => tidy(() => withoutEvalFusion(() => trained.model.eval().forward(images)).sub(exact.forward(images)).abs().max().item()));
      images.dispose();
      labels.dispose();
      break;
    }
  } finally {
    await loader.close();
  }
  const speed = (m: Module): number => measureThroughput(m, { batchSize: throughputBatch, input, numClasses: trained.meta.modelOptions.numClasses ?? 10, mode: 'infer', warmup: 1, steps: 5 }).infer!.imagesPerSecond;
  const describe = (m: Module, p = profileModel(m, input)): CondenseFormSummary => ({ params: p.params, macs: p.macs, flops: referenceCount('condensenet', m, input).flops });
  try {
    const trainingProfile = profileModel(trained.model, input);
    const training = describe(trained.model, trainingProfile);
    const result: CondenseNetExperimentResult = {
      model: config.model, baselineModel, baselineArgs: options.baseline?.modelArgs, dataset: config.dataset, epochs: config.epochs, lastK, config, throughputBatch,
      baseline: { ...describe(baseline.model), ...summarize(baseRun, lastK), inferImagesPerSecond: speed(baseline.model) },
      training: { ...training, ...summarize(condenseRun, lastK), inferImagesPerSecond: speed(trained.model) },
      masked: { ...maskedCost(trained.model, trainingProfile), flops: training.flops },
      converted: { ...describe(converted), top1Last: agreement.top1[1], agreement, exactMaxAbsDiff, inferImagesPerSecond: speed(converted) },
    };
    writeFileAtomic(join(options.dir, 'results.json'), `${JSON.stringify(result, null, 2)}\n`);
    writeFileAtomic(join(options.dir, 'results.md'), `${formatCondenseNetResult(result)}\n`);
    return result;
  } finally {
    for (const m of [trained.model, baseline.model, exact, converted]) m.dispose();
  }
}

export function formatCondenseNetResult(r: CondenseNetExperimentResult): string {
  const n = (v: number | undefined): string => (v === undefined ? '-' : Math.round(v).toLocaleString('en-US'));
  const row = (form: string, s: CondenseFormSummary): string =>
    `| ${form} | ${n(s.params)} | ${n(s.macs)} | ${s.flops === undefined ? '-' : `${(s.flops / 1e6).toFixed(2)}M`} | ${pct(s.top1Mean)} | ${pct(s.top1Last)} | ` +
    `${pct(s.top1Best)} | ${s.inferImagesPerSecond === undefined ? '-' : s.inferImagesPerSecond.toFixed(1)} | ${s.minutes === undefined ? '-' : s.minutes.toFixed(1)} |`;
  const a = r.converted.agreement;
  const argsOf = (args: TrainConfig['modelArgs']): string => (args ? ` (${Object.entries(args).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('-') : v}`).join(', ')})` : '');
  return [
    `${r.model}${argsOf(r.config.modelArgs)} vs ${r.baselineModel}${argsOf(r.baselineArgs)} on ${r.dataset}, ${plural(r.epochs, 'epoch')}, seed ${r.config.seed}, batch ${r.config.batchSize}, lr ${r.config.lr}, ` +
      `${r.config.schedule.name}${r.config.regularizers.groupLasso ? `, group lasso ${r.config.regularizers.groupLasso}` : ''}`,
    '',
    `| form | params | MACs (executed) | FLOPs (CondenseNet convention) | top-1 (mean of last ${Math.min(r.lastK, r.epochs)}) | top-1 (last) | top-1 (best) | infer img/s (batch ${r.throughputBatch}) | train min |`,
    '|---|---|---|---|---|---|---|---|---|',
    row(`baseline ${r.baselineModel}`, r.baseline),
    row(`${r.model} training form`, r.training),
    row(`${r.model} masked (effective)`, r.masked),
    row(`${r.model} converted`, r.converted),
    '',
    `Converted vs training form on the ${a.count} test images: ${a.samePrediction} identical predictions, top-1 ${pct(a.top1[0])} vs ${pct(a.top1[1])}, ` +
      `max |logit difference| ${a.maxAbsDiff.toExponential(2)} (the classifier prune); with only the learned group convs condensed the logits differ by ` +
      `${r.converted.exactMaxAbsDiff.toExponential(2)} on the first test batch.`,
  ].join('\n');
}

registerExperiment({
  name: 'condensenet',
  summary: 'DenseNet-BC vs CondenseNet, same recipe and seed, condensed, one table',
  help: `condensenet [train options] [--baseline NAME] [--baseline-args A] [--throughput-batch 64]
Trains a DenseNet-BC baseline (default densenet_bc_100) and a CondenseNet (-m, default condensenet86;
--model-args for other configurations) with the same recipe and seed (the condensenet preset unless
--preset says otherwise). Then condenses the CondenseNet, compares the converted model with the
training form on every test image, and prints accuracy, params, executed MACs, the paper's FLOPs
convention and inference images/s of the baseline, the training form, the masked form (unmasked
weights only) and the converted form. Runs go to DIR/baseline and DIR/condensenet (default
<out-dir>/condensenet-<model>-<dataset>).`,
  options: { baseline: { type: 'string' }, 'baseline-args': { type: 'string' }, 'throughput-batch': { type: 'string' } },
  fullRecipe: { runs: 2, preset: (dataset) => (dataset === 'folder' ? 'condensenet-imagenet' : 'condensenet-cifar') },
  async run(c) {
    const config = c.trainConfigFrom({ preset: 'condensenet', model: 'condensenet86', ...c.trainValues });
    const dir = c.dir ?? join(config.outDir!, `condensenet-${config.model}-${config.dataset}`);
    const result = await runCondenseNetExperiment({
      config, dir, lastK: c.lastK, force: c.force, hooks: c.hooks,
      baseline: { model: (c.values.baseline as string | undefined) ?? 'densenet_bc_100', modelArgs: c.modelArgs(c.values['baseline-args'] as string | undefined) },
      throughputBatch: c.num('throughput-batch', { integer: true, min: 1 }),
    });
    return { dir, result, text: formatCondenseNetResult(result) };
  },
});

// The DGConv experiment, on leanconv's CIFAR-size (G-)ResNeXt-20: a dense baseline (groups = 1), a
// ResNeXt with a fixed group count G, and the G-ResNeXt trained under the budget of that fixed model
// (connections ≤ Σ C²/G), all with one recipe and seed. The G-ResNeXt is converted to its deploy form
// (group convs of the learned counts) and checked against its training form on every test image; the
// table gives accuracy, params and executed MACs of every form, inference images/s, and the learned
// group count of every layer.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { measureThroughput } from '../../analysis/benchmark.js';
import { profileModel } from '../../analysis/profile.js';
import { tidy } from '../../engine/scope.js';
import type { Module } from '../../nn/module.js';
import { learnedStructures, regularizerBound, regularizerTerm } from '../../nn/training.js';
import { checkpointInputShape, loadModel } from '../../convert/checkpoint.js';
import { DEFAULT_CONFIG, type TrainConfig } from '../../train/config.js';
import type { ModelAgreement } from '../../train/metrics.js';
import type { TrainHooks, TrainResult } from '../../train/trainer.js';
import { plural } from '../../util/format.js';
import { writeFileAtomic } from '../../util/fs.js';
import { deployedCopyOf, type FormSummary, pct, runOrResume, summarize, testSetAgreement } from '../../experiments/common.js';
import { registerExperiment } from '../../experiments/registry.js';

export interface DGConvFormSummary extends FormSummary {
  /** Inference images/s (libtorch, batch `throughputBatch`). */
  inferImagesPerSecond?: number;
}

export interface DGConvExperimentResult {
  dataset: string;
  epochs: number;
  lastK: number;
  config: TrainConfig;
  /** Groups of the fixed-group model; the DGConv budget is Σ C²/groups. */
  groups: number;
  dense: DGConvFormSummary;
  fixed: DGConvFormSummary;
  /** The G-ResNeXt in its training form (masked dense 3x3s). */
  dgconv: DGConvFormSummary & {
    /** Learned group count per DGConv layer, by path. */
    learnedGroups: Record<string, number>;
    /** ΣR at the end of training and the budget. */
    connections: number;
    budget: number;
  };
  /** Its deploy form (group convs), compared with the training form on the test set. */
  deployed: DGConvFormSummary & { agreement: ModelAgreement };
  throughputBatch: number;
}

export interface DGConvExperimentOptions {
  /** The recipe (DEFAULT_CONFIG underneath); modelArgs (width, blocks) apply to all three models. */
  config?: Partial<TrainConfig>;
  /** The fixed group count and the budget divisor (default 4). */
  groups?: number;
  dir: string;
  lastK?: number;
  force?: boolean;
  hooks?: TrainHooks;
  /** Batch size of the inference throughput measurement (default 64). */
  throughputBatch?: number;
}

export async function runDGConvExperiment(options: DGConvExperimentOptions): Promise<DGConvExperimentResult> {
  const lastK = options.lastK ?? 5;
  const groups = options.groups ?? 4;
  const throughputBatch = options.throughputBatch ?? 64;
  const config: TrainConfig = { ...DEFAULT_CONFIG, evalEvery: 1, ...options.config, acb: false, outDir: options.dir };
  const shape = config.modelArgs ?? {};
  mkdirSync(options.dir, { recursive: true });
  const force = options.force ?? false;
  const run = (name: string, model: string, extra: Partial<TrainConfig>): Promise<TrainResult> =>
    runOrResume({ ...config, model, runName: name, ...extra }, join(options.dir, name), force, options.hooks);
  const denseRun = await run('dense', 'resnext20_cifar', { modelArgs: { ...shape, groups: 1 } });
  const fixedRun = await run('fixed', 'resnext20_cifar', { modelArgs: { ...shape, groups } });
  const dgRun = await run('dgconv', 'g_resnext20_cifar', { modelArgs: shape, budgets: { ...config.budgets, connections: groups } });

  const load = (r: TrainResult): ReturnType<typeof loadModel> => loadModel(join(r.runDir, 'last.safetensors'));
  const [dense, fixed, trained] = [load(denseRun), load(fixedRun), load(dgRun)];
  const input = checkpointInputShape(trained.meta);
  const deployed = deployedCopyOf(trained);
  const agreement = await testSetAgreement(trained.model, deployed, config, input);
  const numClasses = trained.meta.modelOptions.numClasses ?? 10;
  const speed = (m: Module): number => measureThroughput(m, { batchSize: throughputBatch, input, numClasses, mode: 'infer', warmup: 2, steps: 8 }).infer!.imagesPerSecond;
  const describe = (m: Module): DGConvFormSummary => {
    const p = profileModel(m, input);
    return { params: p.params, macs: p.macs, inferImagesPerSecond: speed(m) };
  };
  try {
    const result: DGConvExperimentResult = {
      dataset: config.dataset, epochs: config.epochs, lastK, config, groups, throughputBatch,
      dense: { ...describe(dense.model), ...summarize(denseRun, lastK) },
      fixed: { ...describe(fixed.model), ...summarize(fixedRun, lastK) },
      dgconv: {
        ...describe(trained.model), ...summarize(dgRun, lastK),
        learnedGroups: Object.fromEntries(learnedStructures(trained.model).map((s) => [s.path, s.value])),
        connections: tidy(() => regularizerTerm(trained.model, 'connections')!.item()),
        budget: regularizerBound(trained.model, 'connections') / groups,
      },
      deployed: { ...describe(deployed), top1Last: agreement.top1[1], agreement },
    };
    writeFileAtomic(join(options.dir, 'results.json'), `${JSON.stringify(result, null, 2)}\n`);
    writeFileAtomic(join(options.dir, 'results.md'), `${formatDGConvResult(result)}\n`);
    return result;
  } finally {
    for (const m of [dense.model, fixed.model, trained.model, deployed]) m.dispose();
  }
}

export function formatDGConvResult(r: DGConvExperimentResult): string {
  const n = (v: number | undefined): string => (v === undefined ? '-' : Math.round(v).toLocaleString('en-US'));
  const row = (form: string, s: DGConvFormSummary): string =>
    `| ${form} | ${n(s.params)} | ${n(s.macs)} | ${pct(s.top1Mean)} | ${pct(s.top1Last)} | ${pct(s.top1Best)} | ` +
    `${s.inferImagesPerSecond === undefined ? '-' : s.inferImagesPerSecond.toFixed(0)} | ${s.minutes === undefined ? '-' : s.minutes.toFixed(1)} |`;
  const args = r.config.modelArgs ? Object.entries(r.config.modelArgs).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('-') : v}`).join(', ') : 'default width and blocks';
  const a = r.deployed.agreement;
  const g = r.dgconv;
  return [
    `(G-)ResNeXt-20 (${args}) on ${r.dataset}, ${plural(r.epochs, 'epoch')}${r.config.trainSubset ? ` on a ${r.config.trainSubset}-image training subset` : ''}, ` +
      `seed ${r.config.seed}, batch ${r.config.batchSize}, lr ${r.config.lr}, ${r.config.schedule.name}, wd ${r.config.weightDecay} (gates ${r.config.decayGates ? '' : 'not '}decayed)`,
    '',
    `| model | params | MACs (executed) | top-1 (mean of last ${Math.min(r.lastK, r.epochs)}) | top-1 (last) | top-1 (best) | infer img/s (batch ${r.throughputBatch}) | train min |`,
    '|---|---|---|---|---|---|---|---|',
    row('dense (groups 1)', r.dense),
    row(`ResNeXt, ${r.groups} groups`, r.fixed),
    row(`G-ResNeXt, budget Σ C²/${r.groups}: training form`, g),
    row('G-ResNeXt deploy form', r.deployed),
    '',
    `Learned groups per layer: ${Object.entries(g.learnedGroups).map(([p, v]) => `${p} ${v}`).join(', ')}.`,
    `Connections ΣR = ${n(g.connections)} against the budget ${n(g.budget)} (${g.connections <= g.budget ? 'within' : 'over'}).`,
    `Deploy vs training form on the ${a.count} test images: ${a.samePrediction} identical predictions, max |logit difference| ${a.maxAbsDiff.toExponential(2)}.`,
  ].join('\n');
}

registerExperiment({
  name: 'dgconv',
  summary: 'dense vs fixed-group ResNeXt vs budgeted G-ResNeXt, converted, one table',
  help: `dgconv [train options] [--groups 4] [--throughput-batch 64]
Trains leanconv's CIFAR-size ResNeXt-20 three times with the same recipe and seed (leanconv's default
recipe unless --preset says otherwise; --model-args width=16,blocks=2-2-2 shapes all three): dense
(groups 1), with G fixed groups (--groups), and as G-ResNeXt with DGConv 3x3s under the budget of the
fixed model (connections <= Σ C²/G). Then converts the G-ResNeXt to its deploy form, compares it with
the training form on every test image, and prints accuracy, params, executed MACs and inference
images/s of every form and the learned group count of every layer. Runs go to DIR/dense, DIR/fixed
and DIR/dgconv (default <out-dir>/dgconv-<dataset>).`,
  options: { groups: { type: 'string' }, 'throughput-batch': { type: 'string' } },
  refusedTrainOptions: { options: ['model', 'dg-budget'], why: 'experiment dgconv trains its own three models (shape them with --model-args) and sets the budget from --groups' },
  async run(c) {
    const config = c.trainConfigFrom(c.trainValues);
    const dir = c.dir ?? join(config.outDir!, `dgconv-${config.dataset}`);
    const result = await runDGConvExperiment({
      config, dir, lastK: c.lastK, force: c.force, hooks: c.hooks, groups: c.num('groups', { integer: true, min: 2 }),
      throughputBatch: c.num('throughput-batch', { integer: true, min: 1 }),
    });
    return { dir, result, text: formatDGConvResult(result) };
  },
});

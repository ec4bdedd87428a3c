// The ACNet experiment: the baseline and its ACNet form trained with the same recipe and seed, the ACNet
// model fused to its deploy form and checked against the training form on the test set, and the
// params/MACs of all three forms. Accuracy is the mean of the last 5 evaluations, as the reference
// repo's show_log.py reports it. Each run lives in its own run directory, so an interrupted experiment
// resumes where it stopped.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { profileModel } from '../../analysis/profile.js';
import { buildModel } from '../../convert/form.js';
import { checkpointInputShape, loadModel } from '../../convert/checkpoint.js';
import { DEFAULT_CONFIG, PRESETS, type TrainConfig } from '../../train/config.js';
import type { ModelAgreement } from '../../train/metrics.js';
import type { TrainHooks } from '../../train/trainer.js';
import { plural } from '../../util/format.js';
import { writeFileAtomic } from '../../util/fs.js';
import { deployedCopyOf, type FormSummary, pct, runOrResume, summarize, testSetAgreement } from '../../experiments/common.js';
import { registerExperiment } from '../../experiments/registry.js';

export { ExperimentError, type FormSummary } from '../../experiments/common.js';

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
  const deployed = deployedCopyOf(trained);
  const input = checkpointInputShape(trained.meta);
  const agreement = await testSetAgreement(trained.model, deployed, config, input);
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
    acb: { ...cost({ acb: { gamma: config.acbGamma ?? 1 } }), ...summarize(acb, lastK) },
    deploy: { params: deployCost.params, macs: deployCost.macs, top1Last: agreement.top1[1], agreement },
  };
  writeFileAtomic(join(options.dir, 'results.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileAtomic(join(options.dir, 'results.md'), `${formatAcnetResult(result)}\n`);
  return result;
}

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

registerExperiment({
  name: 'acnet',
  summary: 'baseline vs ACNet form, same recipe and seed, fused, one table',
  help: `acnet [train options]
Trains the model twice with the same recipe and seed (the acnet preset unless --preset says otherwise):
the baseline and its ACNet form (--acb-gamma, default 1/3 from the preset). Then fuses the ACNet model
into its deploy form, checks it against the training form on every test image, and prints accuracy
(mean of the last K evaluations, as the reference repo reports) with params and MACs of all three forms.
Runs go to DIR/base and DIR/acb (default <out-dir>/acnet-<model>-<dataset>).`,
  fullRecipe: { runs: 2, preset: (dataset) => (dataset === 'folder' ? 'acnet-imagenet' : 'acnet-cifar') },
  async run(c) {
    const config = c.trainConfigFrom({ preset: 'acnet', ...c.trainValues, acb: c.trainValues['acb-gamma'] !== undefined ? true : undefined });
    const dir = c.dir ?? join(config.outDir!, `acnet-${config.model}-${config.dataset}`);
    const result = await runAcnetExperiment({ config, dir, lastK: c.lastK, force: c.force, hooks: c.hooks });
    return { dir, result, text: formatAcnetResult(result) };
  },
});

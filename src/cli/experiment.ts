// `leanconv experiment acnet|condensenet|dgconv`: a baseline and the paper's model trained with one recipe,
// converted to the deploy form, compared in one table.
import { join } from 'node:path';

import { writeReport } from '../report/index.js';

import { formatAcnetResult, runAcnetExperiment } from '../experiments/acnet.js';
import { formatCondenseNetResult, runCondenseNetExperiment } from '../experiments/condensenet.js';
import { formatDGConvResult, runDGConvExperiment } from '../experiments/dgconv.js';
import { Progress } from '../train/progress.js';
import { unknownNameMessage } from '../util/suggest.js';
import { num, parse, UsageError, usage } from './args.js';
import { modelArgsFrom, out, printJson } from './common.js';
import { TRAIN_OPTIONS, trainConfigFrom } from './train_options.js';

const EXPERIMENTS = ['acnet', 'condensenet', 'dgconv'];

const HELP_TEXT = `usage: leanconv experiment acnet|condensenet|dgconv [train options] [--dir DIR] [--last-k 5] [--force] [--json]

acnet [train options]

Trains the model twice with the same recipe and seed (the acnet preset unless --preset says otherwise):
the baseline and its ACNet form (--acb-gamma, default 1/3 from the preset). Then fuses the ACNet model
into its deploy form, checks it against the training form on every test image, and prints accuracy
(mean of the last K evaluations, as the reference repo reports) with params and MACs of all three forms.
Runs go to DIR/base and DIR/acb (default <out-dir>/acnet-<model>-<dataset>); rerunning the command
with the same recipe resumes or reuses them. A rerun with another recipe is refused, naming the
differences; --force discards the old runs and trains afresh. Results: DIR/results.json and
DIR/results.md; --json prints the result as JSON.

condensenet [train options] [--baseline NAME] [--baseline-args A] [--throughput-batch 64]
Trains a DenseNet-BC baseline (default densenet_bc_100) and a CondenseNet (-m, default condensenet86;
--model-args for other configurations) with the same recipe and seed (the condensenet preset unless
--preset says otherwise). Then condenses the CondenseNet, compares the converted model with the
training form on every test image, and prints accuracy, params, executed MACs, the paper's FLOPs
convention and inference images/s of the baseline, the training form, the masked form (unmasked
weights only) and the converted form. Runs go to DIR/baseline and DIR/condensenet (default
<out-dir>/condensenet-<model>-<dataset>).

dgconv [train options] [--groups 4] [--throughput-batch 64]
Trains leanconv's CIFAR-size ResNeXt-20 three times with the same recipe and seed (leanconv's default
recipe unless --preset says otherwise; --model-args width=16,blocks=2-2-2 shapes all three): dense
(groups 1), with G fixed groups (--groups), and as G-ResNeXt with DGConv 3x3s under the budget of the
fixed model (connections <= Σ C²/G). Then converts the G-ResNeXt to its deploy form, compares it with
the training form on every test image, and prints accuracy, params, executed MACs and inference
images/s of every form and the learned group count of every layer. Runs go to DIR/dense, DIR/fixed
and DIR/dgconv (default <out-dir>/dgconv-<dataset>).

Train options: see leanconv train --help (e.g. -m cifar_quick -e 10 --lr 0.1 --seed 0).`;

export async function cmdExperiment(argv: string[]): Promise<void> {
  const options = {
    ...TRAIN_OPTIONS, dir: { type: 'string' }, 'last-k': { type: 'string' }, force: { type: 'boolean' },
    baseline: { type: 'string' }, 'baseline-args': { type: 'string' }, 'throughput-batch': { type: 'string' }, groups: { type: 'string' },
  } as const;
  const { values, positionals } = parse(argv, options, 'experiment');
  if (values.help || positionals.length === 0) return usage(values.help, HELP_TEXT);
  const name = positionals[0]!;
  if (!EXPERIMENTS.includes(name)) throw new UsageError(unknownNameMessage('experiment', name, EXPERIMENTS));
  if (values.resume !== undefined || values.acb) throw new UsageError('--resume and --acb do not apply (the experiment trains both forms and resumes by itself)');
  const { force, dir: _dir, 'last-k': _lastK, baseline, 'baseline-args': baselineArgs, 'throughput-batch': _batch, groups: _groups, ...trainValues } = values;
  if (values.groups !== undefined && name !== 'dgconv') throw new UsageError('--groups applies to experiment dgconv');
  const quiet = Boolean(values.quiet);
  const hooks = { progress: new Progress(process.stderr, 15, !quiet) };
  const lastK = num(values, 'last-k', { integer: true, min: 1 });
  if (name === 'condensenet') {
    const config = trainConfigFrom({ preset: 'condensenet', model: 'condensenet86', ...trainValues });
    const dir = (values.dir as string | undefined) ?? join(config.outDir!, `condensenet-${config.model}-${config.dataset}`);
    const result = await runCondenseNetExperiment({
      config, dir, lastK, force: Boolean(force), hooks,
      baseline: { model: (baseline as string | undefined) ?? 'densenet_bc_100', modelArgs: modelArgsFrom({ 'model-args': baselineArgs }) },
      throughputBatch: num(values, 'throughput-batch', { integer: true, min: 1 }),
    });
    const report = await writeExperimentReport(dir, result);
    if (values.json) return printJson({ ...result, report });
    out(formatCondenseNetResult(result));
    out(`\nresults: ${join(dir, 'results.md')}\nreport: ${report}`);
    return;
  }
  if (baseline !== undefined || baselineArgs !== undefined) throw new UsageError('--baseline and --baseline-args apply to experiment condensenet');
  if (name === 'dgconv') {
    if (values.model !== undefined || values['dg-budget'] !== undefined) throw new UsageError('experiment dgconv trains its own three models (shape them with --model-args) and sets the budget from --groups');
    const config = trainConfigFrom(trainValues);
    const dir = (values.dir as string | undefined) ?? join(config.outDir!, `dgconv-${config.dataset}`);
    const result = await runDGConvExperiment({
      config, dir, lastK, force: Boolean(force), hooks, groups: num(values, 'groups', { integer: true, min: 2 }),
      throughputBatch: num(values, 'throughput-batch', { integer: true, min: 1 }),
    });
    const report = await writeExperimentReport(dir, result);
    if (values.json) return printJson({ ...result, report });
    out(formatDGConvResult(result));
    out(`\nresults: ${join(dir, 'results.md')}\nreport: ${report}`);
    return;
  }
  const config = trainConfigFrom({ preset: 'acnet', ...trainValues, acb: trainValues['acb-gamma'] !== undefined ? true : undefined });
  const dir = (values.dir as string | undefined) ?? join(config.outDir!, `acnet-${config.model}-${config.dataset}`);
  const result = await runAcnetExperiment({ config, dir, lastK, force: Boolean(force), hooks });
  const report = await writeExperimentReport(dir, result);
  if (values.json) return printJson({ ...result, report });
  out(formatAcnetResult(result));
  out(`\nresults: ${join(dir, 'results.md')}\nreport: ${report}`);
}

/**
 * The experiment's runs in one report (DIR/report/index.html): the paper's form first (it is evaluated for the
 * confusion matrix and misclassified images), then the baselines, curves overlaid.
 */
async function writeExperimentReport(dir: string, result: object): Promise<string> {
  const runDirs = [...new Set(Object.values(result).map((v) => (v as { runDir?: unknown } | null)?.runDir).filter((d): d is string => typeof d === 'string'))].reverse();
  return (await writeReport(runDirs, { outDir: join(dir, 'report') })).html;
}

// `leanconv experiment acnet`: baseline vs ACNet form with one recipe, fused deploy form, one table.
import { join } from 'node:path';

import { formatAcnetResult, runAcnetExperiment } from '../experiments/acnet.js';
import { Progress } from '../train/progress.js';
import { unknownNameMessage } from '../util/suggest.js';
import { num, parse, UsageError } from './args.js';
import { out, printJson } from './common.js';
import { TRAIN_OPTIONS, trainConfigFrom } from './train_options.js';

const EXPERIMENTS = ['acnet'];

const HELP_TEXT = `usage: leanconv experiment acnet [train options] [--dir DIR] [--last-k 5] [--force] [--json]

Trains the model twice with the same recipe and seed (the acnet preset unless --preset says otherwise):
the baseline and its ACNet form (--acb-gamma, default 1/3 from the preset). Then fuses the ACNet model
into its deploy form, checks it against the training form on every test image, and prints accuracy
(mean of the last K evaluations, as the reference repo reports) with params and MACs of all three forms.
Runs go to DIR/base and DIR/acb (default <out-dir>/acnet-<model>-<dataset>); rerunning the command
with the same recipe resumes or reuses them. A rerun with another recipe is refused, naming the
differences; --force discards the old runs and trains afresh. Results: DIR/results.json and
DIR/results.md; --json prints the result as JSON.

Train options: see leanconv train --help (e.g. -m cifar_quick -e 10 --lr 0.1 --seed 0).`;

export async function cmdExperiment(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, { ...TRAIN_OPTIONS, dir: { type: 'string' }, 'last-k': { type: 'string' }, force: { type: 'boolean' } }, 'experiment');
  if (values.help || positionals.length === 0) return out(HELP_TEXT);
  const name = positionals[0]!;
  if (!EXPERIMENTS.includes(name)) throw new UsageError(unknownNameMessage('experiment', name, EXPERIMENTS));
  if (values.resume !== undefined || values.acb) throw new UsageError('--resume and --acb do not apply (the experiment trains both forms and resumes by itself)');
  const { force, dir: _dir, 'last-k': _lastK, ...trainValues } = values;
  const config = trainConfigFrom({ preset: 'acnet', ...trainValues, acb: trainValues['acb-gamma'] !== undefined ? true : undefined });
  const dir = (values.dir as string | undefined) ?? join(config.outDir!, `acnet-${config.model}-${config.dataset}`);
  const quiet = Boolean(values.quiet);
  const result = await runAcnetExperiment({
    config, dir, lastK: num(values, 'last-k', { integer: true, min: 1 }), force: Boolean(force),
    hooks: { progress: new Progress(process.stderr, 15, !quiet) },
  });
  if (values.json) return printJson(result);
  out(formatAcnetResult(result));
  out(`\nresults: ${join(dir, 'results.md')}`);
}

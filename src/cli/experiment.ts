// `leanconv experiment <name>`: a paper's comparison (a baseline and the paper's model trained with one recipe,
// converted to the deploy form, compared in one table), from the experiment registry (src/experiments/registry.ts).
import { join } from 'node:path';

import { getExperiment, listExperiments } from '../experiments/registry.js';
import { writeReport } from '../report/index.js';
import { Progress } from '../train/progress.js';
import { num, type OptionSpec, parse, UsageError, usage } from './args.js';
import { modelArgsFrom, out, printJson, transformSwitches } from './common.js';
import { DEFAULT_CONFIG, withDefaults } from '../train/config.js';
import { estimateWallTime } from '../train/estimate.js';
import { formatDuration } from '../train/progress.js';
import { trainConfigFrom, trainOptions } from './train_options.js';

const COMMON_OPTIONS: OptionSpec = { dir: { type: 'string' }, 'last-k': { type: 'string' }, force: { type: 'boolean' }, full: { type: 'boolean' }, estimate: { type: 'boolean' } };

const helpText = (): string => `usage: leanconv experiment ${listExperiments().map((e) => e.name).join('|')} [train options] [--dir DIR] [--last-k 5] [--force]
       [--full [--estimate]] [--json]

${listExperiments().map((e) => e.help).join('\n\n')}

Every experiment prints accuracy as the mean of the last K evaluations (--last-k) with the last and best.
Rerunning the command with the same recipe resumes or reuses the runs in DIR. A rerun with another recipe
is refused, naming the differences; --force discards the old runs and trains afresh. Results:
DIR/results.json, DIR/results.md and an HTML report in DIR/report; --json prints the result as JSON.

--full trains the paper's table rows with its whole recipe (${listExperiments().filter((e) => e.fullRecipe).map((e) => e.name).join(', ')}: the
preset the paper uses for the dataset, e.g. acnet-cifar; explicit train options still override). It first
times a few optimisation steps on this machine and prints the expected wall time; --estimate stops there.

Train options: see leanconv train --help (e.g. -m cifar_quick -e 10 --lr 0.1 --seed 0).`;

export async function cmdExperiment(argv: string[]): Promise<void> {
  const experiments = listExperiments();
  const own = Object.assign({}, ...experiments.map((e) => e.options ?? {})) as OptionSpec;
  const { values, positionals } = parse(argv, { ...trainOptions(), ...COMMON_OPTIONS, ...own }, 'experiment');
  if (values.help || positionals.length === 0) return usage(values.help, helpText());
  let experiment;
  try {
    experiment = getExperiment(positionals[0]!);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  // A transform's switch (--acb) would choose the form the experiment compares against.
  const switches = transformSwitches();
  if (values.resume !== undefined || switches.some((s) => values[s.slice(2)])) throw new UsageError(`--resume and ${switches.join(', ')} do not apply (the experiment trains both forms and resumes by itself)`);
  for (const option of Object.keys(own)) {
    if (values[option] === undefined || experiment.options?.[option] !== undefined) continue;
    const takers = experiments.filter((e) => e.options?.[option] !== undefined).map((e) => e.name);
    throw new UsageError(`--${option} applies to experiment ${takers.join(', ')}`);
  }
  const refused = experiment.refusedTrainOptions;
  if (refused && refused.options.some((o) => values[o] !== undefined)) throw new UsageError(refused.why);
  const trainValues = Object.fromEntries(Object.entries(values).filter(([k]) => !(k in COMMON_OPTIONS) && !(k in own)));
  const quiet = Boolean(values.quiet);
  if (values.estimate && !values.full) throw new UsageError('--estimate goes with --full (it prints the full recipe\'s expected wall time and stops)');
  if (values.full) {
    const recipe = experiment.fullRecipe;
    if (recipe === undefined) throw new UsageError(`experiment ${experiment.name} has no official whole recipe to run with --full`);
    const dataset = (trainValues.dataset as string | undefined) ?? DEFAULT_CONFIG.dataset;
    const preset = (trainValues.preset as string | undefined) ?? recipe.preset(dataset);
    if (preset === undefined) throw new UsageError(`experiment ${experiment.name} has no official recipe for dataset '${dataset}'`);
    trainValues.preset = preset;
    const config = withDefaults(trainConfigFrom(trainValues));
    const e = estimateWallTime(config, recipe.runs);
    const line = `--full: preset ${preset}, ${config.model} on ${config.dataset}: ${e.runs} runs x ${e.epochs} epochs x ${e.stepsPerEpoch} steps of batch ` +
      `${config.batchSize} (${e.trainImages} images, input ${e.input.join('x')}); measured ${e.secondsPerStep.toFixed(3)} s per step of the plain model here (a training form is slower), so about ` +
      `${formatDuration(e.seconds)} of training (evaluation not included)`;
    if (values.estimate) {
      if (values.json) return printJson({ experiment: experiment.name, preset, model: config.model, dataset: config.dataset, batchSize: config.batchSize, ...e });
      return out(line);
    }
    process.stderr.write(`${line}\n`);
  }
  const { dir, result, text } = await experiment.run({
    values, trainValues, trainConfigFrom,
    num: (name, rule) => num(values, name, rule),
    modelArgs: (text) => modelArgsFrom({ 'model-args': text }),
    dir: values.dir as string | undefined,
    lastK: num(values, 'last-k', { integer: true, min: 1 }),
    force: Boolean(values.force),
    hooks: { progress: new Progress(process.stderr, 15, !quiet) },
  });
  const report = await writeExperimentReport(dir, result);
  if (values.json) return printJson({ ...result, report });
  out(text);
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

// Pieces shared by the leanconv commands: output helpers and the option groups several commands take.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

import type { ModelForm } from '../convert/form.js';
import { trainingFormPapers } from '../convert/reparameterize.js';
import { modelTransforms } from '../convert/transforms.js';
import { type ModelArgs, parseModelArgs } from '../models/registry.js';
import type { MemoryFormatChoice } from '../nn/module.js';
import type { CheckpointMeta } from '../convert/checkpoint.js';
import { checkpointEvalSplit, EvalSplitError, type CheckpointEvalSplit } from '../train/eval-split.js';
import { roundNumbers } from '../util/format.js';
import { unknownNameMessage } from '../util/suggest.js';
import { UsageError, type OptionSpec } from './args.js';

export const out = (s: string): void => void process.stdout.write(`${s}\n`);
/** Command results as JSON, fractions and timings rounded to 6 significant digits. */
export const printJson = (v: unknown): void => out(JSON.stringify(v, roundNumbers, 2));

export const HELP: OptionSpec = { help: { type: 'boolean', short: 'h' } };

export const MODEL_SHAPE_OPTIONS: OptionSpec = {
  'num-classes': { type: 'string' },
  'in-channels': { type: 'string' },
  input: { type: 'string' },
  'model-args': { type: 'string' },
};

export const MODEL_ARGS_HELP = `  --model-args A   architecture of a configurable model, e.g. stages=4-4-4,growth=8-16-32,condenseFactor=4
                   (leanconv models <name> --args lists what a model takes)`;

/** The --model-args value, parsed. */
export function modelArgsFrom(values: Record<string, unknown>): ModelArgs | undefined {
  const raw = values['model-args'];
  if (raw === undefined) return undefined;
  try {
    return parseModelArgs(String(raw));
  } catch (err) {
    throw new UsageError(`--model-args: ${(err as Error).message}`);
  }
}

/** The registered transforms' switches and option flags (--acb, --acb-gamma), and --deploy: which form of a registered model to build. */
export function formOptions(): OptionSpec {
  const spec: OptionSpec = {};
  for (const t of modelTransforms()) {
    if (t.flags === undefined) continue;
    spec[t.name] = { type: 'boolean' };
    for (const o of t.flags.options ?? []) spec[o.flag] = { type: 'string' };
  }
  return { ...spec, deploy: { type: 'boolean' } };
}

/** The flags of formOptions(), as a help section. */
export function formHelp(): string {
  const line = (usage: string, help: string): string => `  ${usage.padEnd(16)} ${help}`;
  const lines = ['model form:'];
  for (const t of modelTransforms()) {
    if (t.flags === undefined) continue;
    lines.push(line(`--${t.name}`, t.flags.help), ...(t.flags.options ?? []).map((o) => line(o.usage, o.help)));
  }
  lines.push(line('--deploy', `the deploy form: every training-form block converted (${trainingFormPapers()})`));
  return lines.join('\n');
}

/** The form flags formOptions() takes, as given on the command line. */
export function formFlagsGiven(values: Record<string, unknown>): string[] {
  return Object.keys(formOptions()).filter((flag) => values[flag] !== undefined && values[flag] !== false).map((flag) => `--${flag}`);
}

/** The switches of the transforms that have them ('--acb'). */
export function transformSwitches(): string[] {
  return modelTransforms().filter((t) => t.flags !== undefined).map((t) => `--${t.name}`);
}

export function formFrom(values: Record<string, unknown>): ModelForm {
  const form: Record<string, unknown> = {};
  for (const t of modelTransforms()) {
    if (t.flags === undefined) continue;
    const given = (t.flags.options ?? []).filter((o) => values[o.flag] !== undefined);
    if (!values[t.name]) {
      if (given.length > 0) throw new UsageError(`--${given[0]!.flag} needs --${t.name}`);
      continue;
    }
    let options = t.defaults;
    for (const o of given) {
      try {
        options = o.set(options, String(values[o.flag]));
      } catch (err) {
        throw new UsageError(`--${o.flag}: ${(err as Error).message}`);
      }
    }
    form[t.name] = options;
  }
  return values.deploy ? { ...form, deploy: true } : form;
}

const MEMORY_FORMATS: Record<string, MemoryFormatChoice> = { auto: 'auto', nchw: 'contiguous', contiguous: 'contiguous', nhwc: 'channelsLast', 'channels-last': 'channelsLast' };

/** --memory-format auto|nchw|channels-last (or the --channels-last shorthand), if given. */
export function memoryFormatFrom(values: Record<string, unknown>): MemoryFormatChoice | undefined {
  const raw = values['memory-format'] as string | undefined;
  if (raw !== undefined && !(raw in MEMORY_FORMATS)) throw new UsageError(unknownNameMessage('memory format', raw, ['auto', 'nchw', 'channels-last']));
  const chosen = raw === undefined ? undefined : MEMORY_FORMATS[raw];
  if (values['channels-last']) {
    if (chosen !== undefined && chosen !== 'channelsLast') throw new UsageError(`--channels-last conflicts with --memory-format ${raw}`);
    return 'channelsLast';
  }
  return chosen;
}

/** The checkpoint's test split with its preprocessing; --dataset and --data-dir override what it records. */
export function checkpointEvalSplitFrom(path: string, meta: CheckpointMeta, values: Record<string, unknown>): CheckpointEvalSplit {
  try {
    return checkpointEvalSplit(path, meta, { dataset: values.dataset as string | undefined, dataDir: values['data-dir'] as string | undefined, normalize: normalizeFrom(values) });
  } catch (err) {
    if (err instanceof EvalSplitError) throw new UsageError(err.missing === 'classes' ? err.message : `${err.message}; pass ${err.missing === 'dataset' ? '--dataset' : '--data-dir'}`);
    throw err;
  }
}

/** --mean m1,m2,m3 --std s1,s2,s3: a normalisation that replaces the recorded one. */
export function normalizeFrom(values: Record<string, unknown>): { mean: number[]; std: number[] } | undefined {
  if (values.mean === undefined && values.std === undefined) return undefined;
  if (values.mean === undefined || values.std === undefined) throw new UsageError('--mean and --std go together');
  const list = (flag: string): number[] => {
    const text = String(values[flag]);
    const numbers = text.split(',').map((v) => Number(v.trim()));
    if (numbers.some((v) => !Number.isFinite(v))) throw new UsageError(`--${flag} takes comma-separated numbers, got '${text}'`);
    return numbers;
  };
  const [mean, std] = [list('mean'), list('std')];
  if (mean.length !== std.length) throw new UsageError(`--mean has ${mean.length} values, --std ${std.length}`);
  if (std.some((v) => v === 0)) throw new UsageError('--std values must be non-zero');
  return { mean, std };
}

/** A checkpoint path, or a run directory (its last.safetensors, as --resume takes it). */
export function checkpointArgument(target: string): string {
  if (!existsSync(target)) throw new UsageError(`${target} does not exist`);
  if (!statSync(target).isDirectory()) return target;
  const last = join(target, 'last.safetensors');
  if (!existsSync(last)) throw new UsageError(`${target} is a directory without last.safetensors (give a checkpoint file or a run directory)`);
  return last;
}

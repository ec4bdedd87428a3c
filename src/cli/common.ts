// Pieces shared by the leanconv commands: output helpers and the option groups several commands take.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

import type { AcbGamma } from '../blocks/acb.js';
import { parseAcbGamma, type ModelForm } from '../convert/form.js';
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

/** --acb / --acb-gamma / --deploy: which form of a registered model to build. */
export const FORM_OPTIONS: OptionSpec = {
  acb: { type: 'boolean' },
  'acb-gamma': { type: 'string' },
  deploy: { type: 'boolean' },
};

export const FORM_HELP = `model form:
  --acb            the ACNet training form (every 3x3/5x5 conv an Asymmetric Convolution Block)
  --acb-gamma G    initial BN gamma of its branches: 1 (default), 1/3, any number, square
  --deploy         the deploy form: ACBs fused (with --acb), learned group convs condensed (CondenseNet)`;

export function formFrom(values: Record<string, unknown>): ModelForm {
  const deploy = Boolean(values.deploy);
  if (!values.acb) {
    if (values['acb-gamma'] !== undefined) throw new UsageError('--acb-gamma needs --acb');
    return deploy ? { deploy: true } : {};
  }
  const gamma = acbGammaFrom(values) ?? 1;
  return deploy ? { acb: { gamma }, deploy: true } : { acb: { gamma } };
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

/** The --acb-gamma value, if given. */
export function acbGammaFrom(values: Record<string, unknown>): AcbGamma | undefined {
  const raw = values['acb-gamma'];
  if (raw === undefined) return undefined;
  try {
    return parseAcbGamma(String(raw));
  } catch (err) {
    throw new UsageError(`--acb-gamma: ${(err as Error).message}`);
  }
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

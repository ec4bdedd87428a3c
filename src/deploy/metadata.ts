// The metadata leanconv writes into an exported model (input shape, class names, eval preprocessing, ...), read
// back defensively: a file exported by another tool, an older leanconv or a hand edit may hold anything under
// these keys. Every reader (predict, serve, evaluation) takes the validated form, in which a malformed field is
// dropped with a warning that says what was wrong and what is used instead.
import { buildTransform, type TransformSpec } from '../data/transforms.js';

export interface ModelMetadata {
  model?: string;
  form?: string;
  /** [channels, height, width] of one input. */
  input?: [number, number, number];
  classes?: string[];
  /** The eval preprocessing (resize, crop, normalize ...). */
  preprocessing?: TransformSpec[];
  dataset?: string;
  epoch?: number;
  /** Feature backbones: one entry per output stage. */
  features?: unknown[];
}

/** What is wrong with one recorded preprocessing step, if anything: the transform builder's own checks. */
function transformProblem(t: unknown): string | undefined {
  if (typeof t !== 'object' || t === null || Array.isArray(t)) return 'a step is not an object';
  try {
    buildTransform(t as TransformSpec);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * The validated metadata of `raw` (as read from a file's 'leanconv.*' properties), with a warning for every field
 * that was present but malformed and has been dropped. `source` names the file in the warnings.
 */
export function validateMetadata(raw: Record<string, unknown>, source: string): { metadata: ModelMetadata; warnings: string[] } {
  const metadata: ModelMetadata = {};
  const warnings: string[] = [];
  const drop = (key: string, why: string, instead: string): void => void warnings.push(`${source}: metadata '${key}' ignored (${why}); ${instead}`);
  for (const key of ['model', 'form', 'dataset'] as const) {
    const v = raw[key];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v === 'string') metadata[key] = v;
    else drop(key, 'not a string', 'left out');
  }
  if (raw.epoch !== undefined && raw.epoch !== null && raw.epoch !== '') {
    if (Number.isInteger(raw.epoch)) metadata.epoch = raw.epoch as number;
    else drop('epoch', 'not an integer', 'left out');
  }
  const input = raw.input;
  if (input !== undefined && input !== null && input !== '') {
    if (Array.isArray(input) && input.length === 3 && input.every((d) => Number.isInteger(d) && d >= 1 && d <= 8192)) metadata.input = input as [number, number, number];
    else drop('input', 'not three sizes [C, H, W] from 1 to 8192', "the graph's static input shape is used if it has one");
  }
  const classes = raw.classes;
  if (classes !== undefined && classes !== null && classes !== '') {
    if (Array.isArray(classes) && classes.length > 0 && classes.every((c) => typeof c === 'string')) metadata.classes = classes as string[];
    else drop('classes', 'not a non-empty list of names', 'classes are shown as indices');
  }
  const preprocessing = raw.preprocessing;
  if (preprocessing !== undefined && preprocessing !== null && preprocessing !== '') {
    const problem = Array.isArray(preprocessing) ? preprocessing.map(transformProblem).find((p) => p !== undefined) : 'not a list of steps';
    if (problem === undefined) metadata.preprocessing = preprocessing as TransformSpec[];
    else drop('preprocessing', problem, 'pixels go in as 0..1 without normalisation');
  }
  if (raw.features !== undefined) {
    if (Array.isArray(raw.features)) metadata.features = raw.features;
    else drop('features', 'not a list', 'left out');
  }
  return { metadata, warnings };
}

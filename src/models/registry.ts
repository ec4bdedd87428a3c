// The model registry (timm-style): every model family registers named constructors with the input
// size and class count they were designed for. createModel builds one; listModels searches the names.
import type { TransformSpec } from '../data/transforms.js';
import type { Module } from '../nn/module.js';
import { featureBackbone } from './features.js';
import { unknownNameMessage } from '../util/suggest.js';

export interface ModelOptions {
  /** Output classes (default: the model's own, e.g. 10 for CIFAR-10 models). */
  numClasses?: number;
  /** Input channels (1 for grayscale data; default 3). */
  inChannels?: number;
  /** Square input resolution; only models whose layer sizes depend on it (e.g. a flatten) use it. */
  inputSize?: number;
  /** Architecture hyper-parameters of configurable families (e.g. CondenseNet's stages, growth, C, G). */
  args?: ModelArgs;
  /**
   * Build the backbone instead of the classifier (timm's features_only): `true` returns the family's
   * stage outputs (a FeatureExtractor whose forwardOutputs gives one map per stage, head dropped); a list
   * of module paths taps those modules.
   */
  features?: boolean | readonly string[];
}

export type ModelArgValue = number | readonly number[] | boolean | string;
export type ModelArgs = Readonly<Record<string, ModelArgValue>>;

export interface ResolvedModelOptions {
  numClasses: number;
  inChannels: number;
  inputSize: number;
  /** The spec's default args with the given ones applied (empty for models without args). */
  args: ModelArgs;
}

export interface ModelSpec {
  name: string;
  family: string;
  description: string;
  /** [channels, height, width] the reference model was designed for. */
  inputSize: [number, number, number];
  defaultNumClasses: number;
  /** Where the definition comes from (paper / reference implementation). */
  source: string;
  /** Hyper-parameters the model takes: their defaults (which also fix their types) and a line each. */
  args?: { defaults: ModelArgs; help: Record<string, string> };
  /**
   * The eval preprocessing of the reference implementation's published weights (recorded by `leanconv import`);
   * default: defaultEvalPreprocessing.
   */
  evalPreprocessing?: TransformSpec[];
  /**
   * Module path of the classifier (the Linear that produces the logits), replaced for another class count
   * (timm's pretrained_cfg 'classifier').
   */
  classifier: string;
  /** Module path of the first conv (the one that reads the image; timm's pretrained_cfg 'first_conv'). */
  firstConv: string;
  /** How the reference implementation counts FLOPs, when it has its own convention (shown by `info`). */
  flopsConvention?: string;
  create(options: ResolvedModelOptions): Module;
}

const registry = new Map<string, ModelSpec>();

export function registerModel(spec: ModelSpec): void {
  if (registry.has(spec.name)) throw new Error(`registerModel: '${spec.name}' is already registered`);
  registry.set(spec.name, spec);
}

/** Glob-style search ('resnet*', '*cifar*'); all names when no pattern is given. Sorted. */
export function listModels(pattern = '*'): string[] {
  const re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
  return [...registry.keys()].filter((n) => re.test(n)).sort();
}

export function getModelSpec(name: string): ModelSpec {
  const spec = registry.get(name);
  if (spec === undefined) throw new Error(unknownNameMessage('model', name, [...registry.keys()]));
  return spec;
}

const IMAGENET_STATS = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
const CIFAR10_STATS = { mean: [0.4914, 0.4822, 0.4465], std: [0.2470, 0.2435, 0.2616] };
/** HCGNet's and CondenseNet's CIFAR-100 loaders. */
const CIFAR100_STATS = { mean: [0.5071, 0.4867, 0.4408], std: [0.2675, 0.2565, 0.2761] };

/**
 * The eval preprocessing weights for this model expect, unless the spec names its own: ImageNet's (resize to
 * 256/224 of the input, centre crop, ImageNet mean/std) for models designed at 224 px and more, CIFAR-10's
 * normalisation for small RGB models (CIFAR-100's for 100 classes, as HCGNet's and CondenseNet's loaders), none for
 * other inputs.
 */
export function defaultEvalPreprocessing(spec: ModelSpec, options: ModelOptions = {}): TransformSpec[] {
  if (spec.evalPreprocessing) return spec.evalPreprocessing;
  const { inChannels, inputSize, numClasses } = resolveModelOptions(spec, { ...options, args: {} });
  if (inChannels !== 3) return [];
  if (inputSize >= 224) return [{ name: 'resize', size: Math.round((inputSize * 256) / 224) }, { name: 'centerCrop', size: inputSize }, { name: 'normalize', ...IMAGENET_STATS }];
  return [{ name: 'normalize', ...(numClasses === 100 ? CIFAR100_STATS : CIFAR10_STATS) }];
}

export function resolveModelOptions(spec: ModelSpec, options: ModelOptions = {}): ResolvedModelOptions {
  const sizes = {
    numClasses: options.numClasses ?? spec.defaultNumClasses,
    inChannels: options.inChannels ?? spec.inputSize[0],
    inputSize: options.inputSize ?? spec.inputSize[1],
  };
  for (const [k, v] of Object.entries(sizes)) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`createModel('${spec.name}'): ${k} must be a positive integer, got ${v}`);
  }
  return { ...sizes, args: resolveArgs(spec, options.args ?? {}) };
}

/** Argument names compare without case, '-' and '_' (the official flags' spellings: group_1x1, group-1x1). */
const argKey = (name: string): string => name.toLowerCase().replace(/[-_]/g, '');

function resolveArgs(spec: ModelSpec, given: ModelArgs): ModelArgs {
  const defaults = spec.args?.defaults ?? {};
  const known = new Map(Object.keys(defaults).map((k) => [argKey(k), k]));
  const resolved: Record<string, ModelArgValue> = { ...defaults };
  for (const [name, value] of Object.entries(given)) {
    const key = known.get(argKey(name));
    if (key === undefined) {
      const accepted = Object.keys(defaults);
      throw new RangeError(accepted.length
        ? unknownNameMessage(`argument of model '${spec.name}'`, name, accepted)
        : `model '${spec.name}' takes no arguments (got '${name}')`);
    }
    const expected = defaults[key]!;
    const ok = Array.isArray(expected)
      ? (Array.isArray(value) ? value : [value]).every((v) => typeof v === 'number' && Number.isFinite(v))
      : typeof value === typeof expected && (typeof value !== 'number' || Number.isFinite(value));
    if (!ok) throw new TypeError(`model '${spec.name}': argument ${key} must be ${Array.isArray(expected) ? 'a list of numbers (e.g. 4-4-4)' : `a ${typeof expected}`}, got ${JSON.stringify(value)}`);
    resolved[key] = Array.isArray(expected) && !Array.isArray(value) ? [value as number] : value;
  }
  return resolved;
}

/**
 * Parses 'stages=4-4-4,growth=8-16-32,condenseFactor=4' (the official flags' values: dash-separated
 * lists) into model args.
 */
export function parseModelArgs(text: string): ModelArgs {
  const args: Record<string, ModelArgValue> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new RangeError(`model args: expected name=value, got '${part}'`);
    const [name, raw] = [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
    const number = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
    if (/^\d+(-\d+)+$/.test(raw)) args[name] = raw.split('-').map(Number);
    else if (number.test(raw)) args[name] = Number(raw);
    else if (raw === 'true' || raw === 'false') args[name] = raw === 'true';
    else args[name] = raw;
  }
  return args;
}

export function createModel(name: string, options: ModelOptions = {}): Module {
  const spec = getModelSpec(name);
  const resolved = resolveModelOptions(spec, options);
  const model = spec.create(resolved);
  if (!options.features) return model;
  return featureBackbone(model, options.features, [resolved.inChannels, resolved.inputSize, resolved.inputSize], name);
}

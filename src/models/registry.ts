// The model registry (timm-style): every model family registers named constructors with the input
// size and class count they were designed for. createModel builds one; listModels searches the names.
import type { Module } from '../nn/module.js';
import { unknownNameMessage } from '../util/suggest.js';

export interface ModelOptions {
  /** Output classes (default: the model's own, e.g. 10 for CIFAR-10 models). */
  numClasses?: number;
  /** Input channels (1 for grayscale data; default 3). */
  inChannels?: number;
  /** Square input resolution; only models whose layer sizes depend on it (e.g. a flatten) use it. */
  inputSize?: number;
}

export interface ResolvedModelOptions {
  numClasses: number;
  inChannels: number;
  inputSize: number;
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

export function resolveModelOptions(spec: ModelSpec, options: ModelOptions = {}): ResolvedModelOptions {
  const resolved = {
    numClasses: options.numClasses ?? spec.defaultNumClasses,
    inChannels: options.inChannels ?? spec.inputSize[0],
    inputSize: options.inputSize ?? spec.inputSize[1],
  };
  for (const [k, v] of Object.entries(resolved)) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`createModel('${spec.name}'): ${k} must be a positive integer, got ${v}`);
  }
  return resolved;
}

export function createModel(name: string, options: ModelOptions = {}): Module {
  const spec = getModelSpec(name);
  return spec.create(resolveModelOptions(spec, options));
}

// The training configuration: every setting of a run, its defaults, and the papers' recipes as presets.
import type { ModelForm } from '../convert/form.js';
import type { ModelArgs } from '../models/registry.js';
import type { MemoryFormatChoice } from '../nn/module.js';
import type { ScheduleSpec } from './schedule.js';
import { deviceProblem } from '../engine/runtime.js';
import type { Device } from '../engine/tensor.js';

/**
 * Every setting of a run. A paper adds the settings of its own (ACNet's `acb`, `acbGamma`) by declaration merging in
 * its recipe file, and registers their defaults, checks and the model form they ask for with registerConfigFields.
 */
export interface TrainConfig {
  model: string;
  /** Architecture hyper-parameters of configurable models (e.g. CondenseNet's stages, growth, C, G). */
  modelArgs?: ModelArgs;
  /**
   * Start from these weights (a leanconv checkpoint, a PyTorch .pth / .pth.tar, an ACNet .h5) instead of a fresh
   * initialisation; optimizer and schedule start fresh (train/fine-tune.ts).
   */
  init?: string;
  /** Layers kept fixed: a stage number (every layer up to that declared stage's output, from 1) or a module path. */
  freeze?: (number | string)[];
  /** Learning-rate multiplier for every parameter outside the declared classifier (the pretrained layers of a fine-tuning run). */
  backboneLrMultiplier: number;
  /** Default: the dataset's class count. */
  numClasses?: number;
  /** Default: the dataset's channel count (grayscale data into a 3-channel model is replicated). */
  inChannels?: number;
  /** Default: the dataset's image size (resized when different). */
  inputSize?: number;
  dataset: string;
  /** Default: the dataset's built-in directory (Fashion-MNIST). */
  dataDir?: string;
  epochs: number;
  /** Images per optimisation step: all ranks together in data-parallel runs (each takes batchSize / ranks). */
  batchSize: number;
  evalBatchSize: number;
  lr: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  /** Weight decay on biases and BN parameters too. */
  decayBiasAndNorm: boolean;
  /** No weight decay on parameters whose names contain any of these (ACNet's no_l2_keywords: 'depth', MobileNet's depthwise convs). */
  noDecayKeywords?: string[];
  /** LR multiplier for parameters named '*.bias'. */
  biasLrMultiplier: number;
  schedule: ScheduleSpec;
  warmupEpochs: number;
  labelSmoothing: number;
  /** How the smoothing mass is spread: 'uniform' (PyTorch's) or 'offTarget' (ε/(K-1) to each wrong class, HCGNet's ImageNet recipe). */
  labelSmoothingStyle: 'uniform' | 'offTarget';
  /** Weights of regularisers the model's modules offer, added to the loss (e.g. { groupLasso: 1e-5 }). */
  regularizers: Record<string, number>;
  /**
   * Budgets of regularisers the model's modules offer, as divisors of the term's bound: while the term
   * exceeds bound/divisor the loss is scaled by (term/budget)^0.02 (DGConv: { connections: 32 } asks for
   * the cost of 32 groups per layer).
   */
  budgets: Record<string, number>;
  /** Weight decay on gate parameters too (DGConv's gates); default false (upstream does not say). */
  decayGates: boolean;
  /** Mixup Beta(alpha, alpha); 0 turns it off. */
  mixupAlpha: number;
  /** Standard augmentation for the dataset (random crop + flip). */
  augment: boolean;
  /** Train and evaluate on these classes of the dataset only (indices or names), labelled 0..k-1 in this order. */
  classSubset?: (number | string)[];
  /** Train on a seeded, class-balanced subset of this many training images (quick runs; the test split stays whole). */
  trainSubset?: number;
  seed: number;
  /** Loader worker threads (0: prepare batches in the main thread). */
  workers: number;
  /** An image the loader cannot read: 'fail' (default) stops the run naming it; 'skip' leaves it out and warns. */
  onBadImage?: 'fail' | 'skip';
  /**
   * Recovery points inside epochs: every so many batches, or minutes, an atomic recovery.safetensors from which
   * --resume continues at the exact batch (the epoch-end checkpoint replaces it).
   */
  checkpointEvery?: { batches: number } | { minutes: number };
  /** libtorch threads (default: available cores). */
  threads?: number;
  /**
   * The model's memory layout for parameters and batches. 'auto' (default): channels-last (NHWC) for
   * convolutional models, where oneDNN's convolutions skip their layout reorders (1.03-1.63x faster
   * training, bench/results/memory-format.md); results differ from NCHW only by float rounding.
   */
  memoryFormat: MemoryFormatChoice;
  /** Parent directory of run directories. */
  outDir: string;
  /** Run directory name (default: <date>-<model>-<dataset>). */
  runName?: string;
  /** Evaluate every N epochs (and always after the last). */
  evalEvery: number;
  /**
   * In data-parallel runs, normalise with the statistics of the global batch (SyncBatchNorm) instead of
   * each rank's share; no effect in a single process.
   */
  syncBatchNorm: boolean;
  /** Where the model trains: 'cpu' (default), 'cuda' or 'cuda:N' (needs a CUDA build of libtorch). */
  device: Device;
}

export const DEFAULT_CONFIG: TrainConfig = {
  model: 'resnet20',
  dataset: 'fashion-mnist',
  epochs: 7,
  batchSize: 128,
  evalBatchSize: 500,
  lr: 0.1,
  momentum: 0.9,
  nesterov: true,
  weightDecay: 5e-4,
  decayBiasAndNorm: false,
  biasLrMultiplier: 1,
  backboneLrMultiplier: 1,
  schedule: { name: 'cosine' },
  warmupEpochs: 0,
  labelSmoothing: 0,
  labelSmoothingStyle: 'uniform',
  regularizers: {},
  budgets: {},
  decayGates: false,
  mixupAlpha: 0,
  augment: true,
  seed: 0,
  workers: 1,
  memoryFormat: 'auto',
  outDir: 'runs',
  evalEvery: 1,
  syncBatchNorm: false,
  device: 'cpu',
};

/** Recipes of the reference implementations, registered by each paper (papers/<paper>/recipes.ts); a preset sets these, explicit options override. */
export { PRESETS } from './recipes.js';

/**
 * A whole config: the defaults (with every paper's), then each layer in order: a preset's values, a recorded
 * config, the options given. The one place where defaults are merged.
 */
export function withDefaults(...layers: Partial<TrainConfig>[]): TrainConfig {
  return Object.assign({}, DEFAULT_CONFIG, ...layers) as TrainConfig;
}

/** Settings a paper adds to TrainConfig (declared there by declaration merging): their defaults, checks and form. */
export interface ConfigFields {
  /** Default values, merged into DEFAULT_CONFIG when registered. */
  defaults: Partial<TrainConfig>;
  /** What is wrong with the paper's settings in `config`, a sentence each naming the setting. */
  problems?(config: TrainConfig): string[];
  /** The part of the model form the settings ask for (ACNet: its training transform). */
  form?(config: TrainConfig): ModelForm;
}

const CONFIG_FIELDS: ConfigFields[] = [];

export function registerConfigFields(fields: ConfigFields): void {
  CONFIG_FIELDS.push(fields);
  Object.assign(DEFAULT_CONFIG, fields.defaults);
}

/** The model form a config trains: what each paper's settings ask for. */
export function configForm(config: TrainConfig): ModelForm {
  return Object.assign({}, ...CONFIG_FIELDS.map((f) => f.form?.(config) ?? {})) as ModelForm;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Settings a resumed run may change: how it runs and how long, never what it computes per epoch. */
export const RESUME_OVERRIDES = ['epochs', 'workers', 'threads', 'evalBatchSize', 'memoryFormat', 'device', 'checkpointEvery', 'onBadImage'] as const;

/**
 * Checks every value of a config before anything is created (run directory, model, data), so a bad
 * option fails at once with its name and never leaves a half-made run behind.
 */
export function validateConfig(c: TrainConfig): void {
  const problems: string[] = [];
  const check = (ok: boolean, what: string): void => void (ok || problems.push(what));
  const int = (v: number | undefined, min: number): boolean => v === undefined || (Number.isInteger(v) && v >= min);
  const inRange = (v: number, lo: number, hi: number, hiOpen = true): boolean => Number.isFinite(v) && v >= lo && (hiOpen ? v < hi : v <= hi);
  check(int(c.epochs, 1), `epochs must be a positive integer, got ${c.epochs}`);
  check(int(c.batchSize, 1), `batchSize must be a positive integer, got ${c.batchSize}`);
  check(int(c.evalBatchSize, 1), `evalBatchSize must be a positive integer, got ${c.evalBatchSize}`);
  check(Number.isFinite(c.lr) && c.lr > 0, `lr must be a positive number, got ${c.lr}`);
  check(inRange(c.momentum, 0, 1), `momentum must be in [0, 1), got ${c.momentum}`);
  check(Number.isFinite(c.weightDecay) && c.weightDecay >= 0, `weightDecay must be >= 0, got ${c.weightDecay}`);
  check(Number.isFinite(c.biasLrMultiplier) && c.biasLrMultiplier >= 0, `biasLrMultiplier must be >= 0, got ${c.biasLrMultiplier}`);
  check(Number.isFinite(c.backboneLrMultiplier ?? 1) && (c.backboneLrMultiplier ?? 1) >= 0, `backboneLrMultiplier must be >= 0, got ${c.backboneLrMultiplier}`);
  check(c.init === undefined || (typeof c.init === 'string' && c.init !== ''), `init must be a file path, got ${String(c.init)}`);
  check(c.classSubset === undefined || (Array.isArray(c.classSubset) && c.classSubset.length > 0), `classSubset must be a non-empty list of classes, got ${JSON.stringify(c.classSubset)}`);
  check((c.freeze ?? []).every((f) => (typeof f === 'number' && Number.isInteger(f) && f >= 1) || (typeof f === 'string' && f !== '')),
    `freeze must list stage numbers (from 1) and module paths, got ${JSON.stringify(c.freeze)}`);
  check(inRange(c.labelSmoothing, 0, 1), `labelSmoothing must be in [0, 1), got ${c.labelSmoothing}`);
  check(c.labelSmoothingStyle === undefined || ['uniform', 'offTarget'].includes(c.labelSmoothingStyle), `labelSmoothingStyle must be 'uniform' or 'offTarget', got ${String(c.labelSmoothingStyle)}`);
  for (const [name, weight] of Object.entries(c.regularizers ?? {})) check(Number.isFinite(weight) && weight >= 0, `regularizer weight ${name} must be >= 0, got ${weight}`);
  for (const [name, divisor] of Object.entries(c.budgets ?? {})) check(Number.isFinite(divisor) && divisor >= 1, `budget divisor ${name} must be >= 1, got ${divisor}`);
  check(Number.isFinite(c.mixupAlpha) && c.mixupAlpha >= 0, `mixupAlpha must be >= 0, got ${c.mixupAlpha}`);
  check(inRange(c.warmupEpochs, 0, c.epochs, false), `warmupEpochs must be in [0, epochs=${c.epochs}], got ${c.warmupEpochs}`);
  check(['auto', 'contiguous', 'channelsLast'].includes(c.memoryFormat), `memoryFormat must be 'auto', 'contiguous' or 'channelsLast', got ${String(c.memoryFormat)}`);
  check(int(c.seed, 0), `seed must be an integer >= 0, got ${c.seed}`);
  check(int(c.workers, 0), `workers must be an integer >= 0, got ${c.workers}`);
  check(int(c.threads, 1), `threads must be a positive integer, got ${c.threads}`);
  check(int(c.trainSubset, 1), `trainSubset must be a positive integer, got ${c.trainSubset}`);
  check(int(c.evalEvery, 1), `evalEvery must be a positive integer, got ${c.evalEvery}`);
  check(c.onBadImage === undefined || c.onBadImage === 'fail' || c.onBadImage === 'skip', `onBadImage must be 'fail' or 'skip', got ${String(c.onBadImage)}`);
  const every = c.checkpointEvery as { batches?: number; minutes?: number } | undefined;
  check(every === undefined || (every.batches !== undefined ? Number.isInteger(every.batches) && every.batches >= 1 : Number.isFinite(every.minutes) && every.minutes! > 0),
    `checkpointEvery must be { batches: positive integer } or { minutes: positive number }, got ${JSON.stringify(every)}`);
  const device = deviceProblem(c.device ?? 'cpu');
  check(device === undefined, `device: ${device}`);
  check(int(c.numClasses, 1) && int(c.inChannels, 1) && int(c.inputSize, 1), 'numClasses, inChannels and inputSize must be positive integers');
  for (const fields of CONFIG_FIELDS) problems.push(...(fields.problems?.(c) ?? []));
  const s = c.schedule;
  if (s.name === 'multistep') {
    check(s.milestones.length > 0 && s.milestones.every((m, i) => Number.isInteger(m) && m > 0 && (i === 0 || m > s.milestones[i - 1]!)), `multistep milestones must be increasing positive epochs, got ${s.milestones.join(',')}`);
    check(Number.isFinite(s.gamma) && s.gamma > 0, `multistep gamma must be positive, got ${s.gamma}`);
  }
  if (s.name === 'sgdr') check(s.t0 >= 1 && s.tmult >= 1, `sgdr t0 and tmult must be >= 1, got ${s.t0}, ${s.tmult}`);
  if ((s.name === 'cosine' || s.name === 'sgdr') && s.minLr !== undefined) check(s.minLr >= 0 && s.minLr <= c.lr, `minLr must be in [0, lr], got ${s.minLr}`);
  if (problems.length) throw new ConfigError(`invalid training config: ${problems.join('; ')}`);
}

// The training configuration: every setting of a run, its defaults, and the papers' recipes as presets.
import type { AcbGamma } from '../blocks/acb.js';
import type { ModelForm } from '../convert/form.js';
import type { ScheduleSpec } from './schedule.js';

export interface TrainConfig {
  model: string;
  /** Train the ACNet form: every 3x3/5x5 conv an Asymmetric Convolution Block. */
  acb: boolean;
  /** Initial BN gamma of the ACB branches (1: paper; 1/3: the repo's CIFAR recipe; 'square'). */
  acbGamma: AcbGamma;
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
  batchSize: number;
  evalBatchSize: number;
  lr: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  /** Weight decay on biases and BN parameters too. */
  decayBiasAndNorm: boolean;
  /** LR multiplier for parameters named '*.bias'. */
  biasLrMultiplier: number;
  schedule: ScheduleSpec;
  warmupEpochs: number;
  labelSmoothing: number;
  /** Mixup Beta(alpha, alpha); 0 turns it off. */
  mixupAlpha: number;
  /** Standard augmentation for the dataset (random crop + flip). */
  augment: boolean;
  seed: number;
  /** Loader worker threads (0: prepare batches in the main thread). */
  workers: number;
  /** libtorch threads (default: available cores). */
  threads?: number;
  /** Parent directory of run directories. */
  outDir: string;
  /** Run directory name (default: <date>-<model>-<dataset>). */
  runName?: string;
  /** Evaluate every N epochs (and always after the last). */
  evalEvery: number;
}

export const DEFAULT_CONFIG: TrainConfig = {
  model: 'resnet20',
  acb: false,
  acbGamma: 1,
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
  schedule: { name: 'cosine' },
  warmupEpochs: 0,
  labelSmoothing: 0,
  mixupAlpha: 0,
  augment: true,
  seed: 0,
  workers: 1,
  outDir: 'runs',
  evalEvery: 1,
};

/** Recipes of the reference implementations (see docs); a preset sets these, explicit options override. */
export const PRESETS: Record<string, { description: string; config: Partial<TrainConfig> }> = {
  acnet: {
    description: "ACNet's do_acnet CIFAR recipe: SGD 0.9 (no nesterov), per-iteration cosine, wd 1e-4 on everything incl. BN and biases, 2x lr on biases, ACB gamma 1/3",
    config: { momentum: 0.9, nesterov: false, weightDecay: 1e-4, decayBiasAndNorm: true, biasLrMultiplier: 2, schedule: { name: 'cosine' }, lr: 0.1, acbGamma: 1 / 3 },
  },
  condensenet: {
    description: "CondenseNet's recipe: SGD 0.9 nesterov, per-iteration cosine, wd 1e-4 on all parameters, batch 64",
    config: { momentum: 0.9, nesterov: true, weightDecay: 1e-4, decayBiasAndNorm: true, schedule: { name: 'cosine' }, lr: 0.1, batchSize: 64 },
  },
  hcgnet: {
    description: "HCGNet's CIFAR recipe: SGD 0.9 nesterov, SGDR (T0=10, Tmult=2) per epoch, wd 1e-4 on all parameters, mixup alpha 1",
    config: { momentum: 0.9, nesterov: true, weightDecay: 1e-4, decayBiasAndNorm: true, schedule: { name: 'sgdr', t0: 10, tmult: 2 }, lr: 0.1, mixupAlpha: 1 },
  },
};

/** The model form a config trains. */
export function configForm(config: Pick<TrainConfig, 'acb' | 'acbGamma'>): ModelForm {
  return config.acb ? { acb: { gamma: config.acbGamma } } : {};
}

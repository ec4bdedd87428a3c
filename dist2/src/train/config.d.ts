import type { AcbGamma } from '../blocks/acb.js';
import type { ModelForm } from '../convert/form.js';
import type { ModelArgs } from '../models/registry.js';
import type { MemoryFormatChoice } from '../nn/module.js';
import type { ScheduleSpec } from './schedule.js';
import type { Device } from '../engine/tensor.js';
export interface TrainConfig {
    model: string;
    /** Architecture hyper-parameters of configurable models (e.g. CondenseNet's stages, growth, C, G). */
    modelArgs?: ModelArgs;
    /** Train the ACNet form: every 3x3/5x5 conv an Asymmetric Convolution Block. */
    acb: boolean;
    /** Initial BN gamma of the ACB branches (1: paper; 1/3: the repo's CIFAR recipe; 'square'). */
    acbGamma: AcbGamma;
    /** Length of the ACBs' 1-D branches (default: each conv's kernel size, 1xK and Kx1; 3: 1x3 and 3x1 on 5x5 convs too). */
    acbBranch?: number;
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
    checkpointEvery?: {
        batches: number;
    } | {
        minutes: number;
    };
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
export declare const DEFAULT_CONFIG: TrainConfig;
/** Recipes of the reference implementations, registered by each paper (src/recipes); a preset sets these, explicit options override. */
export { PRESETS } from './recipes.js';
/** The model form a config trains. */
export declare function configForm(config: Pick<TrainConfig, 'acb' | 'acbGamma' | 'acbBranch'>): ModelForm;
export declare class ConfigError extends Error {
    constructor(message: string);
}
/** Settings a resumed run may change: how it runs and how long, never what it computes per epoch. */
export declare const RESUME_OVERRIDES: readonly ["epochs", "workers", "threads", "evalBatchSize", "memoryFormat", "device", "checkpointEvery", "onBadImage"];
/**
 * Checks every value of a config before anything is created (run directory, model, data), so a bad
 * option fails at once with its name and never leaves a half-made run behind.
 */
export declare function validateConfig(c: TrainConfig): void;

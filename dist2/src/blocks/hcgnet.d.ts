import { type Tensor } from '../engine/tensor.js';
import { AdaptiveAvgPool2d, BatchNorm1d, Conv2d } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import { type ProgressAware, type TrainingProgress } from '../nn/training.js';
import type { DenselyConnected } from './dense.js';
import { PreActConv } from './preact.js';
export interface GatedCellOptions {
    /** Forget-gate bottleneck: k → k/f → k. */
    forgetFactor: number;
    /** Update-gate bottleneck: 2k → 2k/r. */
    reductionFactor: number;
}
/**
 * The gates shared by SMG and the transition (the squeeze convs are registered first by the subclass,
 * so the state-dict order follows the official modules').
 */
declare abstract class GatedCell extends Module {
    readonly conv_3x3: PreActConv;
    readonly conv_5x5: PreActConv;
    readonly global_context3x3: Conv2d;
    readonly global_context5x5: Conv2d;
    readonly fcall: Conv2d;
    readonly bn_attention: BatchNorm1d;
    readonly fc3x3: Conv2d;
    readonly fc5x5: Conv2d;
    readonly global_forget_context: Conv2d;
    readonly global_pool: AdaptiveAvgPool2d;
    readonly bn_forget: BatchNorm1d;
    readonly fc1: Conv2d;
    readonly fc2: Conv2d;
    /** Registers the gate layers for a cell of k channels. */
    protected addGates(k: number, { forgetFactor: f, reductionFactor: r }: GatedCellOptions): void;
    /** Σ_p softmax_p(context(x)) · x_p: [N, C, 1, 1] (the official global pool × H·W). */
    private globalContext;
    /** A bottleneck over a [N, C, 1, 1] context: fc -> BN1d -> tanh, back as [N, C', 1, 1]. */
    private static squeezeVector;
    /** x·forget(x) + update(x) for the squeezed map x. */
    protected gate(x: Tensor): Tensor;
}
/** The SMG module: squeeze cell + gates, densely connected (output = concat(input, cell)). */
export declare class SMG extends GatedCell implements DenselyConnected {
    readonly inChannels: number;
    readonly growthRate: number;
    readonly conv1_1x1: PreActConv;
    readonly conv2_3x3: PreActConv;
    constructor(inChannels: number, growthRate: number, options?: {
        bottleneck?: number;
        groups?: number;
    } & Partial<GatedCellOptions>);
    get growth(): number;
    /** The cell's k channels that the module appends to its input. */
    newFeatures(x: Tensor): Tensor;
    forward(x: Tensor): Tensor;
}
/**
 * DropBlock (Ghiasi et al. 2018) as the official regularization/dropblock: a Bernoulli(γ = p/bs²) seed
 * mask per sample and position, shared by the channels, grown to bs x bs blocks by max pooling (the
 * last row and column cropped for even bs), applied and renormalised by numel / kept. Identity in eval
 * mode or at p = 0.
 */
export declare class DropBlock2D extends Module {
    dropProb: number;
    readonly blockSize: number;
    constructor(dropProb: number, blockSize: number);
    forward(x: Tensor): Tensor;
    extraRepr(): string;
}
/**
 * DropBlock whose probability follows the SGDR cycle of the epoch (the official SGDRScheduler):
 * p = |0.05·(1 + cos(π·T_cur/T_i)) − 0.1|, rising from 0 to maxProb within each cycle. The cycle is the
 * run's LR schedule's when it is SGDR (as upstream, where the scheduler sets it), else T0 = t0, Tmult 2.
 */
export declare class SGDRDropBlock extends Module implements ProgressAware {
    readonly maxProb: number;
    readonly t0: number;
    readonly dropblock: DropBlock2D;
    constructor(blockSize?: number, maxProb?: number, t0?: number);
    /** The drop probability in a given epoch (from 0). */
    probabilityAt(epoch: number, cycle?: {
        tCur: number;
        tI: number;
    }): number;
    onTrainingProgress(progress: TrainingProgress): void;
    forward(x: Tensor): Tensor;
}
/**
 * DropBlock with the official LinearScheduler (regularization/dropblock): the drop probability goes from 0 in the
 * first epoch to `maxProb` in the last, linearly by epoch (np.linspace(0, maxProb, epochs)[epoch]); the alternative
 * to SGDRDropBlock.
 */
export declare class LinearDropBlock extends Module implements ProgressAware {
    readonly maxProb: number;
    readonly dropblock: DropBlock2D;
    constructor(blockSize?: number, maxProb?: number);
    /** The drop probability in a given epoch (from 0) of a run of `epochs`. */
    probabilityAt(epoch: number, epochs: number): number;
    onTrainingProgress(progress: TrainingProgress): void;
    forward(x: Tensor): Tensor;
}
/** How a CIFAR transition's DropBlock is scheduled: by the SGDR cycle (HCGNet's), or linearly over the run. */
export interface DropBlockOptions {
    schedule: 'sgdr' | 'linear';
    blockSize: number;
}
/** HCGNet's transition: squeeze (1x1 then strided 3x3) + gates with f = r = 4; CIFAR's adds DropBlock. */
export declare class HCGTransition extends GatedCell {
    readonly inChannels: number;
    readonly outChannels: number;
    readonly conv1_1x1: PreActConv;
    readonly conv2_3x3: PreActConv;
    readonly dropblock: SGDRDropBlock | LinearDropBlock | undefined;
    constructor(inChannels: number, outChannels: number, options?: {
        stride?: number;
        dropBlock?: boolean | DropBlockOptions;
    });
    forward(x: Tensor): Tensor;
    /** The BN-ReLU that opens the transition (the stage output a detection backbone takes). */
    openingActivation(x: Tensor): Tensor;
    /** The rest of the transition, from openingActivation's output: forward(x) = forwardFromActivation(openingActivation(x)). */
    forwardFromActivation(activated: Tensor): Tensor;
    /** The strided 3x3, the gates and DropBlock, from the 1x1's output. */
    private afterSqueeze;
}
export {};

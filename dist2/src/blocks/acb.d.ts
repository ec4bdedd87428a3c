import type { Tensor } from '../engine/tensor.js';
import { BatchNorm2d, Conv2d } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import type { Reparameterizable } from './reparam.js';
/**
 * Initial BN gamma of the three branches: a number for all three (1 is the paper's default, 1/3 the
 * repo's CIFAR recipe), or 'square' for square 1 and the 1-D branches 0: a fresh block then starts as its
 * square conv + BN (the 1-D branches add nothing until their gamma moves). To acnetize a trained model
 * without changing what it computes, see acnetize's preserveFunction.
 */
export type AcbGamma = number | 'square';
export interface ACBlockOptions {
    stride?: number;
    padding?: number;
    dilation?: number;
    groups?: number;
    /** A bias on the square conv (only useful when replacing a conv that had one; it is folded on deploy). */
    bias?: boolean;
    gamma?: AcbGamma;
    /**
     * Length of the 1-D branches (default: the kernel size, 1xK and Kx1). A shorter odd length centres them on the
     * square window: ACNet's README adds 1x3 and 3x1 branches to Cifar-quick's 5x5 convs.
     */
    branchLength?: number;
    /** Of the three BNs (defaults 1e-5 and 0.1, as PyTorch). */
    bnEps?: number;
    bnMomentum?: number;
}
export declare class ACBlock extends Module implements Reparameterizable {
    readonly inChannels: number;
    readonly outChannels: number;
    readonly kernelSize: number;
    readonly square_conv: Conv2d;
    readonly square_bn: BatchNorm2d;
    readonly ver_conv: Conv2d;
    readonly ver_bn: BatchNorm2d;
    readonly hor_conv: Conv2d;
    readonly hor_bn: BatchNorm2d;
    readonly stride: number;
    readonly padding: number;
    readonly dilation: number;
    readonly groups: number;
    /** Length of the 1-D branches (branchLength x 1 and 1 x branchLength). */
    readonly branchLength: number;
    /** How many rows (ver: columns) of the input the 1-D branches skip on each side, when padding < the window's half. */
    readonly crop: number;
    /** How many input pixels the 1-D branches skip on each side along their window, when padding < the square rows beside it. */
    readonly cropAlong: number;
    constructor(inChannels: number, outChannels: number, kernelSize: number, options?: ACBlockOptions);
    /** Sets the three BN gammas (see AcbGamma). */
    initGamma(gamma: AcbGamma): this;
    forward(x: Tensor): Tensor;
    private branch;
    /** The single KxK kernel and bias equal to the block in eval mode (float64; the caller owns them). */
    private fusedKernel;
    /**
     * The equivalent single KxK conv with bias, from the BNs' running statistics (the block's eval-mode
     * function). Computed in float64, stored in the block's dtype.
     */
    toDeploy(): Conv2d;
    extraRepr(): string;
}

import * as F from '../engine/functional.js';
import { Tensor } from '../engine/tensor.js';
import { Module } from './module.js';
export type Size2 = F.Size2;
export interface Conv2dOptions {
    stride?: Size2;
    padding?: Size2;
    dilation?: Size2;
    groups?: number;
    /** Default true, as PyTorch. */
    bias?: boolean;
}
export declare class Conv2d extends Module {
    readonly inChannels: number;
    readonly outChannels: number;
    readonly weight: Tensor;
    readonly bias: Tensor | undefined;
    readonly kernelSize: [number, number];
    readonly stride: [number, number];
    readonly padding: [number, number];
    readonly dilation: [number, number];
    readonly groups: number;
    constructor(inChannels: number, outChannels: number, kernelSize: Size2, options?: Conv2dOptions);
    forward(x: Tensor): Tensor;
    /** relu(conv(x) + residual) as one op (F.conv2d's epilogue): how runInOrder and residual blocks end a conv at inference. */
    forwardWithEpilogue(x: Tensor, epilogue: F.ConvEpilogue): Tensor;
    extraRepr(): string;
}
export interface BatchNormOptions {
    eps?: number;
    momentum?: number;
    /** Learnable gamma and beta (default true). */
    affine?: boolean;
}
/** Batch normalisation over dim 1; the running statistics are buffers, as PyTorch's. */
export declare abstract class BatchNorm extends Module {
    readonly numFeatures: number;
    readonly weight: Tensor | undefined;
    readonly bias: Tensor | undefined;
    readonly running_mean: Tensor;
    readonly running_var: Tensor;
    readonly num_batches_tracked: Tensor;
    readonly eps: number;
    readonly momentum: number;
    protected abstract readonly inputDims: readonly number[];
    constructor(numFeatures: number, options?: BatchNormOptions);
    forward(x: Tensor): Tensor;
    /** forward then ReLU, in one pass where the engine's kernel allows it (runInOrder uses it for BN -> ReLU). */
    forwardRelu(x: Tensor): Tensor;
    protected normalize(x: Tensor, relu: boolean): Tensor;
    protected checkInput(x: Tensor): void;
    extraRepr(): string;
}
export declare class BatchNorm1d extends BatchNorm {
    protected readonly inputDims: number[];
}
export declare class BatchNorm2d extends BatchNorm {
    protected readonly inputDims: number[];
}
/** Group normalisation (torch.nn.GroupNorm): statistics over groups of channels of each sample, no running statistics. */
export declare class GroupNorm extends Module {
    readonly numGroups: number;
    readonly numChannels: number;
    readonly weight: Tensor | undefined;
    readonly bias: Tensor | undefined;
    readonly eps: number;
    constructor(numGroups: number, numChannels: number, options?: {
        eps?: number;
        affine?: boolean;
    });
    forward(x: Tensor): Tensor;
    extraRepr(): string;
}
export declare class Linear extends Module {
    readonly inFeatures: number;
    readonly outFeatures: number;
    readonly weight: Tensor;
    readonly bias: Tensor | undefined;
    constructor(inFeatures: number, outFeatures: number, options?: {
        bias?: boolean;
    });
    forward(x: Tensor): Tensor;
    /** A new Linear of the same kind and inputs with `outFeatures` outputs, freshly initialised (a classifier for another class count). */
    resized(outFeatures: number): Linear;
    extraRepr(): string;
}
/** A parameter-free elementwise module. */
declare abstract class Activation extends Module {
    protected abstract fn(x: Tensor): Tensor;
    forward(x: Tensor): Tensor;
}
export declare class ReLU extends Activation {
    protected fn: (x: Tensor) => Tensor;
}
export declare class ReLU6 extends Activation {
    protected fn: (x: Tensor) => Tensor;
}
export declare class Sigmoid extends Activation {
    protected fn: (x: Tensor) => Tensor;
}
export declare class Tanh extends Activation {
    protected fn: (x: Tensor) => Tensor;
}
export declare class SiLU extends Activation {
    protected fn: (x: Tensor) => Tensor;
}
export declare class GELU extends Activation {
    protected fn: (x: Tensor) => Tensor;
}
export declare class Hardswish extends Activation {
    protected fn: (x: Tensor) => Tensor;
}
export declare class LeakyReLU extends Activation {
    readonly negativeSlope: number;
    constructor(negativeSlope?: number);
    protected fn: (x: Tensor) => Tensor;
    extraRepr(): string;
}
export declare class MaxPool2d extends Module {
    readonly options: F.MaxPool2dOptions;
    constructor(options: F.MaxPool2dOptions);
    forward(x: Tensor): Tensor;
    extraRepr(): string;
}
export declare class AvgPool2d extends Module {
    readonly options: F.AvgPool2dOptions;
    constructor(options: F.AvgPool2dOptions);
    forward(x: Tensor): Tensor;
    extraRepr(): string;
}
export declare class AdaptiveAvgPool2d extends Module {
    readonly outputSize: Size2;
    constructor(outputSize: Size2);
    forward(x: Tensor): Tensor;
    extraRepr(): string;
}
export declare class Dropout extends Module {
    readonly p: number;
    constructor(p?: number);
    forward(x: Tensor): Tensor;
    extraRepr(): string;
}
export declare class Flatten extends Module {
    readonly startDim: number;
    readonly endDim: number;
    constructor(startDim?: number, endDim?: number);
    forward(x: Tensor): Tensor;
}
/** Returns a new reference to its input (so callers can dispose input and output independently). */
export declare class Identity extends Module {
    forward(x: Tensor): Tensor;
}
export {};

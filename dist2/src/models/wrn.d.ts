import type { Tensor } from '../engine/tensor.js';
import { Sequential } from '../nn/containers.js';
import { Linear } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import { type FeatureInfo, type StagedModel } from './features.js';
import { type ResolvedModelOptions } from './registry.js';
/** Pre-activation unit: BN -> ReLU -> conv (children bn, relu, conv). */
export declare function bnReluConv(inChannels: number, outChannels: number, kernel: number, stride: number): Sequential;
export declare class WideBlock extends Module {
    readonly conv1: Sequential;
    readonly dropout: Module | undefined;
    readonly conv2: Sequential;
    readonly proj: Sequential | undefined;
    constructor(inChannels: number, channels: number, stride: number, projection: boolean, dropRate?: number);
    forward(x: Tensor): Tensor;
}
export declare class WideResNet extends Module implements StagedModel {
    readonly conv1: Module;
    readonly stage1: Sequential;
    readonly stage2: Sequential;
    readonly stage3: Sequential;
    readonly last_bn: Module;
    readonly linear: Linear;
    /** The three stage outputs (strides 1/2/4), the last after the final BN. */
    readonly featureInfo: readonly FeatureInfo[];
    readonly headModules: string[];
    private readonly pool;
    private readonly flatten;
    constructor(depth: number, widen: number, { numClasses, inChannels }: ResolvedModelOptions, dropRate?: number);
    forward(x: Tensor): Tensor;
    forwardIntermediates(x: Tensor, last?: number): Tensor[];
}

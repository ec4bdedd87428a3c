import { type DenselyConnected } from '../blocks/dense.js';
import { PreActConv } from '../blocks/preact.js';
import { type Tensor } from '../engine/tensor.js';
import { Sequential } from '../nn/containers.js';
import { AvgPool2d, Linear } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import { type FeatureInfo, type StagedModel } from './features.js';
import { type ModelArgs, type ResolvedModelOptions } from './registry.js';
export interface DenseNetConfig {
    /** Dense layers per block. */
    stages: readonly number[];
    /** Growth rate k per block. */
    growth: readonly number[];
    /** The 1x1 conv of a dense layer outputs bottleneck·k channels (default 4). */
    bottleneck?: number;
    /** Transition compression (0.5 for -BC); 0 or absent: transitions only pool (CondenseNet). */
    reduction?: number;
    /** Groups of the 1x1 convs (G of the learned group convs; default 1). */
    group1x1?: number;
    /** Groups of the 3x3 convs (default 1). */
    group3x3?: number;
    /** Learned group convs with this condensation factor C replace the 1x1 convs (CondenseNet). */
    condenseFactor?: number;
    /** Dropout before the dense layers' learned group convs (default 0). */
    dropoutRate?: number;
    /** Stride of the stem conv (1 for CIFAR, 2 for ImageNet). */
    stemStride?: number;
}
/** x rounded up to a multiple of y (the official make_divisible). */
export declare const makeDivisible: (x: number, y: number) => number;
export declare class DenseLayer extends Module implements DenselyConnected {
    readonly growth: number;
    readonly conv_1: Module;
    readonly conv_2: PreActConv;
    constructor(inChannels: number, growth: number, config: DenseNetConfig);
    newFeatures(x: Tensor): Tensor;
    forward(x: Tensor): Tensor;
}
/** Compression (a 1x1 conv to `outChannels`) then 2x2 average pooling; pooling alone without outChannels. */
export declare class Transition extends Module {
    readonly conv: Module | undefined;
    readonly pool: AvgPool2d;
    constructor(inChannels: number, outChannels: number | undefined, config: DenseNetConfig);
    forward(x: Tensor): Tensor;
}
export declare class DenseNet extends Module implements StagedModel {
    readonly config: DenseNetConfig;
    readonly features: Sequential;
    readonly classifier: Linear;
    /** Each dense block's output (the last one after the final BN-ReLU). */
    readonly featureInfo: readonly FeatureInfo[];
    readonly headModules: string[];
    /** The names in `features` of each stage's modules (looked up when run: converters replace modules in place). */
    private readonly stageModules;
    private readonly flatten;
    constructor(config: DenseNetConfig, { numClasses, inChannels }: ResolvedModelOptions);
    /** Channels of the features the classifier reads. */
    get numFeatures(): number;
    forward(x: Tensor): Tensor;
    forwardIntermediates(x: Tensor, last?: number): Tensor[];
}
/** A DenseNetConfig from model args (the official main.py flags), after the registry checked their types. */
export declare function denseNetConfig(args: ModelArgs): DenseNetConfig;
/** The arguments every DenseNet-family model takes (defaults per model). */
export declare const DENSENET_ARG_HELP: Record<string, string>;

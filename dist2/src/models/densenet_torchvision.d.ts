import { type DenselyConnected } from '../blocks/dense.js';
import { type Tensor } from '../engine/tensor.js';
import { Sequential } from '../nn/containers.js';
import { Linear } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import { type FeatureInfo, type StagedModel } from './features.js';
import { type ResolvedModelOptions } from './registry.js';
/** torchvision's _DenseLayer: norm1, relu1, conv1 (1x1 to bnSize·growth), norm2, relu2, conv2 (3x3 to growth). */
export declare class TorchvisionDenseLayer extends Module implements DenselyConnected {
    readonly growth: number;
    constructor(inChannels: number, growth: number, bnSize: number);
    newFeatures(x: Tensor): Tensor;
    forward(x: Tensor): Tensor;
}
export declare class TorchvisionDenseNet extends Module implements StagedModel {
    readonly features: Sequential;
    readonly classifier: Linear;
    /** Each dense block's output (the last one after norm5 and the final ReLU of the forward). */
    readonly featureInfo: readonly FeatureInfo[];
    readonly headModules: string[];
    private readonly stageNames;
    private readonly relu;
    private readonly flatten;
    constructor(blocks: readonly number[], { numClasses, inChannels }: ResolvedModelOptions, growth?: number, initFeatures?: number, bnSize?: number);
    forward(x: Tensor): Tensor;
    forwardIntermediates(x: Tensor, last?: number): Tensor[];
}

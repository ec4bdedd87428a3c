import type { Tensor } from '../engine/tensor.js';
import { Sequential } from '../nn/containers.js';
import { Module } from '../nn/module.js';
import { type FeatureInfo, type StagedModel } from './features.js';
import { type ResolvedModelOptions } from './registry.js';
export declare class VGG extends Module implements StagedModel {
    readonly features: Sequential;
    readonly classifier: Sequential;
    /** The output of each max pooling. */
    readonly featureInfo: readonly FeatureInfo[];
    readonly headModules: string[];
    /** Indices in `features` of each stage's layers (looked up when run: converters replace modules in place). */
    private readonly stageLayers;
    constructor({ numClasses, inChannels, inputSize }: ResolvedModelOptions, config?: readonly (number | 'M')[]);
    forward(x: Tensor): Tensor;
    forwardIntermediates(x: Tensor, last?: number): Tensor[];
}

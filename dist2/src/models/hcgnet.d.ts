import { type DropBlockOptions } from '../blocks/hcgnet.js';
import { type Tensor } from '../engine/tensor.js';
import { Sequential } from '../nn/containers.js';
import { Linear, ReLU } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import { type FeatureInfo, type StagedModel } from './features.js';
import { type ResolvedModelOptions } from './registry.js';
export interface HCGNetConfig {
    growth: readonly number[];
    /** SMG modules per hybrid block. */
    blocks: readonly number[];
    /** 'cifar': 3x3 stem, DropBlock transitions, capitalised names; 'imagenet': 3-conv stem + max pool, stride-2 transitions. */
    variant: 'cifar' | 'imagenet';
    /** The CIFAR transitions' DropBlock (default: SGDR-scheduled, block size 2, as the official models). */
    dropBlock?: DropBlockOptions;
}
export declare class HCGNet extends Module implements StagedModel {
    readonly config: HCGNetConfig;
    readonly features: Sequential;
    readonly classifier: Linear;
    /** CIFAR: the ReLU after `features` (ImageNet has it inside, as features.relu5). */
    readonly relu: ReLU | undefined;
    /**
     * The post-BN-ReLU output of every hybrid block, as the official detection backbone takes them: the
     * activation inside each transition's first (pre-activation) conv, and the final BN-ReLU. HCGNet-B:
     * 160/368/952/1244 channels at strides 4/8/16/32.
     */
    readonly featureInfo: readonly FeatureInfo[];
    readonly headModules: string[];
    private readonly flatten;
    constructor(config: HCGNetConfig, { numClasses, inChannels }: ResolvedModelOptions);
    forward(x: Tensor): Tensor;
    /**
     * Runs `features` in segments between the transitions; at each transition the stage output is the
     * transition's opening BN-ReLU, from which the transition goes on.
     */
    forwardIntermediates(x: Tensor, last?: number): Tensor[];
}

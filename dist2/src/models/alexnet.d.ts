import type { Tensor } from '../engine/tensor.js';
import { Sequential } from '../nn/containers.js';
import { AdaptiveAvgPool2d } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import { type ResolvedModelOptions } from './registry.js';
export declare class AlexNet extends Module {
    readonly features: Sequential;
    readonly avgpool: AdaptiveAvgPool2d;
    readonly classifier: Sequential;
    private readonly flatten;
    constructor({ numClasses, inChannels }: ResolvedModelOptions, dropout?: number);
    forward(x: Tensor): Tensor;
}

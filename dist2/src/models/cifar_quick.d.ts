import { Sequential } from '../nn/containers.js';
import { Module } from '../nn/module.js';
import type { Tensor } from '../engine/tensor.js';
import { type ResolvedModelOptions } from './registry.js';
export declare class CifarQuick extends Module {
    readonly features: Sequential;
    readonly classifier: Sequential;
    constructor({ numClasses, inChannels, inputSize }: ResolvedModelOptions);
    forward(x: Tensor): Tensor;
}

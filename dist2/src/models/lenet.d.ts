import type { Tensor } from '../engine/tensor.js';
import { Sequential } from '../nn/containers.js';
import { Linear } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import { type ResolvedModelOptions } from './registry.js';
export declare class LeNet5BN extends Module {
    readonly stem: Sequential;
    readonly linear1: Linear;
    readonly linear2: Linear;
    private readonly flatten;
    private readonly relu1;
    constructor({ numClasses, inChannels, inputSize }: ResolvedModelOptions, widths?: readonly [number, number]);
    forward(x: Tensor): Tensor;
}

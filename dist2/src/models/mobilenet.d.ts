import type { Tensor } from '../engine/tensor.js';
import { Sequential } from '../nn/containers.js';
import { Linear } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import { type ResolvedModelOptions } from './registry.js';
/** ACNet's builder.Conv2dBNReLU: a bias-free conv, BN, ReLU under the names conv, bn, relu. */
export declare function convBnRelu(inChannels: number, outChannels: number, kernelSize: number, options?: {
    stride?: number;
    groups?: number;
}): Sequential;
export declare class MobileNetV1Block extends Module {
    readonly depthwise: Sequential;
    readonly pointwise: Sequential;
    constructor(inChannels: number, outChannels: number, stride: number);
    forward(x: Tensor): Tensor;
}
export declare class MobileNetV1 extends Module {
    readonly conv1: Sequential;
    readonly stem: Sequential;
    readonly linear: Linear;
    private readonly pool;
    private readonly flatten;
    constructor({ numClasses, inChannels }: ResolvedModelOptions);
    forward(x: Tensor): Tensor;
}

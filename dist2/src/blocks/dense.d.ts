import { type Tensor } from '../engine/tensor.js';
import { Sequential } from '../nn/containers.js';
import type { Module } from '../nn/module.js';
/** A layer whose output is its input with `growth` new channels appended. */
export interface DenselyConnected {
    /** Channels the layer appends. */
    readonly growth: number;
    /** The appended channels alone: forward(x) = cat([x, newFeatures(x)], 1). */
    newFeatures(x: Tensor): Tensor;
}
export declare const isDenselyConnected: (m: Module) => m is Module & DenselyConnected;
/** A Sequential of densely connected layers (state-dict names are the children's, as for Sequential). */
export declare class DenseBlock extends Sequential {
    forward(x: Tensor): Tensor;
}

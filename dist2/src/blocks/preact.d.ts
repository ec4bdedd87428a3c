import { Sequential } from '../nn/containers.js';
import { BatchNorm2d, Conv2d, type Conv2dOptions, ReLU } from '../nn/layers.js';
export declare class PreActConv extends Sequential {
    readonly norm: BatchNorm2d;
    readonly relu: ReLU;
    readonly conv: Conv2d;
    /** A bias-free conv; padding defaults to 'same' for odd kernels ((k - 1) / 2). */
    constructor(inChannels: number, outChannels: number, kernelSize: number, options?: Omit<Conv2dOptions, 'bias'>);
}

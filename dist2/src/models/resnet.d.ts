import type { Tensor } from '../engine/tensor.js';
import { Sequential } from '../nn/containers.js';
import { Linear } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import { type FeatureInfo, type StagedModel } from './features.js';
import { type ModelArgs, type ResolvedModelOptions } from './registry.js';
/** The normalisation layer of a ResNet for a channel count (torchvision's norm_layer): BatchNorm2d by default. */
export type NormLayer = (channels: number) => Module;
export declare class BasicBlock extends Module {
    static readonly expansion = 1;
    readonly conv1: Module;
    readonly bn1: Module;
    readonly conv2: Module;
    readonly bn2: Module;
    readonly downsample: Module | undefined;
    private readonly relu;
    constructor(inChannels: number, channels: number, stride?: number);
    forward(x: Tensor): Tensor;
}
export interface BottleneckOptions {
    stride?: number;
    /** Dilation (and padding) of the 3x3 conv (torchvision's replace_stride_with_dilation); default 1. */
    dilation?: number;
    /** Groups of the default 3x3 conv (ResNeXt's cardinality). */
    groups?: number;
    /** Builds the 3x3 conv (width -> width, the block's stride and dilation) instead of a plain Conv2d (G-ResNeXt: a DGConv2d). */
    conv3x3?: (width: number, stride: number, dilation: number) => Module;
    /** The normalisation layers (default BatchNorm2d; torchvision's norm_layer). */
    norm?: NormLayer;
}
export declare class Bottleneck extends Module {
    readonly inChannels: number;
    readonly width: number;
    readonly outChannels: number;
    static readonly expansion = 4;
    readonly conv1: Module;
    readonly bn1: Module;
    readonly conv2: Module;
    readonly bn2: Module;
    readonly conv3: Module;
    readonly bn3: Module;
    readonly downsample: Module | undefined;
    private readonly relu;
    /** torchvision v1.5: 1x1 (to width) -> 3x3 (stride here) -> 1x1 (to outChannels), each followed by BN. */
    constructor(inChannels: number, width: number, outChannels: number, options?: BottleneckOptions);
    forward(x: Tensor): Tensor;
}
/** How a stage builds its blocks: the block for (inChannels, channels, stride, dilation, norm) and its output expansion. */
export interface BlockType {
    expansion: number;
    create(inChannels: number, channels: number, stride: number, dilation?: number, norm?: NormLayer): Module;
}
export declare const basicBlock: BlockType;
/** torchvision's bottleneck width: channels·baseWidth/64 per group, times the groups. */
export declare const bottleneckWidth: (channels: number, groups: number, baseWidth: number) => number;
/** ResNet / ResNeXt bottlenecks (groups = cardinality, baseWidth = width per group at 64 channels). */
export declare function bottleneckBlock(groups?: number, baseWidth?: number): BlockType;
/**
 * A stage of `blocks` blocks, the first with the stride; returns it with its output channels. With `dilation`
 * (torchvision's replace_stride_with_dilation) the first block keeps the previous dilation and the others use the
 * new one; the stride is then 1.
 */
export declare function makeStage(block: BlockType, inChannels: number, channels: number, blocks: number, stride: number, dilation?: {
    previous: number;
    current: number;
}, norm?: NormLayer): [Sequential, number];
/** Kaiming-normal (fan_out, ReLU) convs, BN / GN gamma 1 and beta 0: torchvision's ResNet initialisation. */
export declare function torchvisionInit(model: Module): void;
/**
 * The CIFAR-size residual skeleton: a 3x3 stem of `stem` channels, three stages of blocks (strides 1/2/4)
 * with the given widths and block counts, GAP, FC. CIFAR ResNet (He et al. 2016, depth 6n+2) is basic
 * blocks with stem 16 and widths 16/32/64; leanconv's CIFAR (G-)ResNeXt uses bottlenecks.
 */
export declare class CifarResNet extends Module implements StagedModel {
    readonly conv1: Module;
    readonly bn1: Module;
    readonly layer1: Sequential;
    readonly layer2: Sequential;
    readonly layer3: Sequential;
    readonly fc: Linear;
    readonly featureInfo: readonly FeatureInfo[];
    readonly headModules: string[];
    private readonly relu;
    private readonly pool;
    private readonly flatten;
    constructor(block: BlockType, stem: number, widths: readonly number[], blocks: readonly number[], { numClasses, inChannels }: ResolvedModelOptions);
    /** CIFAR ResNet-depth: 6n+2 layers, n basic blocks per stage. */
    static ofDepth(depth: number, options: ResolvedModelOptions): CifarResNet;
    forward(x: Tensor): Tensor;
    /** The three stage outputs (strides 1/2/4). */
    forwardIntermediates(x: Tensor, last?: number): Tensor[];
}
/** torchvision's ResNet options. */
export interface ResNetOptions {
    /** Stages 2-4 keep the resolution and dilate their convs instead of striding (torchvision's replace_stride_with_dilation). */
    replaceStrideWithDilation?: readonly [boolean, boolean, boolean];
    /** Every residual branch's last BN starts at gamma 0, so each block starts as the identity (torchvision's zero_init_residual). */
    zeroInitResidual?: boolean;
    /** The normalisation layers (torchvision's norm_layer); default BatchNorm2d. */
    norm?: NormLayer;
}
/** Sets the last BN gamma of every residual branch to 0 (torchvision's zero_init_residual). */
export declare function zeroInitResiduals(model: Module): void;
/** The ResNetOptions a bottleneck model's args give (`dilation=0-0-1`, `zeroInitResidual=true`). */
export declare function resNetOptionsFrom(args: ModelArgs): ResNetOptions;
/** The model args of torchvision's bottleneck ResNets. */
export declare const RESNET_ARGS: {
    defaults: {
        replaceStrideWithDilation: number[];
        zeroInitResidual: boolean;
        norm: string;
        gnGroups: number;
    };
    help: {
        norm: string;
        gnGroups: string;
        replaceStrideWithDilation: string;
        zeroInitResidual: string;
    };
};
/** torchvision's ImageNet ResNet / ResNeXt. */
export declare class ResNet extends Module implements StagedModel {
    readonly conv1: Module;
    readonly bn1: Module;
    readonly layer1: Sequential;
    readonly layer2: Sequential;
    readonly layer3: Sequential;
    readonly layer4: Sequential;
    readonly fc: Linear;
    readonly featureInfo: readonly FeatureInfo[];
    readonly headModules: string[];
    private readonly relu;
    private readonly maxpool;
    private readonly avgpool;
    private readonly flatten;
    constructor(block: BlockType, layers: readonly number[], { numClasses, inChannels }: ResolvedModelOptions, options?: ResNetOptions);
    forward(x: Tensor): Tensor;
    /** The four stage outputs (strides 4/8/16/32), as torchvision's detection backbones take them. */
    forwardIntermediates(x: Tensor, last?: number): Tensor[];
}

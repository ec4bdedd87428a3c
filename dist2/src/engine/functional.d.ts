import { type DType } from './dtype.js';
import { Tensor } from './tensor.js';
/** One size for both spatial dims, or [height, width]. */
export type Size2 = number | readonly [number, number];
export type Reduction = 'mean' | 'sum' | 'none';
export interface Conv2dOptions {
    bias?: Tensor;
    stride?: Size2;
    /** Symmetric zero padding per spatial dim; use `pad()` first for per-side amounts. */
    padding?: Size2;
    dilation?: Size2;
    groups?: number;
}
/** conv2d's epilogue: what is applied to the conv's output, in this order. */
export interface ConvEpilogue {
    /** Added to the output (same shape): a residual block's shortcut. */
    residual?: Tensor;
    /** ReLU last. */
    relu?: boolean;
}
/**
 * 2-D convolution: input [N, C, H, W], weight [O, C/groups, kH, kW]; with an epilogue, relu(conv + residual).
 * A 3x3, stride-1, padding-1 conv on channels-last float32 input with channel counts multiples of 8 (up to 256) runs
 * leanconv's Winograd kernel (`nativeKernel` winogradConv; forward and both gradients), which at inference
 * applies the epilogue as it writes the output; otherwise the epilogue runs as ops after the conv.
 */
export declare function conv2d(input: Tensor, weight: Tensor, options?: Conv2dOptions & ConvEpilogue): Tensor;
/**
 * conv2d(relu(input·scale + shift), weight): a pre-activation conv whose eval-mode BatchNorm is the per-channel
 * affine map (scale, shift: one value per input channel). At inference on channels-last float32 input, 1x1 convs
 * and 3x3 grouped convs apply it while reading the input (`nativeKernel` pointwiseConv, groupedConv), so the
 * activated copy is never written; otherwise it runs as a BN-ReLU pass then the conv, with gradients if any.
 * `inputIndex` (int64): the conv reads these input channels (a gather, as CondenseNet's converted layers), and
 * scale and shift have one value per gathered channel; the 1x1 kernel gathers as it reads.
 */
export declare function affineReluConv2d(input: Tensor, scale: Tensor, shift: Tensor, weight: Tensor, options?: Conv2dOptions & {
    inputIndex?: Tensor;
}): Tensor;
/**
 * Attention pooling: out[n, c] = Σ_p softmax_p(Σ_c' weight[c']·input[n, c', p] + bias) · input[n, c, p], [N, C, 1, 1].
 * The global context of HCGNet's gates (and GCNet's): a 1x1 conv to one channel (weight: C values, bias: one)
 * gives each pixel's logit. On channels-last float32 input without gradients it is one kernel that reads the map
 * twice (`nativeKernel` attentionPool); otherwise those ops, with gradients.
 */
export declare function attentionPool2d(input: Tensor, weight: Tensor, bias?: Tensor): Tensor;
/** x @ weight^T + bias. */
export declare function linear(input: Tensor, weight: Tensor, bias?: Tensor): Tensor;
export interface BatchNormOptions {
    weight?: Tensor;
    bias?: Tensor;
    /** Batch statistics (and running-stat updates) when true; running statistics when false. */
    training?: boolean;
    momentum?: number;
    eps?: number;
    /** Apply ReLU to the result: one pass in leanconv's channels-last kernel, else a second op. */
    relu?: boolean;
}
/**
 * Batch normalisation over dim 1 for 2-D to 5-D input; updates the running stats in place when training.
 * Float32 CPU input in channels-last layout runs leanconv's own kernel (`nativeKernel`) in training mode, and in
 * eval mode when no gradient is recorded.
 */
export declare function batchNorm(input: Tensor, runningMean: Tensor | undefined, runningVar: Tensor | undefined, options?: BatchNormOptions): Tensor;
export interface GroupNormOptions {
    weight?: Tensor;
    bias?: Tensor;
    eps?: number;
}
/** Group normalisation (torch.nn.functional.group_norm): each sample's channels in `numGroups` groups, normalised per group. */
export declare function groupNorm(input: Tensor, numGroups: number, options?: GroupNormOptions): Tensor;
export interface MaxPool2dOptions {
    kernelSize: Size2;
    /** Defaults to kernelSize. */
    stride?: Size2;
    padding?: Size2;
    dilation?: Size2;
    ceilMode?: boolean;
}
export declare function maxPool2d(input: Tensor, options: MaxPool2dOptions): Tensor;
export interface AvgPool2dOptions {
    kernelSize: Size2;
    stride?: Size2;
    padding?: Size2;
    ceilMode?: boolean;
    /** Count zero padding in the divisor (PyTorch's default: true). */
    countIncludePad?: boolean;
    divisorOverride?: number;
}
export declare function avgPool2d(input: Tensor, options: AvgPool2dOptions): Tensor;
export declare const adaptiveAvgPool2d: (input: Tensor, outputSize: Size2) => Tensor;
export declare const adaptiveMaxPool2d: (input: Tensor, outputSize: Size2) => Tensor;
export declare const relu: (x: Tensor) => Tensor;
export declare const relu6: (x: Tensor) => Tensor;
export declare const leakyRelu: (x: Tensor, negativeSlope?: number) => Tensor;
export declare const sigmoid: (x: Tensor) => Tensor;
export declare const tanh: (x: Tensor) => Tensor;
export declare const silu: (x: Tensor) => Tensor;
export declare const hardswish: (x: Tensor) => Tensor;
export declare const hardsigmoid: (x: Tensor) => Tensor;
export declare const gelu: (x: Tensor) => Tensor;
/** Softmax over `dim` (any dim: e.g. a spatial softmax over a flattened H*W). */
export declare const softmax: (x: Tensor, dim: number, dtype?: DType) => Tensor;
export declare const logSoftmax: (x: Tensor, dim: number, dtype?: DType) => Tensor;
/** Zeroes elements with probability p and scales the rest by 1/(1-p) when training; identity otherwise. */
export declare function dropout(x: Tensor, p?: number, training?: boolean): Tensor;
/** Per-side constant padding, last dim first: [left, right] or [left, right, top, bottom]; negative amounts crop. */
export declare const pad: (x: Tensor, pads: readonly number[], value?: number) => Tensor;
export interface CrossEntropyOptions {
    weight?: Tensor;
    reduction?: Reduction;
    ignoreIndex?: number;
    /** Mixes the target with the uniform distribution: (1 - s) * target + s / numClasses. */
    labelSmoothing?: number;
    /**
     * 'uniform' (default, PyTorch's): the s mass is spread over all classes, the target keeps 1 - s + s/K.
     * 'offTarget' (HCGNet's ImageNet recipe): the target keeps 1 - s and every other class gets s/(K-1).
     */
    labelSmoothingStyle?: 'uniform' | 'offTarget';
}
/** Cross-entropy of logits [N, C, ...] against class indices [N, ...] or class probabilities [N, C, ...]. */
export declare function crossEntropy(logits: Tensor, target: Tensor, options?: CrossEntropyOptions): Tensor;
/** Negative log-likelihood of log-probabilities [N, C, ...] against class indices. */
export declare function nllLoss(logProbs: Tensor, target: Tensor, options?: Omit<CrossEntropyOptions, 'labelSmoothing'>): Tensor;
export declare const mseLoss: (input: Tensor, target: Tensor, reduction?: Reduction) => Tensor;
export declare const binaryCrossEntropyWithLogits: (logits: Tensor, target: Tensor, options?: {
    weight?: Tensor;
    reduction?: Reduction;
}) => Tensor;
/** int64 one-hot encoding; numClasses -1 infers it from the largest index. */
export declare const oneHot: (indices: Tensor, numClasses?: number) => Tensor;
/**
 * Straight-through estimator: exactly the forward value of `forward`, the gradient of `backward`. Computed
 * as (backward − backward.detach()) + forward.detach(): the first term is exactly 0, so the value is
 * forward's to the bit (x + (f(x) − x).detach() can be off by a rounding step).
 */
export declare function straightThrough(forward: Tensor, backward: Tensor): Tensor;
/**
 * Channel shuffle (ShuffleNet; CondenseNet's ShuffleLayer): views [N, C, ...] as [N, G, C/G, ...],
 * swaps the two channel axes and flattens them back, so channel g·(C/G) + k moves to k·G + g.
 */
export declare function channelShuffle(x: Tensor, groups: number): Tensor;

import * as F from '../engine/functional.js';
import type { Tensor } from '../engine/tensor.js';
import { BatchNorm2d, Conv2d } from './layers.js';
import type { Module } from './module.js';
/** Runs fn with folding and fusion off: every module runs its own ops (tracing, profiling, debugging). */
export declare function withoutEvalFusion<T>(fn: () => T): T;
/** Whether m may run a folded form now: eval mode, no gradient recorded, folding not switched off. */
export declare function foldsForInference(m: Module): boolean;
/**
 * An eval-mode BN as its per-channel affine map y = x·scale + shift (float64): scale = γ/√(σ²+ε), shift =
 * β − μ·scale, with the BN's own ε. Caller owns the results.
 */
export declare function batchNormAffine(bn: BatchNorm2d): [Tensor, Tensor];
/**
 * A conv followed by an eval-mode BN as one kernel and bias (float64): W' = W·scale, b' = b·scale + shift with
 * the BN's affine map (batchNormAffine). Caller owns the results.
 */
export declare function foldBatchNorm(conv: Conv2d, bn: BatchNorm2d): [Tensor, Tensor];
export interface FoldedConvOptions {
    stride: number | [number, number];
    padding: number | [number, number];
    dilation: number | [number, number];
    groups: number;
}
/**
 * Runs x through the conv that `fold` computes (a float64 kernel and bias, for instance a conv with its
 * BN folded in), cached in owner's evalCache under key until one of `sources` changes.
 */
export declare function runFoldedConv(owner: Module, key: string, sources: readonly (Tensor | undefined)[], fold: () => [Tensor, Tensor], like: Tensor, x: Tensor, options: FoldedConvOptions, epilogue?: F.ConvEpilogue): Tensor;
/** Whether `next` is a BN that `conv`'s output can be folded into (channel counts agree). */
export declare function foldablePair(conv: Module, next: Module | undefined): next is BatchNorm2d;
/**
 * Whether `bn` then `next` can run as one BN + ReLU pass (BatchNorm.forwardRelu), in training and at
 * inference alike; off inside withoutEvalFusion, so that traced graphs keep one node per module.
 */
export declare function fusableBnRelu(bn: Module, next: Module | undefined): bn is BatchNorm2d;
/** A module whose forward was replaced on the instance (profiler, feature taps) must run as itself. */
export declare const isWatched: (m: Module) => boolean;
/**
 * Whether bn, relu, conv (a pre-activation conv: DenseNet, CondenseNet, HCGNet) can run as one
 * F.affineReluConv2d at inference: the BN's eval-mode affine map and the ReLU applied as the conv reads its input.
 */
export declare function fusablePreActivation(bn: Module, relu: Module | undefined, conv: Module | undefined): boolean;
/**
 * conv(relu(bn(x))) as one F.affineReluConv2d (the BN's affine map cached on the BN); `weight` replaces the
 * conv's own (a masked kernel, for instance); with `inputIndex` the BN and conv see x's channels inputIndex.
 */
export declare function preActivatedConv(bn: BatchNorm2d, conv: Conv2d, x: Tensor, weight?: Tensor, inputIndex?: Tensor): Tensor;
/**
 * conv then bn (then the epilogue: + residual, ReLU), computed as one conv with the BN folded in (cached on
 * the conv).
 */
export declare function foldedConvBn(conv: Conv2d, bn: BatchNorm2d, x: Tensor, epilogue?: F.ConvEpilogue): Tensor;
/** Whether conv then bn may run as one folded conv at inference now. */
export declare function foldsConvBn(conv: Module, bn: Module | undefined): bn is BatchNorm2d;
/** Whether m is a ReLU that a folded conv before it may apply as its epilogue. */
export declare const fusableRelu: (m: Module | undefined) => boolean;
/**
 * Whether m is a plain conv that may take an epilogue now: inference, and its forward is Conv2d's own (not
 * watched, not overridden by a subclass, whose forward forwardWithEpilogue would skip).
 */
export declare const takesEpilogue: (m: Module | undefined) => m is Conv2d;
/**
 * Whether m does nothing and may be skipped: an Identity that is not watched (a BN that a conversion, such as
 * ACNet's, folded into the conv before it). In training too: its forward is a view, and an in-place op on a view
 * (a residual block's add_ and relu_) would make autograd copy the whole gradient back through it (CopySlices).
 */
export declare const skippableIdentity: (m: Module) => boolean;
/**
 * At inference, conv then `next` as one conv with `epilogue`: `next` a BN folded into it, an Identity that a
 * conversion left where it folded one, or nothing. Undefined when they must run as written.
 */
export declare function convWithEpilogue(conv: Module, next: Module | undefined, x: Tensor, epilogue: F.ConvEpilogue): Tensor | undefined;

// Inference-time folding. An eval-mode BatchNorm is an affine map per channel, so a conv followed by one
// is a single conv with a scaled kernel and a bias: running it saves the BN pass over every activation.
// Modules fold while running inference (eval mode, no gradient recorded); the folded kernels are cached
// in the conv's evalCache and rebuilt when any source tensor changes (see eval-cache.ts). A ReLU right after a
// folded pair, and a ResNet block's shortcut sum, become the folded conv's epilogue (F.conv2d). A BN directly
// followed by a ReLU runs as one pass, in training too (the engine's channels-last kernel applies the
// ReLU as it writes). Code that needs the model's ops as written (the ONNX tracer, the profiler) runs
// inside withoutEvalFusion().
import { isGradEnabled, noGrad } from '../engine/autograd.js';
import * as F from '../engine/functional.js';
import { keep } from '../engine/scope.js';
import { BatchNorm2d, Conv2d, Identity, ReLU } from './layers.js';
let disabled = (process.env.LEANCONV_EVAL_FUSION ?? '1') === '0';
/** Runs fn with folding and fusion off: every module runs its own ops (tracing, profiling, debugging). */
export function withoutEvalFusion(fn) {
    const previous = disabled;
    disabled = true;
    try {
        return fn();
    }
    finally {
        disabled = previous;
    }
}
/** Whether m may run a folded form now: eval mode, no gradient recorded, folding not switched off. */
export function foldsForInference(m) {
    return !disabled && !m.training && !isGradEnabled();
}
/**
 * An eval-mode BN as its per-channel affine map y = x·scale + shift (float64): scale = γ/√(σ²+ε), shift =
 * β − μ·scale, with the BN's own ε. Caller owns the results.
 */
export function batchNormAffine(bn) {
    return noGrad(() => {
        const variance = bn.running_var.double();
        const shifted = variance.add(bn.eps);
        const std = shifted.sqrt();
        const gamma = bn.weight?.double();
        const scale = gamma ? gamma.div(std) : std.reciprocal();
        const mean = bn.running_mean.double();
        const centre = mean.mul(scale);
        const beta = bn.bias?.double();
        const shift = beta ? beta.sub(centre) : centre.neg();
        for (const t of [variance, shifted, std, gamma, mean, centre, beta])
            t?.dispose();
        return [scale, shift];
    });
}
/**
 * A conv followed by an eval-mode BN as one kernel and bias (float64): W' = W·scale, b' = b·scale + shift with
 * the BN's affine map (batchNormAffine). Caller owns the results.
 */
export function foldBatchNorm(conv, bn) {
    return noGrad(() => {
        const [scale, shift] = batchNormAffine(bn);
        const weight = conv.weight.double().mul_(scale.view([-1, 1, 1, 1]));
        if (!conv.bias) {
            scale.dispose();
            return [weight, shift];
        }
        const bias = conv.bias.double().mul_(scale).add_(shift);
        for (const t of [scale, shift])
            t.dispose();
        return [weight, bias];
    });
}
/** A folded kernel and bias in the layer's dtype and memory layout, owned by an evalCache. */
class FoldedConv {
    weight;
    bias;
    constructor(weight, bias) {
        this.weight = weight;
        this.bias = bias;
    }
    dispose() {
        this.weight.dispose();
        this.bias.dispose();
    }
}
/**
 * Runs x through the conv that `fold` computes (a float64 kernel and bias, for instance a conv with its
 * BN folded in), cached in owner's evalCache under key until one of `sources` changes.
 */
export function runFoldedConv(owner, key, sources, fold, like, x, options, epilogue = {}) {
    const folded = owner.evalCache.get(key, sources, () => noGrad(() => {
        const [w64, b64] = fold();
        const w = w64.to({ dtype: like.dtype });
        const weight = owner.memoryFormat === 'channelsLast' ? w.contiguous('channelsLast') : w;
        const bias = b64.to({ dtype: like.dtype });
        for (const t of [w64, b64, w === weight ? undefined : w])
            t?.dispose();
        return new FoldedConv(keep(weight), keep(bias));
    }));
    return F.conv2d(x, folded.weight, {
        bias: folded.bias, stride: options.stride, padding: options.padding, dilation: options.dilation, groups: options.groups, ...epilogue,
    });
}
/** Whether `next` is a BN that `conv`'s output can be folded into (channel counts agree). */
export function foldablePair(conv, next) {
    return conv instanceof Conv2d && next instanceof BatchNorm2d && next.numFeatures === conv.outChannels && !isWatched(conv) && !isWatched(next);
}
/**
 * Whether `bn` then `next` can run as one BN + ReLU pass (BatchNorm.forwardRelu), in training and at
 * inference alike; off inside withoutEvalFusion, so that traced graphs keep one node per module.
 */
export function fusableBnRelu(bn, next) {
    return !disabled && bn instanceof BatchNorm2d && next instanceof ReLU && !isWatched(bn) && !isWatched(next);
}
/** A module whose forward was replaced on the instance (profiler, feature taps) must run as itself. */
export const isWatched = (m) => Object.prototype.hasOwnProperty.call(m, 'forward');
/**
 * Whether bn, relu, conv (a pre-activation conv: DenseNet, CondenseNet, HCGNet) can run as one
 * F.affineReluConv2d at inference: the BN's eval-mode affine map and the ReLU applied as the conv reads its input.
 */
export function fusablePreActivation(bn, relu, conv) {
    return bn instanceof BatchNorm2d && relu instanceof ReLU && conv instanceof Conv2d && bn.numFeatures === conv.inChannels &&
        foldsForInference(bn) && foldsForInference(conv) && ![bn, relu, conv].some(isWatched);
}
/** An eval-mode BN as its per-channel affine map y = x·scale + shift, in the BN's dtype, owned by an evalCache. */
class AffineMap {
    scale;
    shift;
    constructor(scale, shift) {
        this.scale = scale;
        this.shift = shift;
    }
    dispose() {
        this.scale.dispose();
        this.shift.dispose();
    }
}
/**
 * conv(relu(bn(x))) as one F.affineReluConv2d (the BN's affine map cached on the BN); `weight` replaces the
 * conv's own (a masked kernel, for instance); with `inputIndex` the BN and conv see x's channels inputIndex.
 */
export function preActivatedConv(bn, conv, x, weight = conv.weight, inputIndex) {
    const sources = [bn.weight, bn.bias, bn.running_mean, bn.running_var];
    const affine = bn.evalCache.get('affineMap', sources, () => noGrad(() => {
        const map64 = batchNormAffine(bn);
        const [scale, shift] = map64.map((t) => t.to({ dtype: bn.running_var.dtype }));
        for (const t of map64)
            if (t !== scale && t !== shift)
                t.dispose();
        return new AffineMap(keep(scale), keep(shift));
    }));
    return F.affineReluConv2d(x, affine.scale, affine.shift, weight, {
        bias: conv.bias, stride: conv.stride, padding: conv.padding, dilation: conv.dilation, groups: conv.groups, inputIndex,
    });
}
/**
 * conv then bn (then the epilogue: + residual, ReLU), computed as one conv with the BN folded in (cached on
 * the conv).
 */
export function foldedConvBn(conv, bn, x, epilogue = {}) {
    const sources = [conv.weight, conv.bias, bn.weight, bn.bias, bn.running_mean, bn.running_var];
    return runFoldedConv(conv, 'foldedBatchNorm', sources, () => foldBatchNorm(conv, bn), conv.weight, x, conv, epilogue);
}
/** Whether conv then bn may run as one folded conv at inference now. */
export function foldsConvBn(conv, bn) {
    return foldablePair(conv, bn) && foldsForInference(conv) && foldsForInference(bn);
}
/** Whether m is a ReLU that a folded conv before it may apply as its epilogue. */
export const fusableRelu = (m) => m instanceof ReLU && !isWatched(m);
/**
 * Whether m is a plain conv that may take an epilogue now: inference, and its forward is Conv2d's own (not
 * watched, not overridden by a subclass, whose forward forwardWithEpilogue would skip).
 */
export const takesEpilogue = (m) => m instanceof Conv2d && m.forward === Conv2d.prototype.forward && foldsForInference(m);
/**
 * Whether m does nothing and may be skipped: an Identity that is not watched (a BN that a conversion, such as
 * ACNet's, folded into the conv before it). In training too: its forward is a view, and an in-place op on a view
 * (a residual block's add_ and relu_) would make autograd copy the whole gradient back through it (CopySlices).
 */
export const skippableIdentity = (m) => !disabled && m instanceof Identity && !isWatched(m);
/**
 * At inference, conv then `next` as one conv with `epilogue`: `next` a BN folded into it, an Identity that a
 * conversion left where it folded one, or nothing. Undefined when they must run as written.
 */
export function convWithEpilogue(conv, next, x, epilogue) {
    if (foldsConvBn(conv, next))
        return foldedConvBn(conv, next, x, epilogue);
    if (takesEpilogue(conv) && (next === undefined || skippableIdentity(next)))
        return conv.forwardWithEpilogue(x, epilogue);
    return undefined;
}
//# sourceMappingURL=fusion.js.map
// Neural-network functional ops (torch.nn.functional): stateless, take tensors, return tensors.
import { native } from './native.js';
import { dtypeCode } from './dtype.js';
import { Tensor } from './tensor.js';
const REDUCTION_CODE = { none: 0, mean: 1, sum: 2 };
function pair(value, name) {
    const p = typeof value === 'number' ? [value, value] : value;
    if (p.length !== 2 || !p.every((v) => Number.isInteger(v)))
        throw new TypeError(`${name} must be an integer or [h, w], got ${JSON.stringify(value)}`);
    return [p[0], p[1]];
}
function reductionCode(reduction) {
    const code = REDUCTION_CODE[reduction];
    if (code === undefined)
        throw new TypeError(`reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
    return code;
}
/**
 * 2-D convolution: input [N, C, H, W], weight [O, C/groups, kH, kW]; with an epilogue, relu(conv + residual).
 * A 3x3, stride-1, padding-1 conv on channels-last float32 input with channel counts multiples of 8 (up to 256) runs
 * leanconv's Winograd kernel (`nativeKernel` winogradConv; forward and both gradients), which at inference
 * applies the epilogue as it writes the output; otherwise the epilogue runs as ops after the conv.
 */
export function conv2d(input, weight, options = {}) {
    return new Tensor(native.conv2d(input.handle, weight.handle, options.bias?.handle, pair(options.stride ?? 1, 'stride'), pair(options.padding ?? 0, 'padding'), pair(options.dilation ?? 1, 'dilation'), options.groups ?? 1, options.residual?.handle, options.relu ?? false));
}
/**
 * conv2d(relu(input·scale + shift), weight): a pre-activation conv whose eval-mode BatchNorm is the per-channel
 * affine map (scale, shift: one value per input channel). At inference on channels-last float32 input, 1x1 convs
 * and 3x3 grouped convs apply it while reading the input (`nativeKernel` pointwiseConv, groupedConv), so the
 * activated copy is never written; otherwise it runs as a BN-ReLU pass then the conv, with gradients if any.
 * `inputIndex` (int64): the conv reads these input channels (a gather, as CondenseNet's converted layers), and
 * scale and shift have one value per gathered channel; the 1x1 kernel gathers as it reads.
 */
export function affineReluConv2d(input, scale, shift, weight, options = {}) {
    return new Tensor(native.affineReluConv2d(input.handle, scale.handle, shift.handle, weight.handle, options.bias?.handle, pair(options.stride ?? 1, 'stride'), pair(options.padding ?? 0, 'padding'), pair(options.dilation ?? 1, 'dilation'), options.groups ?? 1, options.inputIndex?.handle));
}
/**
 * Attention pooling: out[n, c] = Σ_p softmax_p(Σ_c' weight[c']·input[n, c', p] + bias) · input[n, c, p], [N, C, 1, 1].
 * The global context of HCGNet's gates (and GCNet's): a 1x1 conv to one channel (weight: C values, bias: one)
 * gives each pixel's logit. On channels-last float32 input without gradients it is one kernel that reads the map
 * twice (`nativeKernel` attentionPool); otherwise those ops, with gradients.
 */
export function attentionPool2d(input, weight, bias) {
    return new Tensor(native.attentionPool2d(input.handle, weight.handle, bias?.handle));
}
/** x @ weight^T + bias. */
export function linear(input, weight, bias) {
    return new Tensor(native.linear(input.handle, weight.handle, bias?.handle));
}
/**
 * Batch normalisation over dim 1 for 2-D to 5-D input; updates the running stats in place when training.
 * Float32 CPU input in channels-last layout runs leanconv's own kernel (`nativeKernel`) in training mode, and in
 * eval mode when no gradient is recorded.
 */
export function batchNorm(input, runningMean, runningVar, options = {}) {
    const training = options.training ?? false;
    if (!training && (runningMean === undefined || runningVar === undefined)) {
        throw new TypeError('batchNorm: running statistics are required in eval mode');
    }
    return new Tensor(native.batchNorm(input.handle, options.weight?.handle, options.bias?.handle, runningMean?.handle, runningVar?.handle, training, options.momentum ?? 0.1, options.eps ?? 1e-5, options.relu ?? false));
}
/** Group normalisation (torch.nn.functional.group_norm): each sample's channels in `numGroups` groups, normalised per group. */
export function groupNorm(input, numGroups, options = {}) {
    if (input.ndim < 2 || input.size(1) % numGroups !== 0) {
        throw new RangeError(`groupNorm: ${input.ndim < 2 ? `a ${input.ndim}-d input` : `${input.size(1)} channels`} cannot be split into ${numGroups} groups`);
    }
    return new Tensor(native.groupNorm(input.handle, numGroups, options.weight?.handle, options.bias?.handle, options.eps ?? 1e-5));
}
export function maxPool2d(input, options) {
    const kernel = pair(options.kernelSize, 'kernelSize');
    return new Tensor(native.maxPool2d(input.handle, kernel, pair(options.stride ?? kernel, 'stride'), pair(options.padding ?? 0, 'padding'), pair(options.dilation ?? 1, 'dilation'), options.ceilMode ?? false));
}
export function avgPool2d(input, options) {
    const kernel = pair(options.kernelSize, 'kernelSize');
    return new Tensor(native.avgPool2d(input.handle, kernel, pair(options.stride ?? kernel, 'stride'), pair(options.padding ?? 0, 'padding'), options.ceilMode ?? false, options.countIncludePad ?? true, options.divisorOverride));
}
export const adaptiveAvgPool2d = (input, outputSize) => new Tensor(native.adaptiveAvgPool2d(input.handle, pair(outputSize, 'outputSize')));
export const adaptiveMaxPool2d = (input, outputSize) => new Tensor(native.adaptiveMaxPool2d(input.handle, pair(outputSize, 'outputSize')));
export const relu = (x) => new Tensor(native.relu(x.handle));
export const relu6 = (x) => new Tensor(native.relu6(x.handle));
export const leakyRelu = (x, negativeSlope = 0.01) => new Tensor(native.leakyRelu(x.handle, negativeSlope));
export const sigmoid = (x) => new Tensor(native.sigmoid(x.handle));
export const tanh = (x) => new Tensor(native.tanh(x.handle));
export const silu = (x) => new Tensor(native.silu(x.handle));
export const hardswish = (x) => new Tensor(native.hardswish(x.handle));
export const hardsigmoid = (x) => new Tensor(native.hardsigmoid(x.handle));
export const gelu = (x) => new Tensor(native.gelu(x.handle));
/** Softmax over `dim` (any dim: e.g. a spatial softmax over a flattened H*W). */
export const softmax = (x, dim, dtype) => new Tensor(native.softmax(x.handle, dim, dtype === undefined ? undefined : dtypeCode(dtype)));
export const logSoftmax = (x, dim, dtype) => new Tensor(native.logSoftmax(x.handle, dim, dtype === undefined ? undefined : dtypeCode(dtype)));
/** Zeroes elements with probability p and scales the rest by 1/(1-p) when training; identity otherwise. */
export function dropout(x, p = 0.5, training = true) {
    if (!(p >= 0 && p <= 1))
        throw new RangeError(`dropout probability must be in [0, 1], got ${p}`);
    return new Tensor(native.dropout(x.handle, p, training));
}
/** Per-side constant padding, last dim first: [left, right] or [left, right, top, bottom]; negative amounts crop. */
export const pad = (x, pads, value = 0) => new Tensor(native.pad(x.handle, pads, value));
/** Cross-entropy of logits [N, C, ...] against class indices [N, ...] or class probabilities [N, C, ...]. */
export function crossEntropy(logits, target, options = {}) {
    let smoothing = options.labelSmoothing ?? 0;
    if (!(smoothing >= 0 && smoothing <= 1))
        throw new RangeError(`labelSmoothing must be in [0, 1], got ${smoothing}`);
    // Off-target smoothing s is uniform smoothing s·K/(K-1): the target keeps 1 - s·K/(K-1) + s/(K-1) = 1 - s.
    if (options.labelSmoothingStyle === 'offTarget' && smoothing > 0) {
        const k = logits.size(1);
        smoothing = Math.min(1, (smoothing * k) / (k - 1));
    }
    return new Tensor(native.crossEntropy(logits.handle, target.handle, options.weight?.handle, reductionCode(options.reduction ?? 'mean'), options.ignoreIndex ?? -100, smoothing));
}
/** Negative log-likelihood of log-probabilities [N, C, ...] against class indices. */
export function nllLoss(logProbs, target, options = {}) {
    return new Tensor(native.nllLoss(logProbs.handle, target.handle, options.weight?.handle, reductionCode(options.reduction ?? 'mean'), options.ignoreIndex ?? -100));
}
export const mseLoss = (input, target, reduction = 'mean') => new Tensor(native.mseLoss(input.handle, target.handle, reductionCode(reduction)));
export const binaryCrossEntropyWithLogits = (logits, target, options = {}) => new Tensor(native.binaryCrossEntropyWithLogits(logits.handle, target.handle, options.weight?.handle, reductionCode(options.reduction ?? 'mean')));
/** int64 one-hot encoding; numClasses -1 infers it from the largest index. */
export const oneHot = (indices, numClasses = -1) => new Tensor(native.oneHot(indices.handle, numClasses));
/**
 * Straight-through estimator: exactly the forward value of `forward`, the gradient of `backward`. Computed
 * as (backward − backward.detach()) + forward.detach(): the first term is exactly 0, so the value is
 * forward's to the bit (x + (f(x) − x).detach() can be off by a rounding step).
 */
export function straightThrough(forward, backward) {
    const detachedBackward = backward.detach();
    const zero = backward.sub(detachedBackward);
    const detachedForward = forward.detach();
    const out = zero.add(detachedForward);
    for (const t of [detachedBackward, zero, detachedForward])
        t.dispose();
    return out;
}
/**
 * Channel shuffle (ShuffleNet; CondenseNet's ShuffleLayer): views [N, C, ...] as [N, G, C/G, ...],
 * swaps the two channel axes and flattens them back, so channel g·(C/G) + k moves to k·G + g.
 */
export function channelShuffle(x, groups) {
    const [n, c, ...rest] = x.shape;
    if (!Number.isInteger(groups) || groups < 1 || c % groups !== 0)
        throw new RangeError(`channelShuffle: groups=${groups} must divide the ${c} channels`);
    if (groups === 1)
        return x.view(x.shape);
    if (rest.length === 2 && x.isContiguous('channelsLast') && !x.isContiguous()) {
        // Channels-last: shuffle each pixel's row of channels and keep the layout (the NCHW route below would
        // return an NCHW tensor, and every conv after it would convert back).
        const [h, w] = rest;
        const rows = x.permute([0, 2, 3, 1]);
        const grouped = rows.view([n, h, w, groups, c / groups]);
        const swapped = grouped.transpose(3, 4);
        const packed = swapped.contiguous();
        const flat = packed.view([n, h, w, c]);
        const out = flat.permute([0, 3, 1, 2]);
        for (const t of [rows, grouped, swapped, packed, flat])
            t.dispose();
        return out;
    }
    const grouped = x.view([n, groups, c / groups, ...rest]);
    const swapped = grouped.transpose(1, 2);
    const packed = swapped.contiguous();
    const out = packed.view([n, c, ...rest]);
    for (const t of [grouped, swapped, packed])
        t.dispose();
    return out;
}
//# sourceMappingURL=functional.js.map
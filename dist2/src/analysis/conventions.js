// The papers' own FLOPs and parameter conventions, reproduced so their tables can be checked.
//
// CondenseNet (utils.measure_model, batch 1): conv multiply-adds in·out·k²·H·W/groups; a learned group
// conv counts as already condensed, its conv MACs and conv params divided by C (its BN params in
// full); ReLU counts one op per element; average pooling N·C·H_out·W_out·k² (adaptive: the input's
// elements); a linear layer weight + bias elements; BN and dropout params only. Gathers, shuffles and
// concatenations are not modules and cost nothing. README figures (CondenseNet-86: 65.82M, 0.5202M)
// are in these units; leanconv's own MACs count what is executed.
//
// HCGNet (utils.cal_multi_adds, per sample): conv MACs with the output size computed as
// (H + 2p - k) / s + 1, which ignores dilation (the dilated depthwise convs are counted on an
// (H+2) x (W+2) output); ReLU one op per element; BatchNorm2d two; adaptive average pooling one per
// input element; linear weight + bias. BN1d, softmax, tanh, sigmoid, products, max pooling and
// dropout count nothing; functional ops (CIFAR's final ReLU and pool) are not seen. README: A1 0.16G.
import { LearnedGroupConv } from '../blocks/condense.js';
import { AdaptiveAvgPool2d, AvgPool2d, BatchNorm2d, Conv2d, Dropout, Linear, ReLU } from '../nn/layers.js';
import { profileModel } from './profile.js';
const numel = (shape) => shape.reduce((a, b) => a * b, 1);
const ownParams = (m) => m.numParameters();
const CONVENTIONS = {
    condensenet: {
        description: 'CondenseNet measure_model: conv MACs, learned group convs as condensed (/C), ReLU and pooling ops, FC weights',
        count: condensenetCount,
    },
    hcgnet: {
        description: 'HCGNet cal_multi_adds: conv MACs (dilation ignored), ReLU, 2 per BN2d element, adaptive pooling, FC weights',
        count: hcgnetCount,
    },
};
function hcgnetCount(model, input) {
    const profile = profileModel(model, input);
    let flops = 0;
    let dilationError = 0;
    for (const layer of profile.layers) {
        const m = model.getSubmodule(layer.name);
        const perCall = numel(layer.inputShape);
        // The CIFAR models' final ReLU is a module here (a feature tap) but functional upstream: not counted there.
        if (layer.name === 'relu')
            continue;
        if (m instanceof Conv2d) {
            const [h, w] = layer.inputShape.slice(2);
            const out = (size, axis) => Math.floor((size + 2 * m.padding[axis] - m.kernelSize[axis]) / m.stride[axis]) + 1;
            const counted = (m.inChannels * m.outChannels * m.kernelSize[0] * m.kernelSize[1] * out(h, 0) * out(w, 1)) / m.groups;
            flops += layer.calls * counted;
            dilationError += layer.calls * counted - layer.macs;
        }
        else if (m instanceof ReLU || m instanceof AdaptiveAvgPool2d) {
            flops += layer.calls * perCall;
        }
        else if (m instanceof BatchNorm2d) {
            flops += layer.calls * 2 * perCall;
        }
        else if (m instanceof Linear) {
            flops += layer.calls * ownParams(m);
        }
    }
    const note = dilationError > 0
        ? `the official counter ignores dilation: ${dilationError.toLocaleString('en-US')} of these FLOPs are dilated convs counted on a larger output than they produce`
        : undefined;
    return { flops, params: model.numParameters(), note };
}
function condensenetCount(model, input) {
    const profile = profileModel(model, input);
    let flops = 0;
    let params = 0;
    for (const layer of profile.layers) {
        const m = model.getSubmodule(layer.name);
        const calls = layer.calls;
        if (m instanceof LearnedGroupConv) {
            const c = m.condenseFactor;
            flops += calls * (numel(layer.inputShape) + numel(layer.outputShape) * m.inChannels / c);
            params += ownParams(m.norm) + ownParams(m.conv) / c;
        }
        else if (m instanceof Conv2d) {
            flops += calls * layer.macs;
            params += ownParams(m);
        }
        else if (m instanceof ReLU) {
            flops += calls * numel(layer.inputShape);
        }
        else if (m instanceof AvgPool2d) {
            const k = m.options.kernelSize;
            const area = typeof k === 'number' ? k * k : k[0] * k[1];
            flops += calls * numel(layer.outputShape) * area;
        }
        else if (m instanceof AdaptiveAvgPool2d) {
            flops += calls * numel(layer.inputShape);
        }
        else if (m instanceof Linear) {
            flops += calls * ownParams(m);
            params += ownParams(m);
        }
        else if (m instanceof BatchNorm2d || m instanceof Dropout) {
            params += ownParams(m);
        }
        else {
            throw new TypeError(`the condensenet FLOPs convention does not know layer '${layer.name}' (${layer.type})`);
        }
    }
    return { flops, params };
}
/** The FLOPs and params of `model` on one [C, H, W] input under a paper's convention. */
export function referenceCount(convention, model, input) {
    const c = CONVENTIONS[convention];
    if (c === undefined)
        throw new RangeError(`unknown FLOPs convention '${convention}' (known: ${Object.keys(CONVENTIONS).join(', ')})`);
    return { convention, description: c.description, ...c.count(model, input) };
}
export function formatReferenceCount(r) {
    const m = (v) => `${(v / 1e6).toFixed(2)}M`;
    return `${r.convention} convention (${r.description}): ${m(r.flops)} FLOPs, ${(r.params / 1e6).toFixed(4)}M params${r.note ? `\n  note: ${r.note}` : ''}`;
}
//# sourceMappingURL=conventions.js.map
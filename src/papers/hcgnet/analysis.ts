// HCGNet (utils.cal_multi_adds, per sample): conv MACs with the output size computed as
// (H + 2p - k) / s + 1, which ignores dilation (the dilated depthwise convs are counted on an
// (H+2) x (W+2) output); ReLU one op per element; BatchNorm2d two; adaptive average pooling one per
// input element; linear weight + bias. BN1d, softmax, tanh, sigmoid, products, max pooling and
// dropout count nothing; functional ops (CIFAR's final ReLU and pool) are not seen. README: A1 0.16G.
import { numel, registerFlopsConvention } from '../../analysis/conventions.js';
import { profileModel } from '../../analysis/profile.js';
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Linear, ReLU } from '../../nn/layers.js';
import type { Module } from '../../nn/module.js';

const ownParams = (m: Module): number => m.numParameters();

registerFlopsConvention({
  name: 'hcgnet',
  description: 'HCGNet cal_multi_adds: conv MACs (dilation ignored), ReLU, 2 per BN2d element, adaptive pooling, FC weights',
  count: hcgnetCount,
});

function hcgnetCount(model: Module, input: readonly number[]): { flops: number; params: number; note?: string } {
  const profile = profileModel(model, input);
  let flops = 0;
  let dilationError = 0;
  for (const layer of profile.layers) {
    const m = model.getSubmodule(layer.name);
    const perCall = numel(layer.inputShape);
    // The CIFAR models' final ReLU is a module here (a feature tap) but functional upstream: not counted there.
    if (layer.name === 'relu') continue;
    if (m instanceof Conv2d) {
      const [h, w] = layer.inputShape.slice(2) as [number, number];
      const out = (size: number, axis: 0 | 1): number => Math.floor((size + 2 * m.padding[axis] - m.kernelSize[axis]) / m.stride[axis]) + 1;
      const counted = (m.inChannels * m.outChannels * m.kernelSize[0] * m.kernelSize[1] * out(h, 0) * out(w, 1)) / m.groups;
      flops += layer.calls * counted;
      dilationError += layer.calls * counted - layer.macs;
    } else if (m instanceof ReLU || m instanceof AdaptiveAvgPool2d) {
      flops += layer.calls * perCall;
    } else if (m instanceof BatchNorm2d) {
      flops += layer.calls * 2 * perCall;
    } else if (m instanceof Linear) {
      flops += layer.calls * ownParams(m);
    }
  }
  const note = dilationError > 0
    ? `the official counter ignores dilation: ${dilationError.toLocaleString('en-US')} of these FLOPs are dilated convs counted on a larger output than they produce`
    : undefined;
  return { flops, params: model.numParameters(), note };
}

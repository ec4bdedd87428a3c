// CondenseNet (utils.measure_model, batch 1): conv multiply-adds in·out·k²·H·W/groups; a learned group
// conv counts as already condensed, its conv MACs and conv params divided by C (its BN params in
// full); ReLU counts one op per element; average pooling N·C·H_out·W_out·k² (adaptive: the input's
// elements); a linear layer weight + bias elements; BN and dropout params only. Gathers, shuffles and
// concatenations are not modules and cost nothing. README figures (CondenseNet-86: 65.82M, 0.5202M)
// are in these units; leanconv's own MACs count what is executed.
//
import { numel, registerFlopsConvention } from '../../analysis/conventions.js';
import { profileModel } from '../../analysis/profile.js';
import { AdaptiveAvgPool2d, AvgPool2d, BatchNorm2d, Conv2d, Dropout, Linear, ReLU } from '../../nn/layers.js';
import { LearnedGroupConv } from './blocks.js';
import type { Module } from '../../nn/module.js';

const ownParams = (m: Module): number => m.numParameters();

registerFlopsConvention({
  name: 'condensenet',
  description: 'CondenseNet measure_model: conv MACs, learned group convs as condensed (/C), ReLU and pooling ops, FC weights',
  count: condensenetCount,
});

function condensenetCount(model: Module, input: readonly number[]): { flops: number; params: number } {
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
    } else if (m instanceof Conv2d) {
      flops += calls * layer.macs;
      params += ownParams(m);
    } else if (m instanceof ReLU) {
      flops += calls * numel(layer.inputShape);
    } else if (m instanceof AvgPool2d) {
      const k = m.options.kernelSize;
      const area = typeof k === 'number' ? k * k : k[0] * k[1];
      flops += calls * numel(layer.outputShape) * area;
    } else if (m instanceof AdaptiveAvgPool2d) {
      flops += calls * numel(layer.inputShape);
    } else if (m instanceof Linear) {
      flops += calls * ownParams(m);
      params += ownParams(m);
    } else if (m instanceof BatchNorm2d || m instanceof Dropout) {
      params += ownParams(m);
    } else {
      throw new TypeError(`the condensenet FLOPs convention does not know layer '${layer.name}' (${layer.type})`);
    }
  }
  return { flops, params };
}

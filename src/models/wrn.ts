// Wide ResNet for CIFAR as ACNet's `wrnc16plain` (base_model/wrn.py): a bare 3x3 stem conv, stages of
// pre-activation blocks (BN-ReLU-conv x2), a BN-ReLU-conv1x1 projection on each stage's first block,
// a final BN without ReLU, global pooling and FC. WRN-16-8: 10,962,170 parameters.
import type { Tensor } from '../engine/tensor.js';
import { runInOrder, Sequential } from '../nn/containers.js';
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Dropout, Flatten, Linear, ReLU } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import { type FeatureInfo, runStages, type StagedModel } from './features.js';
import { registerModel, type ResolvedModelOptions } from './registry.js';

/** Pre-activation unit: BN -> ReLU -> conv (children bn, relu, conv). */
export function bnReluConv(inChannels: number, outChannels: number, kernel: number, stride: number): Sequential {
  return new Sequential(
    ['bn', new BatchNorm2d(inChannels)],
    ['relu', new ReLU()],
    ['conv', new Conv2d(inChannels, outChannels, kernel, { stride, padding: (kernel - 1) / 2, bias: false })],
  );
}

export class WideBlock extends Module {
  declare readonly conv1: Sequential;
  declare readonly dropout: Module | undefined;
  declare readonly conv2: Sequential;
  declare readonly proj: Sequential | undefined;

  constructor(inChannels: number, channels: number, stride: number, projection: boolean, dropRate = 0) {
    super();
    if (projection) this.addModule('proj', bnReluConv(inChannels, channels, 1, stride));
    this.addModule('conv1', bnReluConv(inChannels, channels, 3, stride));
    if (dropRate > 0) this.addModule('dropout', new Dropout(dropRate));
    this.addModule('conv2', bnReluConv(channels, channels, 3, 1));
  }

  forward(x: Tensor): Tensor {
    const out = runInOrder(this.dropout ? [this.conv1, this.dropout, this.conv2] : [this.conv1, this.conv2], x);
    if (this.proj === undefined) return out.add_(x);
    const shortcut = this.proj.forward(x);
    out.add_(shortcut);
    shortcut.dispose();
    return out;
  }
}

export class WideResNet extends Module implements StagedModel {
  declare readonly conv1: Module;
  declare readonly stage1: Sequential;
  declare readonly stage2: Sequential;
  declare readonly stage3: Sequential;
  declare readonly last_bn: Module;
  declare readonly linear: Linear;
  /** The three stage outputs (strides 1/2/4), the last after the final BN. */
  readonly featureInfo: readonly FeatureInfo[];
  readonly headModules = ['linear'];
  private readonly pool = new AdaptiveAvgPool2d(1);
  private readonly flatten = new Flatten();

  constructor(depth: number, widen: number, { numClasses, inChannels }: ResolvedModelOptions, dropRate = 0) {
    super();
    if ((depth - 4) % 6 !== 0) throw new RangeError(`WideResNet: depth must be 6n+4, got ${depth}`);
    const n = (depth - 4) / 6;
    this.addModule('conv1', new Conv2d(inChannels, 16, 3, { padding: 1, bias: false }));
    let c = 16;
    [16, 32, 64].forEach((base, i) => {
      const width = base * widen;
      const stage = new Sequential();
      for (let b = 0; b < n; b++) {
        stage.addModule(`block${b + 1}`, new WideBlock(b === 0 ? c : width, width, b === 0 && i > 0 ? 2 : 1, b === 0, dropRate));
      }
      this.addModule(`stage${i + 1}`, stage);
      c = width;
    });
    this.featureInfo = [1, 2, 3].map((i) => ({ module: i < 3 ? `stage${i}` : 'last_bn', channels: 16 * 2 ** (i - 1) * widen, reduction: 2 ** (i - 1) }));
    this.addModule('last_bn', new BatchNorm2d(c));
    this.addModule('linear', new Linear(c, numClasses));
  }

  forward(x: Tensor): Tensor {
    return runInOrder([this.conv1, this.stage1, this.stage2, this.stage3, this.last_bn, this.pool, this.flatten, this.linear], x);
  }

  forwardIntermediates(x: Tensor, last?: number): Tensor[] {
    return runStages([[this.conv1, this.stage1], [this.stage2], [this.stage3, this.last_bn]], x, last);
  }
}

registerModel({
  name: 'wrn16_8_drop', family: 'wrn', description: 'Wide ResNet 16-8 for CIFAR with dropout 0.3 between the block convs (ACNet wrnc16drop, keep 0.7)',
  inputSize: [3, 32, 32], defaultNumClasses: 10, classifier: 'linear', firstConv: 'conv1', source: 'ACNet base_model/wrn.py (wrnc16drop)',
  create: (o) => new WideResNet(16, 8, o, 0.3),
});
registerModel({
  name: 'wrn16_8', family: 'wrn', description: 'Wide ResNet 16-8 for CIFAR (pre-activation, no dropout)', inputSize: [3, 32, 32],
  defaultNumClasses: 10, classifier: 'linear', firstConv: 'conv1', source: 'ACNet base_model/wrn.py (wrnc16plain)', create: (o) => new WideResNet(16, 8, o),
});
registerModel({
  name: 'wrn', family: 'wrn', description: 'Wide ResNet for CIFAR of any depth (6n+4) and widening factor (default: WRN-16-8)', inputSize: [3, 32, 32],
  defaultNumClasses: 10, classifier: 'linear', firstConv: 'conv1', source: 'ACNet base_model/wrn.py (WRNCifarNet); Zagoruyko & Komodakis 2016',
  args: {
    defaults: { depth: 16, widen: 8, dropout: 0 },
    help: { depth: 'layers, 6n+4 (n blocks per stage)', widen: 'widening factor k (stage widths 16k, 32k, 64k)', dropout: 'dropout between the two convs of a block (wrnc16drop: 0.3)' },
  },
  create: (o) => new WideResNet(o.args.depth as number, o.args.widen as number, o, o.args.dropout as number),
});

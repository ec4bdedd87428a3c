// ResNets: the CIFAR family (ResNet-20/32/44/56/110, 1x1-conv projection shortcuts as ACNet's
// stagewise_resnet `src*`) and torchvision's ImageNet ResNet-18/34/50 and ResNeXt-50 32x4d.
// Names follow torchvision (conv1, bn1, layer1.0.conv1, layer1.0.downsample.0, fc).
import type { Tensor } from '../engine/tensor.js';
import { runInOrder, Sequential } from '../nn/containers.js';
import { constant_, kaimingNormal_ } from '../nn/init.js';
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import type { FeatureSource, FeatureTaps } from './features.js';
import { registerModel, type ResolvedModelOptions } from './registry.js';

/** 1x1 conv + BN projection for a shortcut whose shape changes. */
function projection(inChannels: number, outChannels: number, stride: number): Sequential {
  return new Sequential(new Conv2d(inChannels, outChannels, 1, { stride, bias: false }), new BatchNorm2d(outChannels));
}

/** Adds the shortcut to the residual branch output in place, then ReLU (as torchvision). */
function residualSum(branch: Tensor, x: Tensor, downsample: Module | undefined): Tensor {
  const shortcut = downsample ? downsample.forward(x) : x;
  branch.add_(shortcut);
  if (shortcut !== x) shortcut.dispose();
  return branch.relu_();
}

export class BasicBlock extends Module {
  static readonly expansion = 1;
  declare readonly conv1: Module;
  declare readonly bn1: Module;
  declare readonly conv2: Module;
  declare readonly bn2: Module;
  declare readonly downsample: Module | undefined;
  private readonly relu = new ReLU();

  constructor(inChannels: number, channels: number, stride = 1) {
    super();
    this.addModule('conv1', new Conv2d(inChannels, channels, 3, { stride, padding: 1, bias: false }));
    this.addModule('bn1', new BatchNorm2d(channels));
    this.addModule('conv2', new Conv2d(channels, channels, 3, { padding: 1, bias: false }));
    this.addModule('bn2', new BatchNorm2d(channels));
    if (stride !== 1 || inChannels !== channels) this.addModule('downsample', projection(inChannels, channels, stride));
  }

  forward(x: Tensor): Tensor {
    const branch = runInOrder([this.conv1, this.bn1, this.relu, this.conv2, this.bn2], x);
    return residualSum(branch, x, this.downsample);
  }
}

export class Bottleneck extends Module {
  static readonly expansion = 4;
  declare readonly conv1: Module;
  declare readonly bn1: Module;
  declare readonly conv2: Module;
  declare readonly bn2: Module;
  declare readonly conv3: Module;
  declare readonly bn3: Module;
  declare readonly downsample: Module | undefined;
  private readonly relu = new ReLU();

  /** torchvision v1.5: the stride sits on the 3x3 conv; width = channels * baseWidth/64 * groups. */
  constructor(inChannels: number, channels: number, stride = 1, groups = 1, baseWidth = 64) {
    super();
    const width = Math.floor(channels * (baseWidth / 64)) * groups;
    const out = channels * Bottleneck.expansion;
    this.addModule('conv1', new Conv2d(inChannels, width, 1, { bias: false }));
    this.addModule('bn1', new BatchNorm2d(width));
    this.addModule('conv2', new Conv2d(width, width, 3, { stride, padding: 1, groups, bias: false }));
    this.addModule('bn2', new BatchNorm2d(width));
    this.addModule('conv3', new Conv2d(width, out, 1, { bias: false }));
    this.addModule('bn3', new BatchNorm2d(out));
    if (stride !== 1 || inChannels !== out) this.addModule('downsample', projection(inChannels, out, stride));
  }

  forward(x: Tensor): Tensor {
    const branch = runInOrder([this.conv1, this.bn1, this.relu, this.conv2, this.bn2, this.relu, this.conv3, this.bn3], x);
    return residualSum(branch, x, this.downsample);
  }
}

type BlockKind = 'basic' | 'bottleneck';

function makeStage(kind: BlockKind, inChannels: number, channels: number, blocks: number, stride: number, groups = 1, baseWidth = 64): [Sequential, number] {
  const stage = new Sequential();
  let cin = inChannels;
  for (let i = 0; i < blocks; i++) {
    const s = i === 0 ? stride : 1;
    stage.append(kind === 'basic' ? new BasicBlock(cin, channels, s) : new Bottleneck(cin, channels, s, groups, baseWidth));
    cin = channels * (kind === 'basic' ? BasicBlock.expansion : Bottleneck.expansion);
  }
  return [stage, cin];
}

/** Kaiming-normal (fan_out, ReLU) convs, BN gamma 1 / beta 0: torchvision's ResNet initialisation. */
function torchvisionInit(model: Module): void {
  model.apply((m) => {
    if (m instanceof Conv2d) kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
    else if (m instanceof BatchNorm2d) {
      constant_(m.weight!, 1);
      constant_(m.bias!, 0);
    }
  });
}

/** CIFAR ResNet (He et al. 2016, depth 6n+2): 3x3 stem with 16 channels, three stages 16/32/64, GAP, FC. */
export class CifarResNet extends Module implements FeatureSource {
  declare readonly conv1: Module;
  declare readonly bn1: Module;
  declare readonly layer1: Sequential;
  declare readonly layer2: Sequential;
  declare readonly layer3: Sequential;
  declare readonly fc: Linear;
  private readonly relu = new ReLU();
  private readonly pool = new AdaptiveAvgPool2d(1);
  private readonly flatten = new Flatten();

  constructor(depth: number, { numClasses, inChannels }: ResolvedModelOptions) {
    super();
    if ((depth - 2) % 6 !== 0) throw new RangeError(`CifarResNet: depth must be 6n+2, got ${depth}`);
    const n = (depth - 2) / 6;
    this.addModule('conv1', new Conv2d(inChannels, 16, 3, { padding: 1, bias: false }));
    this.addModule('bn1', new BatchNorm2d(16));
    let c = 16;
    [16, 32, 64].forEach((width, i) => {
      const [stage, out] = makeStage('basic', c, width, n, i === 0 ? 1 : 2);
      this.addModule(`layer${i + 1}`, stage);
      c = out;
    });
    this.addModule('fc', new Linear(c, numClasses));
  }

  forward(x: Tensor): Tensor {
    return runInOrder([this.conv1, this.bn1, this.relu, this.layer1, this.layer2, this.layer3, this.pool, this.flatten, this.fc], x);
  }

  /** The three stage outputs (strides 1/2/4). */
  featureTaps(): FeatureTaps {
    return { taps: ['layer1', 'layer2', 'layer3'], head: ['fc'] };
  }
}

/** torchvision's ImageNet ResNet / ResNeXt. */
export class ResNet extends Module implements FeatureSource {
  declare readonly conv1: Module;
  declare readonly bn1: Module;
  declare readonly layer1: Sequential;
  declare readonly layer2: Sequential;
  declare readonly layer3: Sequential;
  declare readonly layer4: Sequential;
  declare readonly fc: Linear;
  private readonly relu = new ReLU();
  private readonly maxpool = new MaxPool2d({ kernelSize: 3, stride: 2, padding: 1 });
  private readonly avgpool = new AdaptiveAvgPool2d(1);
  private readonly flatten = new Flatten();

  constructor(kind: BlockKind, layers: readonly number[], { numClasses, inChannels }: ResolvedModelOptions, groups = 1, baseWidth = 64) {
    super();
    this.addModule('conv1', new Conv2d(inChannels, 64, 7, { stride: 2, padding: 3, bias: false }));
    this.addModule('bn1', new BatchNorm2d(64));
    let c = 64;
    [64, 128, 256, 512].forEach((width, i) => {
      const [stage, out] = makeStage(kind, c, width, layers[i]!, i === 0 ? 1 : 2, groups, baseWidth);
      this.addModule(`layer${i + 1}`, stage);
      c = out;
    });
    this.addModule('fc', new Linear(c, numClasses));
    torchvisionInit(this);
  }

  forward(x: Tensor): Tensor {
    return runInOrder([this.conv1, this.bn1, this.relu, this.maxpool, this.layer1, this.layer2, this.layer3, this.layer4, this.avgpool, this.flatten, this.fc], x);
  }

  /** The four stage outputs (strides 4/8/16/32), as torchvision's detection backbones take them. */
  featureTaps(): FeatureTaps {
    return { taps: ['layer1', 'layer2', 'layer3', 'layer4'], head: ['fc'] };
  }
}

for (const depth of [20, 32, 44, 56, 110]) {
  registerModel({
    name: `resnet${depth}`, family: 'resnet_cifar', description: `CIFAR ResNet-${depth} with 1x1-conv projection shortcuts`,
    inputSize: [3, 32, 32], defaultNumClasses: 10, source: 'He et al. 2016; ACNet base_model/stagewise_resnet.py (src*)',
    create: (o) => new CifarResNet(depth, o),
  });
}
const imagenet = { family: 'resnet', inputSize: [3, 224, 224] as [number, number, number], defaultNumClasses: 1000, source: 'torchvision.models.resnet' };
registerModel({ ...imagenet, name: 'resnet18', description: 'ResNet-18 (torchvision)', create: (o) => new ResNet('basic', [2, 2, 2, 2], o) });
registerModel({ ...imagenet, name: 'resnet34', description: 'ResNet-34 (torchvision)', create: (o) => new ResNet('basic', [3, 4, 6, 3], o) });
registerModel({ ...imagenet, name: 'resnet50', description: 'ResNet-50 v1.5 (torchvision)', create: (o) => new ResNet('bottleneck', [3, 4, 6, 3], o) });
registerModel({
  ...imagenet, family: 'resnext', name: 'resnext50_32x4d', description: 'ResNeXt-50 32x4d (torchvision)',
  create: (o) => new ResNet('bottleneck', [3, 4, 6, 3], o, 32, 4),
});

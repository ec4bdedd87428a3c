// ResNets: the CIFAR family (ResNet-20/32/44/56/110, 1x1-conv projection shortcuts as ACNet's
// stagewise_resnet `src*`) and torchvision's ImageNet ResNet-18/34/50 and ResNeXt-50 32x4d.
// Names follow torchvision (conv1, bn1, layer1.0.conv1, layer1.0.downsample.0, fc).
import { noGrad } from '../engine/autograd.js';
import type { Tensor } from '../engine/tensor.js';
import { runInOrder, Sequential } from '../nn/containers.js';
import { constant_, kaimingNormal_ } from '../nn/init.js';
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Flatten, GroupNorm, Linear, MaxPool2d, ReLU } from '../nn/layers.js';
import { convWithEpilogue } from '../nn/fusion.js';
import { Module } from '../nn/module.js';
import { type FeatureInfo, runStages, type StagedModel } from './features.js';
import { type ModelArgs, registerModel, type ResolvedModelOptions } from './registry.js';

/** The normalisation layer of a ResNet for a channel count (torchvision's norm_layer): BatchNorm2d by default. */
export type NormLayer = (channels: number) => Module;
const batchNorm2d: NormLayer = (channels) => new BatchNorm2d(channels);

/** 1x1 conv + norm projection for a shortcut whose shape changes. */
function projection(inChannels: number, outChannels: number, stride: number, norm: NormLayer = batchNorm2d): Sequential {
  return new Sequential(new Conv2d(inChannels, outChannels, 1, { stride, bias: false }), norm(outChannels));
}

/**
 * relu(branch(x) + shortcut(x)) (as torchvision), the branch being `layers` then the conv `last` and its BN. At
 * inference that conv (its BN folded in) adds the shortcut and applies the ReLU as it writes its output
 * (F.conv2d's epilogue); otherwise the sum and the ReLU run in place on the branch's output.
 */
function residualSum(layers: readonly Module[], last: Module, lastBn: Module, x: Tensor, downsample: Module | undefined): Tensor {
  const shortcut = downsample ? downsample.forward(x) : x;
  const h = runInOrder(layers, x);
  const out = convWithEpilogue(last, lastBn, h, { residual: shortcut, relu: true }) ?? runInOrder([last, lastBn], h).add_(shortcut).relu_();
  h.dispose();
  if (shortcut !== x) shortcut.dispose();
  return out;
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
    return residualSum([this.conv1, this.bn1, this.relu], this.conv2, this.bn2, x, this.downsample);
  }
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

  /** torchvision v1.5: 1x1 (to width) -> 3x3 (stride here) -> 1x1 (to outChannels), each followed by BN. */
  constructor(readonly inChannels: number, readonly width: number, readonly outChannels: number, options: BottleneckOptions = {}) {
    super();
    const stride = options.stride ?? 1;
    const dilation = options.dilation ?? 1;
    const norm = options.norm ?? batchNorm2d;
    this.addModule('conv1', new Conv2d(inChannels, width, 1, { bias: false }));
    this.addModule('bn1', norm(width));
    this.addModule('conv2', options.conv3x3
      ? options.conv3x3(width, stride, dilation)
      : new Conv2d(width, width, 3, { stride, padding: dilation, dilation, groups: options.groups ?? 1, bias: false }));
    this.addModule('bn2', norm(width));
    this.addModule('conv3', new Conv2d(width, outChannels, 1, { bias: false }));
    this.addModule('bn3', norm(outChannels));
    if (stride !== 1 || inChannels !== outChannels) this.addModule('downsample', projection(inChannels, outChannels, stride, norm));
  }

  forward(x: Tensor): Tensor {
    return residualSum([this.conv1, this.bn1, this.relu, this.conv2, this.bn2, this.relu], this.conv3, this.bn3, x, this.downsample);
  }
}

/** How a stage builds its blocks: the block for (inChannels, channels, stride, dilation, norm) and its output expansion. */
export interface BlockType {
  expansion: number;
  create(inChannels: number, channels: number, stride: number, dilation?: number, norm?: NormLayer): Module;
}

export const basicBlock: BlockType = {
  expansion: BasicBlock.expansion,
  create: (cin, c, s, dilation = 1, norm) => {
    if (dilation !== 1) throw new RangeError('BasicBlock: dilation > 1 is not supported (as in torchvision); dilate bottleneck ResNets only');
    if (norm !== undefined) throw new RangeError('BasicBlock: only batch norm (norm layers are an option of bottleneck ResNets)');
    return new BasicBlock(cin, c, s);
  },
};

/** torchvision's bottleneck width: channels·baseWidth/64 per group, times the groups. */
export const bottleneckWidth = (channels: number, groups: number, baseWidth: number): number => Math.floor(channels * (baseWidth / 64)) * groups;

/** ResNet / ResNeXt bottlenecks (groups = cardinality, baseWidth = width per group at 64 channels). */
export function bottleneckBlock(groups = 1, baseWidth = 64): BlockType {
  return {
    expansion: Bottleneck.expansion,
    create: (cin, c, s, dilation = 1, norm) => new Bottleneck(cin, bottleneckWidth(c, groups, baseWidth), c * Bottleneck.expansion, { stride: s, groups, dilation, norm }),
  };
}

/**
 * A stage of `blocks` blocks, the first with the stride; returns it with its output channels. With `dilation`
 * (torchvision's replace_stride_with_dilation) the first block keeps the previous dilation and the others use the
 * new one; the stride is then 1.
 */
export function makeStage(
  block: BlockType, inChannels: number, channels: number, blocks: number, stride: number, dilation?: { previous: number; current: number }, norm?: NormLayer,
): [Sequential, number] {
  const stage = new Sequential();
  let cin = inChannels;
  for (let i = 0; i < blocks; i++) {
    stage.append(block.create(cin, channels, i === 0 ? stride : 1, (i === 0 ? dilation?.previous : dilation?.current) ?? 1, norm));
    cin = channels * block.expansion;
  }
  return [stage, cin];
}

/** Kaiming-normal (fan_out, ReLU) convs, BN / GN gamma 1 and beta 0: torchvision's ResNet initialisation. */
export function torchvisionInit(model: Module): void {
  model.apply((m) => {
    if (m instanceof Conv2d) kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
    else if (m instanceof BatchNorm2d || (m instanceof GroupNorm && m.weight !== undefined)) {
      constant_(m.weight!, 1);
      constant_(m.bias!, 0);
    }
  });
}

/**
 * The CIFAR-size residual skeleton: a 3x3 stem of `stem` channels, three stages of blocks (strides 1/2/4)
 * with the given widths and block counts, GAP, FC. CIFAR ResNet (He et al. 2016, depth 6n+2) is basic
 * blocks with stem 16 and widths 16/32/64; leanconv's CIFAR (G-)ResNeXt uses bottlenecks.
 */
export class CifarResNet extends Module implements StagedModel {
  declare readonly conv1: Module;
  declare readonly bn1: Module;
  declare readonly layer1: Sequential;
  declare readonly layer2: Sequential;
  declare readonly layer3: Sequential;
  declare readonly fc: Linear;
  readonly featureInfo: readonly FeatureInfo[];
  readonly headModules = ['fc'];
  private readonly relu = new ReLU();
  private readonly pool = new AdaptiveAvgPool2d(1);
  private readonly flatten = new Flatten();

  constructor(block: BlockType, stem: number, widths: readonly number[], blocks: readonly number[], { numClasses, inChannels }: ResolvedModelOptions) {
    super();
    if (widths.length !== 3 || blocks.length !== 3 || blocks.some((b) => !Number.isInteger(b) || b < 1)) {
      throw new RangeError(`CifarResNet: three stage widths and three positive block counts expected, got widths [${widths.join(', ')}], blocks [${blocks.join(', ')}]`);
    }
    this.addModule('conv1', new Conv2d(inChannels, stem, 3, { padding: 1, bias: false }));
    this.addModule('bn1', new BatchNorm2d(stem));
    let c = stem;
    const info: FeatureInfo[] = [];
    widths.forEach((width, i) => {
      const [stage, out] = makeStage(block, c, width, blocks[i]!, i === 0 ? 1 : 2);
      this.addModule(`layer${i + 1}`, stage);
      c = out;
      info.push({ module: `layer${i + 1}`, channels: c, reduction: 2 ** i });
    });
    this.addModule('fc', new Linear(c, numClasses));
    this.featureInfo = info;
  }

  /** CIFAR ResNet-depth: 6n+2 layers, n basic blocks per stage. */
  static ofDepth(depth: number, options: ResolvedModelOptions): CifarResNet {
    if ((depth - 2) % 6 !== 0) throw new RangeError(`CifarResNet: depth must be 6n+2, got ${depth}`);
    const n = (depth - 2) / 6;
    return new CifarResNet(basicBlock, 16, [16, 32, 64], [n, n, n], options);
  }

  forward(x: Tensor): Tensor {
    return runInOrder([this.conv1, this.bn1, this.relu, this.layer1, this.layer2, this.layer3, this.pool, this.flatten, this.fc], x);
  }

  /** The three stage outputs (strides 1/2/4). */
  forwardIntermediates(x: Tensor, last?: number): Tensor[] {
    return runStages([[this.conv1, this.bn1, this.relu, this.layer1], [this.layer2], [this.layer3]], x, last);
  }
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
export function zeroInitResiduals(model: Module): void {
  noGrad(() => model.apply((m) => {
    const last = m instanceof Bottleneck ? m.bn3 : m instanceof BasicBlock ? m.bn2 : undefined;
    if ((last instanceof BatchNorm2d || last instanceof GroupNorm) && last.weight !== undefined) last.weight.zero_();
  }));
}

/** The ResNetOptions a bottleneck model's args give (`dilation=0-0-1`, `zeroInitResidual=true`). */
export function resNetOptionsFrom(args: ModelArgs): ResNetOptions {
  const dilation = (args.replaceStrideWithDilation as number[] | undefined) ?? [0, 0, 0];
  if (dilation.length !== 3 || dilation.some((d) => d !== 0 && d !== 1)) throw new RangeError(`replaceStrideWithDilation must be three 0/1 flags for stages 2-4, e.g. 0-0-1, got ${dilation.join('-')}`);
  const norm = args.norm ?? 'bn';
  if (norm !== 'bn' && norm !== 'gn') throw new RangeError(`norm must be bn (BatchNorm2d) or gn (GroupNorm), got ${String(norm)}`);
  const groups = Number(args.gnGroups ?? 32);
  if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`gnGroups must be a positive integer, got ${String(args.gnGroups)}`);
  return {
    replaceStrideWithDilation: dilation.map((d) => d === 1) as [boolean, boolean, boolean], zeroInitResidual: args.zeroInitResidual === true,
    norm: norm === 'gn' ? (channels) => new GroupNorm(groups, channels) : undefined,
  };
}

/** The model args of torchvision's bottleneck ResNets. */
export const RESNET_ARGS = {
  defaults: { replaceStrideWithDilation: [0, 0, 0], zeroInitResidual: false, norm: 'bn', gnGroups: 32 },
  help: {
    norm: "normalisation layers: bn (BatchNorm2d) or gn (GroupNorm, torchvision's norm_layer=partial(nn.GroupNorm, gnGroups))",
    gnGroups: 'groups of every GroupNorm with norm=gn',
    replaceStrideWithDilation: 'stages 2-4 that dilate instead of striding (torchvision replace_stride_with_dilation), e.g. 0-0-1 for output stride 16',
    zeroInitResidual: "start every residual branch's last BN at gamma 0 (torchvision zero_init_residual)",
  },
};

/** torchvision's ImageNet ResNet / ResNeXt. */
export class ResNet extends Module implements StagedModel {
  declare readonly conv1: Module;
  declare readonly bn1: Module;
  declare readonly layer1: Sequential;
  declare readonly layer2: Sequential;
  declare readonly layer3: Sequential;
  declare readonly layer4: Sequential;
  declare readonly fc: Linear;
  readonly featureInfo: readonly FeatureInfo[];
  readonly headModules = ['fc'];
  private readonly relu = new ReLU();
  private readonly maxpool = new MaxPool2d({ kernelSize: 3, stride: 2, padding: 1 });
  private readonly avgpool = new AdaptiveAvgPool2d(1);
  private readonly flatten = new Flatten();

  constructor(block: BlockType, layers: readonly number[], { numClasses, inChannels }: ResolvedModelOptions, options: ResNetOptions = {}) {
    super();
    this.addModule('conv1', new Conv2d(inChannels, 64, 7, { stride: 2, padding: 3, bias: false }));
    this.addModule('bn1', (options.norm ?? batchNorm2d)(64));
    let c = 64;
    const info: FeatureInfo[] = [];
    const dilate = options.replaceStrideWithDilation ?? [false, false, false];
    let [reduction, dilation] = [4, 1];
    [64, 128, 256, 512].forEach((width, i) => {
      let stride = i === 0 ? 1 : 2;
      const previous = dilation;
      if (i > 0 && dilate[i - 1]) {
        dilation *= stride;
        stride = 1;
      }
      const [stage, out] = makeStage(block, c, width, layers[i]!, stride, { previous, current: dilation }, options.norm);
      this.addModule(`layer${i + 1}`, stage);
      c = out;
      reduction *= stride;
      info.push({ module: `layer${i + 1}`, channels: c, reduction });
    });
    this.featureInfo = info;
    this.addModule('fc', new Linear(c, numClasses));
    torchvisionInit(this);
    if (options.zeroInitResidual) zeroInitResiduals(this);
  }

  forward(x: Tensor): Tensor {
    return runInOrder([this.conv1, this.bn1, this.relu, this.maxpool, this.layer1, this.layer2, this.layer3, this.layer4, this.avgpool, this.flatten, this.fc], x);
  }

  /** The four stage outputs (strides 4/8/16/32), as torchvision's detection backbones take them. */
  forwardIntermediates(x: Tensor, last?: number): Tensor[] {
    return runStages([[this.conv1, this.bn1, this.relu, this.maxpool, this.layer1], [this.layer2], [this.layer3], [this.layer4]], x, last);
  }
}

for (const depth of [20, 32, 44, 56, 110]) {
  registerModel({
    name: `resnet${depth}`, family: 'resnet_cifar', description: `CIFAR ResNet-${depth} with 1x1-conv projection shortcuts`,
    inputSize: [3, 32, 32], defaultNumClasses: 10, classifier: 'fc', firstConv: 'conv1', source: 'He et al. 2016; ACNet base_model/stagewise_resnet.py (src*)',
    create: (o) => CifarResNet.ofDepth(depth, o),
  });
}
const imagenet = { family: 'resnet', inputSize: [3, 224, 224] as [number, number, number], defaultNumClasses: 1000, classifier: 'fc', firstConv: 'conv1', source: 'torchvision.models.resnet' };
registerModel({ ...imagenet, name: 'resnet18', description: 'ResNet-18 (torchvision)', create: (o) => new ResNet(basicBlock, [2, 2, 2, 2], o) });
registerModel({ ...imagenet, name: 'resnet34', description: 'ResNet-34 (torchvision)', create: (o) => new ResNet(basicBlock, [3, 4, 6, 3], o) });
registerModel({
  ...imagenet, name: 'resnet50', description: 'ResNet-50 v1.5 (torchvision)', args: RESNET_ARGS, create: (o) => new ResNet(bottleneckBlock(), [3, 4, 6, 3], o, resNetOptionsFrom(o.args)),
});
registerModel({
  ...imagenet, family: 'resnext', name: 'resnext50_32x4d', description: 'ResNeXt-50 32x4d (torchvision)',
  args: RESNET_ARGS, create: (o) => new ResNet(bottleneckBlock(32, 4), [3, 4, 6, 3], o, resNetOptionsFrom(o.args)),
});
registerModel({
  ...imagenet, family: 'resnext', name: 'resnext101_32x8d', description: 'ResNeXt-101 32x8d (torchvision)',
  args: RESNET_ARGS, create: (o) => new ResNet(bottleneckBlock(32, 8), [3, 4, 23, 3], o, resNetOptionsFrom(o.args)),
});
registerModel({
  ...imagenet, family: 'wide_resnet', name: 'wide_resnet50_2', description: 'Wide ResNet-50-2 (torchvision: bottlenecks twice as wide)',
  args: RESNET_ARGS, create: (o) => new ResNet(bottleneckBlock(1, 128), [3, 4, 6, 3], o, resNetOptionsFrom(o.args)),
});

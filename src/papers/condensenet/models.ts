// DenseNet for CIFAR/ImageNet as in CondenseNet's code base, which defines three networks on one
// skeleton (models/densenet.py, densenet_LGC.py, condensenet.py): a 3x3 stem of 2·k₁ channels, dense
// blocks of bottleneck layers (1x1 conv to b·k, BN-ReLU-conv3x3 to k, concatenated with the input),
// transitions between blocks, then BN-ReLU-global pool-FC. The variants differ in
//  - the 1x1 convs: standard (group) convs, or learned group convs (CondenseNet),
//  - the transitions: BN-ReLU-conv1x1 compression + avgpool (DenseNet-BC, CondenseNet-light, with an
//    LGC there), or the avgpool alone (CondenseNet's full dense connectivity),
//  - the growth rate: constant, or doubling per block (CondenseNet).
// Children are named as in that code (features.init_conv, features.denseblock_1.denselayer_1.conv_1,
// ..., classifier), so its checkpoints load without renaming.
//
// CondenseNet (Huang, Liu, van der Maaten, Weinberger, CVPR 2018; ShichenLiu/CondenseNet): DenseNet
// with learned group convolutions as its 1x1 convs, full dense connectivity (transitions only pool)
// and a growth rate that doubles per block. CondenseNet-light (densenet_LGC.py) keeps DenseNet-BC's
// compressing transitions, with learned group convs there too. Every model takes the official
// main.py hyper-parameters as args (stages, growth, bottleneck, group1x1, group3x3, condenseFactor,
// dropoutRate, stemStride), so any configuration of the official code can be built and loaded.
import { CondensableLinear, LearnedGroupConv } from './blocks.js';
import { DenseBlock, type DenselyConnected } from '../../blocks/dense.js';
import { PreActConv } from '../../blocks/preact.js';
import { cat, type Tensor } from '../../engine/tensor.js';
import { runInOrder, Sequential } from '../../nn/containers.js';
import { constant_, kaimingNormal_, zeros_ } from '../../nn/init.js';
import { AdaptiveAvgPool2d, AvgPool2d, BatchNorm2d, Conv2d, Flatten, Linear, ReLU } from '../../nn/layers.js';
import { Module } from '../../nn/module.js';
import { type FeatureInfo, runStages, type StagedModel } from '../../models/features.js';
import { type ModelArgs, registerModel, type ResolvedModelOptions } from '../../models/registry.js';

export interface DenseNetConfig {
  /** Dense layers per block. */
  stages: readonly number[];
  /** Growth rate k per block. */
  growth: readonly number[];
  /** The 1x1 conv of a dense layer outputs bottleneck·k channels (default 4). */
  bottleneck?: number;
  /** Transition compression (0.5 for -BC); 0 or absent: transitions only pool (CondenseNet). */
  reduction?: number;
  /** Groups of the 1x1 convs (G of the learned group convs; default 1). */
  group1x1?: number;
  /** Groups of the 3x3 convs (default 1). */
  group3x3?: number;
  /** Learned group convs with this condensation factor C replace the 1x1 convs (CondenseNet). */
  condenseFactor?: number;
  /** Dropout before the dense layers' learned group convs (default 0). */
  dropoutRate?: number;
  /** Stride of the stem conv (1 for CIFAR, 2 for ImageNet). */
  stemStride?: number;
}

/** x rounded up to a multiple of y (the official make_divisible). */
export const makeDivisible = (x: number, y: number): number => (x % y ? (Math.floor(x / y) + 1) * y : x);

function oneByOne(inChannels: number, outChannels: number, config: DenseNetConfig, dropoutRate = 0): Module {
  const groups = config.group1x1 ?? 1;
  if (config.condenseFactor !== undefined) return new LearnedGroupConv(inChannels, outChannels, { groups, condenseFactor: config.condenseFactor, dropoutRate });
  return new PreActConv(inChannels, outChannels, 1, { groups });
}

export class DenseLayer extends Module implements DenselyConnected {
  declare readonly conv_1: Module;
  declare readonly conv_2: PreActConv;

  constructor(inChannels: number, readonly growth: number, config: DenseNetConfig) {
    super();
    const width = (config.bottleneck ?? 4) * growth;
    this.addModule('conv_1', oneByOne(inChannels, width, config, config.dropoutRate));
    this.addModule('conv_2', new PreActConv(width, growth, 3, { groups: config.group3x3 ?? 1 }));
  }

  newFeatures(x: Tensor): Tensor {
    return runInOrder([this.conv_1, this.conv_2], x);
  }

  forward(x: Tensor): Tensor {
    const y = this.newFeatures(x);
    const out = cat([x, y], 1);
    y.dispose();
    return out;
  }
}

/** Compression (a 1x1 conv to `outChannels`) then 2x2 average pooling; pooling alone without outChannels. */
export class Transition extends Module {
  declare readonly conv: Module | undefined;
  declare readonly pool: AvgPool2d;

  constructor(inChannels: number, outChannels: number | undefined, config: DenseNetConfig) {
    super();
    if (outChannels !== undefined) this.addModule('conv', oneByOne(inChannels, outChannels, config));
    this.addModule('pool', new AvgPool2d({ kernelSize: 2, stride: 2 }));
  }

  forward(x: Tensor): Tensor {
    return runInOrder(this.conv ? [this.conv, this.pool] : [this.pool], x);
  }
}

export class DenseNet extends Module implements StagedModel {
  declare readonly features: Sequential;
  declare readonly classifier: Linear;
  /** Each dense block's output (the last one after the final BN-ReLU). */
  readonly featureInfo: readonly FeatureInfo[];
  readonly headModules = ['classifier'];
  /** The names in `features` of each stage's modules (looked up when run: converters replace modules in place). */
  private readonly stageModules: string[][];
  private readonly flatten = new Flatten();

  constructor(readonly config: DenseNetConfig, { numClasses, inChannels }: ResolvedModelOptions) {
    super();
    const { stages, growth } = config;
    if (stages.length === 0 || stages.length !== growth.length) {
      throw new RangeError(`DenseNet: stages (${stages.join('-')}) and growth (${growth.join('-')}) must be non-empty and of the same length`);
    }
    const features = new Sequential();
    let c = 2 * growth[0]!;
    features.addModule('init_conv', new Conv2d(inChannels, c, 3, { stride: config.stemStride ?? 1, padding: 1, bias: false }));
    const info: FeatureInfo[] = [];
    this.stageModules = [];
    let stage = ['init_conv'];
    stages.forEach((layers, i) => {
      const block = new DenseBlock();
      for (let l = 0; l < layers; l++) block.addModule(`denselayer_${l + 1}`, new DenseLayer(c + l * growth[i]!, growth[i]!, config));
      features.addModule(`denseblock_${i + 1}`, block);
      stage.push(`denseblock_${i + 1}`);
      c += layers * growth[i]!;
      info.push({ module: `features.denseblock_${i + 1}`, channels: c, reduction: (config.stemStride ?? 1) * 2 ** i });
      if (i < stages.length - 1) {
        this.stageModules.push(stage);
        const out = config.reduction ? makeDivisible(Math.ceil(c * config.reduction), config.group1x1 ?? 1) : undefined;
        features.addModule(`transition_${i + 1}`, new Transition(c, out, config));
        stage = [`transition_${i + 1}`];
        c = out ?? c;
      }
    });
    features.addModule('norm_last', new BatchNorm2d(c));
    features.addModule('relu_last', new ReLU());
    this.stageModules.push([...stage, 'norm_last', 'relu_last']);
    info[info.length - 1]!.module = 'features.relu_last';
    this.featureInfo = info;
    features.addModule('pool_last', new AdaptiveAvgPool2d(1));
    this.addModule('features', features);
    // A condensing network also prunes its classifier's inputs at conversion (the official convert_model).
    this.addModule('classifier', config.condenseFactor !== undefined ? new CondensableLinear(c, numClasses, 0.5) : new Linear(c, numClasses));
    // The reference's init: conv N(0, sqrt(2 / (k*k*out))), BN 1/0, linear bias 0 (weight: PyTorch's default).
    this.apply((m) => {
      if (m instanceof Conv2d) kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
      else if (m instanceof BatchNorm2d) { constant_(m.weight!, 1); zeros_(m.bias!); }
      else if (m instanceof Linear && m.bias) zeros_(m.bias);
    });
  }

  /** Channels of the features the classifier reads. */
  get numFeatures(): number {
    return this.classifier.inFeatures;
  }

  forward(x: Tensor): Tensor {
    return runInOrder([this.features, this.flatten, this.classifier], x);
  }

  forwardIntermediates(x: Tensor, last?: number): Tensor[] {
    return runStages(this.stageModules.map((names) => names.map((name) => this.features.getSubmodule(name))), x, last);
  }
}

/** A DenseNetConfig from model args (the official main.py flags), after the registry checked their types. */
export function denseNetConfig(args: ModelArgs): DenseNetConfig {
  const list = (v: unknown): number[] => (Array.isArray(v) ? [...(v as number[])] : [v as number]);
  const num = (v: unknown): number | undefined => (v === undefined ? undefined : Number(v));
  const config: DenseNetConfig = {
    stages: list(args.stages), growth: list(args.growth), bottleneck: num(args.bottleneck), reduction: num(args.reduction),
    group1x1: num(args.group1x1), group3x3: num(args.group3x3), condenseFactor: num(args.condenseFactor) || undefined,
    dropoutRate: num(args.dropoutRate), stemStride: num(args.stemStride),
  };
  const positive = (v: number | undefined): boolean => v === undefined || (Number.isInteger(v) && v >= 1);
  const problems = [
    config.stages.every((s) => positive(s)) && config.growth.every((g) => positive(g)) ? '' : 'stages and growth must be positive integers',
    [config.bottleneck, config.group1x1, config.group3x3, config.stemStride].every(positive) ? '' : 'bottleneck, group1x1, group3x3 and stemStride must be positive integers',
    config.reduction === undefined || (config.reduction >= 0 && config.reduction <= 1) ? '' : `reduction must be in [0, 1], got ${config.reduction}`,
    config.dropoutRate === undefined || (config.dropoutRate >= 0 && config.dropoutRate < 1) ? '' : `dropoutRate must be in [0, 1), got ${config.dropoutRate}`,
  ].filter(Boolean);
  if (problems.length) throw new RangeError(`densenet args: ${problems.join('; ')}`);
  return config;
}

/** The arguments every DenseNet-family model takes (defaults per model). */
export const DENSENET_ARG_HELP: Record<string, string> = {
  stages: 'dense layers per block, e.g. 14-14-14',
  growth: 'growth rate per block, e.g. 8-16-32',
  bottleneck: 'bottleneck width factor b (1x1 conv to b·k channels)',
  reduction: 'transition compression (0: transitions only pool)',
  group1x1: 'groups G of the 1x1 (learned) group convs',
  group3x3: 'groups of the 3x3 convs',
  condenseFactor: 'condensation factor C of the learned group convs (0: plain 1x1 convs)',
  dropoutRate: 'dropout before the learned group convs',
  stemStride: 'stride of the stem conv (1 CIFAR, 2 ImageNet)',
};

const baseline = { bottleneck: 4, reduction: 0.5, group1x1: 1, group3x3: 1, condenseFactor: 0, dropoutRate: 0, stemStride: 1 };

registerModel({
  name: 'densenet_bc_100', family: 'densenet', description: 'DenseNet-BC-100 (k=12) for CIFAR', inputSize: [3, 32, 32], defaultNumClasses: 10, classifier: 'classifier', firstConv: 'features.init_conv',
  source: 'CondenseNet models/densenet.py (stages 16-16-16, growth 12, reduction 0.5, bottleneck 4)',
  args: { defaults: { ...baseline, stages: [16, 16, 16], growth: [12, 12, 12] }, help: DENSENET_ARG_HELP },
  create: (o) => new DenseNet(denseNetConfig(o.args), o),
});

// CondenseNet and CondenseNet-light: the official models/condensenet.py and densenet_LGC.py.

const SOURCE = 'ShichenLiu/CondenseNet models/condensenet.py';
const cifar = { bottleneck: 4, reduction: 0, group1x1: 4, group3x3: 4, condenseFactor: 4, dropoutRate: 0, stemStride: 1, growth: [8, 16, 32] };

const CIFAR_DEPTHS: Record<number, number> = { 50: 8, 74: 12, 86: 14, 98: 16, 110: 18, 122: 20 };
for (const [depth, n] of Object.entries(CIFAR_DEPTHS)) {
  registerModel({
    name: `condensenet${depth}`, family: 'condensenet', description: `CondenseNet-${depth} (C=G=4, growth 8-16-32) for CIFAR`,
    inputSize: [3, 32, 32], defaultNumClasses: 10, classifier: 'classifier', firstConv: 'features.init_conv', source: `${SOURCE} (--stages ${n}-${n}-${n} --growth 8-16-32)`, flopsConvention: 'condensenet',
    args: { defaults: { ...cifar, stages: [n, n, n] }, help: DENSENET_ARG_HELP },
    create: (o) => new DenseNet(denseNetConfig(o.args), o),
  });
}

registerModel({
  name: 'condensenet', family: 'condensenet', description: 'CondenseNet, any configuration of the official flags (default: CondenseNet-86 for CIFAR)',
  inputSize: [3, 32, 32], defaultNumClasses: 10, classifier: 'classifier', firstConv: 'features.init_conv', source: SOURCE, flopsConvention: 'condensenet',
  args: { defaults: { ...cifar, stages: [14, 14, 14] }, help: DENSENET_ARG_HELP },
  create: (o) => new DenseNet(denseNetConfig(o.args), o),
});

registerModel({
  name: 'condensenet182', family: 'condensenet', description: 'CondenseNet-182* (C=G=4, growth 12-24-48) for CIFAR; the paper trains it 600 epochs with dropout',
  inputSize: [3, 32, 32], defaultNumClasses: 10, classifier: 'classifier', firstConv: 'features.init_conv', source: `${SOURCE} (--stages 30-30-30 --growth 12-24-48)`, flopsConvention: 'condensenet',
  args: { defaults: { ...cifar, stages: [30, 30, 30], growth: [12, 24, 48] }, help: DENSENET_ARG_HELP },
  create: (o) => new DenseNet(denseNetConfig(o.args), o),
});

for (const cg of [4, 8]) {
  registerModel({
    name: `condensenet74_c${cg}g${cg}`, family: 'condensenet', description: `CondenseNet-74 (C=G=${cg}) for ImageNet`,
    inputSize: [3, 224, 224], defaultNumClasses: 1000, classifier: 'classifier', firstConv: 'features.init_conv', flopsConvention: 'condensenet',
    source: `${SOURCE} (--stages 4-6-8-10-8 --growth 8-16-32-64-128 --group-1x1 ${cg} --group-3x3 ${cg} --condense-factor ${cg})`,
    args: { defaults: { ...cifar, stages: [4, 6, 8, 10, 8], growth: [8, 16, 32, 64, 128], group1x1: cg, group3x3: cg, condenseFactor: cg, stemStride: 2 }, help: DENSENET_ARG_HELP },
    create: (o) => new DenseNet(denseNetConfig(o.args), o),
  });
}

registerModel({
  name: 'condensenet_light', family: 'condensenet',
  description: 'CondenseNet-light: DenseNet-BC with learned group convs, also in the transitions (default: the DenseNet-BC-100 k=12 shape, C=G=4)',
  inputSize: [3, 32, 32], defaultNumClasses: 10, classifier: 'classifier', firstConv: 'features.init_conv', source: 'ShichenLiu/CondenseNet models/densenet_LGC.py', flopsConvention: 'condensenet',
  args: { defaults: { ...cifar, stages: [16, 16, 16], growth: [12, 12, 12], reduction: 0.5 }, help: DENSENET_ARG_HELP },
  create: (o) => new DenseNet(denseNetConfig(o.args), o),
});

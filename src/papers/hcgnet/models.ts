// HCGNet (Yang, Zhang, Liu, Sun, AAAI 2020; winycg/HCGNet): hybrid connectivity with gated modules.
// Hybrid blocks of densely connected SMG modules, joined by gated transitions that halve the channels
// (no concatenation). CIFAR models (A1-A3): a 3x3 stem to 2·k₁, three blocks, DropBlock in the
// transitions; ImageNet models (B, C): a three-conv stem with max pooling, four blocks, stride-2
// transitions. State-dict names are the official ones (features.conv0, features.HybridBlock1.SMG1...,
// features.Transition1..., features.norm5, classifier; ImageNet: features.hybridblock1, ...).
import { DenseBlock } from '../../blocks/dense.js';
import { type DropBlockOptions, HCGTransition, SMG } from './blocks.js';
import * as F from '../../engine/functional.js';
import { type Tensor } from '../../engine/tensor.js';
import { runInOrder, Sequential } from '../../nn/containers.js';
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU } from '../../nn/layers.js';
import { Module } from '../../nn/module.js';
import { checkStageIndex, type FeatureInfo, type StagedModel } from '../../models/features.js';
import { registerModel, type ResolvedModelOptions } from '../../models/registry.js';

export interface HCGNetConfig {
  growth: readonly number[];
  /** SMG modules per hybrid block. */
  blocks: readonly number[];
  /** 'cifar': 3x3 stem, DropBlock transitions, capitalised names; 'imagenet': 3-conv stem + max pool, stride-2 transitions. */
  variant: 'cifar' | 'imagenet';
  /** The CIFAR transitions' DropBlock (default: SGDR-scheduled, block size 2, as the official models). */
  dropBlock?: DropBlockOptions;
}

export class HCGNet extends Module implements StagedModel {
  declare readonly features: Sequential;
  declare readonly classifier: Linear;
  /** CIFAR: the ReLU after `features` (ImageNet has it inside, as features.relu5). */
  declare readonly relu: ReLU | undefined;
  /**
   * The post-BN-ReLU output of every hybrid block, as the official detection backbone takes them: the
   * activation inside each transition's first (pre-activation) conv, and the final BN-ReLU. HCGNet-B:
   * 160/368/952/1244 channels at strides 4/8/16/32.
   */
  readonly featureInfo: readonly FeatureInfo[];
  readonly headModules = ['classifier'];
  private readonly flatten = new Flatten();

  constructor(readonly config: HCGNetConfig, { numClasses, inChannels }: ResolvedModelOptions) {
    super();
    const cifar = config.variant === 'cifar';
    const features = new Sequential();
    let c: number;
    if (cifar) {
      c = 2 * config.growth[0]!;
      features.addModule('conv0', new Conv2d(inChannels, c, 3, { padding: 1, bias: false }));
    } else {
      c = 64;
      const stem: [string, Module][] = [
        ['conv0', new Conv2d(inChannels, 32, 3, { stride: 2, padding: 1, bias: false })], ['norm0', new BatchNorm2d(32)], ['relu0', new ReLU()],
        ['conv1', new Conv2d(32, 32, 3, { padding: 1, bias: false })], ['norm1', new BatchNorm2d(32)], ['relu1', new ReLU()],
        ['conv2', new Conv2d(32, 64, 3, { padding: 1, bias: false })], ['norm2', new BatchNorm2d(64)], ['relu2', new ReLU()],
        ['pool0', new MaxPool2d({ kernelSize: 3, stride: 2, padding: 1 })],
      ];
      for (const [name, m] of stem) features.addModule(name, m);
    }
    const info: FeatureInfo[] = [];
    const stemStride = cifar ? 1 : 4;
    config.blocks.forEach((n, i) => {
      const k = config.growth[i]!;
      const block = new DenseBlock();
      for (let j = 0; j < n; j++) block.addModule(`SMG${j + 1}`, new SMG(c + j * k, k));
      features.addModule(`${cifar ? 'HybridBlock' : 'hybridblock'}${i + 1}`, block);
      c += n * k;
      if (i < config.blocks.length - 1) {
        const out = Math.floor(c * 0.5);
        const name = `${cifar ? 'Transition' : 'transition'}${i + 1}`;
        features.addModule(name, new HCGTransition(c, out, { stride: 2, dropBlock: cifar && (config.dropBlock ?? true) }));
        info.push({ module: `features.${name}.conv1_1x1.relu`, channels: c, reduction: stemStride * 2 ** i });
        c = out;
      }
    });
    features.addModule('norm5', new BatchNorm2d(c));
    // CIFAR applies ReLU and the global pool after `features`; ImageNet has them inside.
    if (!cifar) {
      features.addModule('relu5', new ReLU());
      features.addModule('avg_pool', new AdaptiveAvgPool2d(1));
    }
    this.addModule('features', features);
    if (cifar) this.addModule('relu', new ReLU());
    info.push({ module: cifar ? 'relu' : 'features.relu5', channels: c, reduction: stemStride * 2 ** (config.blocks.length - 1) });
    this.featureInfo = info;
    // Official ImageNet models define Dropout(0.1) but their forward discards its result: no dropout.
    this.addModule('classifier', new Linear(c, numClasses));
  }

  forward(x: Tensor): Tensor {
    const features = this.features.forward(x);
    if (this.config.variant === 'imagenet') {
      const out = runInOrder([this.flatten, this.classifier], features);
      features.dispose();
      return out;
    }
    const activated = this.relu!.forward(features);
    const pooled = F.adaptiveAvgPool2d(activated, 1);
    const out = runInOrder([this.flatten, this.classifier], pooled);
    for (const t of [features, activated, pooled]) t.dispose();
    return out;
  }

  /**
   * Runs `features` in segments between the transitions; at each transition the stage output is the
   * transition's opening BN-ReLU, from which the transition goes on.
   */
  forwardIntermediates(x: Tensor, last = this.featureInfo.length - 1): Tensor[] {
    checkStageIndex(last, this.featureInfo.length);
    const outputs: Tensor[] = [];
    let segment: Module[] = [];
    let h = x;
    const advance = (next: Tensor): void => {
      if (h !== x && !outputs.includes(h)) h.dispose();
      h = next;
    };
    try {
      for (const [name, m] of this.features.namedChildren()) {
        if (name === 'avg_pool') break;
        if (!(m instanceof HCGTransition)) {
          segment.push(m);
          continue;
        }
        advance(runInOrder(segment, h));
        segment = [];
        outputs.push(m.openingActivation(h));
        if (outputs.length - 1 === last) return outputs;
        advance(m.forwardFromActivation(outputs.at(-1)!));
      }
      if (this.relu) segment.push(this.relu);
      advance(runInOrder(segment, h));
      outputs.push(h);
      return outputs;
    } catch (err) {
      if (h !== x && !outputs.includes(h)) h.dispose();
      for (const t of outputs) t.dispose();
      throw err;
    }
  }
}

const SOURCE = 'winycg/HCGNet models/HCGNet_CIFAR.py';
for (const [name, growth, blocks] of [['a1', [12, 24, 36], [8, 8, 8]], ['a2', [24, 36, 64], [8, 8, 8]], ['a3', [36, 48, 80], [12, 12, 12]]] as const) {
  registerModel({
    name: `hcgnet_${name}`, family: 'hcgnet', description: `HCGNet-${name.toUpperCase()} for CIFAR (growth ${growth.join('-')}, ${blocks.join('-')} SMGs)`,
    inputSize: [3, 32, 32], defaultNumClasses: 10, classifier: 'classifier', firstConv: 'features.conv0', source: `${SOURCE} HCGNet_${name.toUpperCase()}`, flopsConvention: 'hcgnet',
    create: (o) => new HCGNet({ growth, blocks, variant: 'cifar' }, o),
  });
}
for (const [name, growth, blocks] of [['b', [32, 48, 64, 96], [3, 6, 12, 8]], ['c', [48, 56, 72, 112], [6, 12, 18, 14]]] as const) {
  registerModel({
    name: `hcgnet_${name}`, family: 'hcgnet', description: `HCGNet-${name.toUpperCase()} for ImageNet (growth ${growth.join('-')}, ${blocks.join('-')} SMGs)`,
    inputSize: [3, 224, 224], defaultNumClasses: 1000, classifier: 'classifier', firstConv: 'features.conv0', source: `winycg/HCGNet models/HCGNet_ImageNet.py HCGNet_${name.toUpperCase()}`, flopsConvention: 'hcgnet',
    create: (o) => new HCGNet({ growth, blocks, variant: 'imagenet' }, o),
  });
}
registerModel({
  name: 'hcgnet', family: 'hcgnet', description: 'HCGNet of any growth rates and SMG counts per hybrid block (default: HCGNet-A1 for CIFAR)',
  inputSize: [3, 32, 32], defaultNumClasses: 10, classifier: 'classifier', firstConv: 'features.conv0', source: `${SOURCE} (HCGNet(growth_rate, block_config))`, flopsConvention: 'hcgnet',
  args: {
    defaults: { growth: [12, 24, 36], blocks: [8, 8, 8], imagenet: false, dropblock: 'sgdr', dropblockSize: 2 },
    help: {
      growth: 'growth rate of each hybrid block, e.g. 12-24-36', blocks: 'SMG modules per hybrid block, e.g. 8-8-8',
      imagenet: 'the ImageNet variant (3-conv stem, max pooling) instead of the CIFAR one',
      dropblock: "the CIFAR transitions' DropBlock schedule: sgdr (the official models'), linear (the official LinearScheduler: 0 to 0.1 over the run)",
      dropblockSize: 'DropBlock block size',
    },
  },
  create: (o) => {
    const [growth, blocks] = [o.args.growth as number[], o.args.blocks as number[]];
    if (growth.length !== blocks.length || growth.some((g) => !Number.isInteger(g) || g < 1) || blocks.some((b) => !Number.isInteger(b) || b < 1)) {
      throw new RangeError(`hcgnet: growth (${growth.join('-')}) and blocks (${blocks.join('-')}) must be positive integers, one of each per hybrid block`);
    }
    const schedule = o.args.dropblock as string;
    if (schedule !== 'sgdr' && schedule !== 'linear') throw new RangeError(`hcgnet: dropblock must be sgdr or linear, got '${schedule}'`);
    const blockSize = o.args.dropblockSize as number;
    if (!Number.isInteger(blockSize) || blockSize < 1) throw new RangeError(`hcgnet: dropblockSize must be a positive integer, got ${blockSize}`);
    return new HCGNet({ growth, blocks, variant: o.args.imagenet ? 'imagenet' : 'cifar', dropBlock: { schedule, blockSize } }, o);
  },
});

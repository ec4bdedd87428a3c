// DenseNet-BC for CIFAR as CondenseNet's baseline (models/densenet.py): a 3x3 stem of 2k channels,
// dense blocks of bottleneck layers (BN-ReLU-conv1x1 to 4k, BN-ReLU-conv3x3 to k, concatenated),
// transitions BN-ReLU-conv1x1 (compression 0.5) + avgpool 2, then BN-ReLU-pool-FC.
import { cat, type Tensor } from '../engine/tensor.js';
import { runInOrder, Sequential } from '../nn/containers.js';
import { constant_, kaimingNormal_, zeros_ } from '../nn/init.js';
import { AdaptiveAvgPool2d, AvgPool2d, BatchNorm2d, Conv2d, Flatten, Linear, ReLU } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import { registerModel, type ResolvedModelOptions } from './registry.js';

/** BN -> ReLU -> conv, children named norm/relu/conv as CondenseNet's layers.Conv. */
function preActConv(inChannels: number, outChannels: number, kernel: number, groups = 1): Sequential {
  return new Sequential(
    ['norm', new BatchNorm2d(inChannels)],
    ['relu', new ReLU()],
    ['conv', new Conv2d(inChannels, outChannels, kernel, { padding: (kernel - 1) / 2, groups, bias: false })],
  );
}

export class DenseLayer extends Module {
  declare readonly conv_1: Sequential;
  declare readonly conv_2: Sequential;

  constructor(inChannels: number, growth: number, bottleneck = 4) {
    super();
    this.addModule('conv_1', preActConv(inChannels, bottleneck * growth, 1));
    this.addModule('conv_2', preActConv(bottleneck * growth, growth, 3));
  }

  forward(x: Tensor): Tensor {
    const y = runInOrder([this.conv_1, this.conv_2], x);
    const out = cat([x, y], 1);
    y.dispose();
    return out;
  }
}

export class Transition extends Module {
  declare readonly conv: Sequential;
  private readonly pool = new AvgPool2d({ kernelSize: 2, stride: 2 });
  constructor(inChannels: number, outChannels: number) {
    super();
    this.addModule('conv', preActConv(inChannels, outChannels, 1));
  }
  forward(x: Tensor): Tensor {
    return runInOrder([this.conv, this.pool], x);
  }
}

export interface DenseNetConfig {
  stages: readonly number[];
  growth: readonly number[];
  /** Transition compression (0.5 for -BC). */
  reduction: number;
}

export class DenseNet extends Module {
  declare readonly features: Sequential;
  declare readonly classifier: Linear;
  private readonly flatten = new Flatten();

  constructor(config: DenseNetConfig, { numClasses, inChannels }: ResolvedModelOptions) {
    super();
    const features = new Sequential();
    let c = 2 * config.growth[0]!;
    features.addModule('init_conv', new Conv2d(inChannels, c, 3, { padding: 1, bias: false }));
    config.stages.forEach((layers, i) => {
      const block = new Sequential();
      for (let l = 0; l < layers; l++) block.addModule(`denselayer_${l + 1}`, new DenseLayer(c + l * config.growth[i]!, config.growth[i]!));
      features.addModule(`denseblock_${i + 1}`, block);
      c += layers * config.growth[i]!;
      if (i < config.stages.length - 1) {
        const out = Math.ceil(c * config.reduction);
        features.addModule(`transition_${i + 1}`, new Transition(c, out));
        c = out;
      }
    });
    features.addModule('norm_last', new BatchNorm2d(c));
    features.addModule('relu_last', new ReLU());
    features.addModule('pool_last', new AdaptiveAvgPool2d(1));
    this.addModule('features', features);
    this.addModule('classifier', new Linear(c, numClasses));
    // The reference's init: conv N(0, sqrt(2 / (k*k*out))), BN 1/0, linear bias 0.
    this.apply((m) => {
      if (m instanceof Conv2d) kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
      else if (m instanceof BatchNorm2d) { constant_(m.weight!, 1); zeros_(m.bias!); }
      else if (m instanceof Linear && m.bias) zeros_(m.bias);
    });
  }

  forward(x: Tensor): Tensor {
    return runInOrder([this.features, this.flatten, this.classifier], x);
  }
}

registerModel({
  name: 'densenet_bc_100', family: 'densenet', description: 'DenseNet-BC-100 (k=12) for CIFAR', inputSize: [3, 32, 32], defaultNumClasses: 10,
  source: 'CondenseNet models/densenet.py (stages 16-16-16, growth 12, reduction 0.5, bottleneck 4)',
  create: (o) => new DenseNet({ stages: [16, 16, 16], growth: [12, 12, 12], reduction: 0.5 }, o),
});

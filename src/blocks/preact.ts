// Pre-activation convolution (BN -> ReLU -> conv), the unit DenseNet-style networks are made of. Its
// children are named norm/relu/conv as in CondenseNet's layers.Conv and HCGNet's BasicConv, so their
// checkpoints' names fit.
import { Sequential } from '../nn/containers.js';
import { BatchNorm2d, Conv2d, type Conv2dOptions, ReLU } from '../nn/layers.js';

export class PreActConv extends Sequential {
  declare readonly norm: BatchNorm2d;
  declare readonly relu: ReLU;
  declare readonly conv: Conv2d;

  /** A bias-free conv; padding defaults to 'same' for odd kernels ((k - 1) / 2). */
  constructor(inChannels: number, outChannels: number, kernelSize: number, options: Omit<Conv2dOptions, 'bias'> = {}) {
    super(
      ['norm', new BatchNorm2d(inChannels)],
      ['relu', new ReLU()],
      ['conv', new Conv2d(inChannels, outChannels, kernelSize, { padding: Math.floor((kernelSize - 1) / 2), ...options, bias: false })],
    );
  }
}

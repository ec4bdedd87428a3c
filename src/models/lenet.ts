// LeNet-5 with BN as ACNet trains it on MNIST (`lenet5bn`, base_model/lenet5.py): two 5x5 conv-BN-ReLU layers (20 and
// 50 channels, the repository's LeNet-5 widths) with 2x2 max pooling, FC 500, ReLU, FC. State-dict names are ACNet's
// (stem.conv1.conv, stem.conv2.bn, linear1, linear2): 431,150 parameters for 10 classes at 28x28.
import type { Tensor } from '../engine/tensor.js';
import { runInOrder, Sequential } from '../nn/containers.js';
import { BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import { registerModel, type ResolvedModelOptions } from './registry.js';

const convBnRelu = (cin: number, cout: number): Sequential =>
  new Sequential(['conv', new Conv2d(cin, cout, 5, { bias: false })], ['bn', new BatchNorm2d(cout)], ['relu', new ReLU()]);

export class LeNet5BN extends Module {
  declare readonly stem: Sequential;
  declare readonly linear1: Linear;
  declare readonly linear2: Linear;
  private readonly flatten = new Flatten();
  private readonly relu1 = new ReLU();

  constructor({ numClasses, inChannels, inputSize }: ResolvedModelOptions, widths: readonly [number, number] = [20, 50]) {
    super();
    this.addModule('stem', new Sequential(
      ['conv1', convBnRelu(inChannels, widths[0])], ['maxpool1', new MaxPool2d({ kernelSize: 2 })],
      ['conv2', convBnRelu(widths[0], widths[1])], ['maxpool2', new MaxPool2d({ kernelSize: 2 })],
    ));
    const side = Math.floor((Math.floor((inputSize - 4) / 2) - 4) / 2);
    if (side < 1) throw new RangeError(`lenet5bn: input ${inputSize}x${inputSize} is too small (needs >= 16)`);
    this.addModule('linear1', new Linear(widths[1] * side * side, 500));
    this.addModule('linear2', new Linear(500, numClasses));
  }

  forward(x: Tensor): Tensor {
    return runInOrder([this.stem, this.flatten, this.linear1, this.relu1, this.linear2], x);
  }
}

registerModel({
  name: 'lenet5bn', family: 'lenet', description: "LeNet-5 with BN for MNIST (ACNet's lenet5bn)", inputSize: [1, 28, 28], defaultNumClasses: 10,
  classifier: 'linear2', firstConv: 'stem.conv1.conv', source: 'ACNet base_model/lenet5.py (LeNet5BN, widths 20-50)', create: (o) => new LeNet5BN(o),
});

import { runInOrder, Sequential } from '../nn/containers.js';
import { BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import { registerModel } from './registry.js';
const convBnRelu = (cin, cout) => new Sequential(['conv', new Conv2d(cin, cout, 5, { bias: false })], ['bn', new BatchNorm2d(cout)], ['relu', new ReLU()]);
export class LeNet5BN extends Module {
    flatten = new Flatten();
    relu1 = new ReLU();
    constructor({ numClasses, inChannels, inputSize }, widths = [20, 50]) {
        super();
        this.addModule('stem', new Sequential(['conv1', convBnRelu(inChannels, widths[0])], ['maxpool1', new MaxPool2d({ kernelSize: 2 })], ['conv2', convBnRelu(widths[0], widths[1])], ['maxpool2', new MaxPool2d({ kernelSize: 2 })]));
        const side = Math.floor((Math.floor((inputSize - 4) / 2) - 4) / 2);
        if (side < 1)
            throw new RangeError(`lenet5bn: input ${inputSize}x${inputSize} is too small (needs >= 16)`);
        this.addModule('linear1', new Linear(widths[1] * side * side, 500));
        this.addModule('linear2', new Linear(500, numClasses));
    }
    forward(x) {
        return runInOrder([this.stem, this.flatten, this.linear1, this.relu1, this.linear2], x);
    }
}
registerModel({
    name: 'lenet5bn', family: 'lenet', description: "LeNet-5 with BN for MNIST (ACNet's lenet5bn)", inputSize: [1, 28, 28], defaultNumClasses: 10,
    classifier: 'linear2', firstConv: 'stem.conv1.conv', source: 'ACNet base_model/lenet5.py (LeNet5BN, widths 20-50)', create: (o) => new LeNet5BN(o),
});
//# sourceMappingURL=lenet.js.map
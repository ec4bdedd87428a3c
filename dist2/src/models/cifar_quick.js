// Cifar-quick with BN (ACNet's `cfqkbnc`, base_model/cfqk.py): three 5x5 conv-BN-ReLU layers with
// max/avg pooling, then a 64-unit hidden FC layer. 117,034 parameters for 10 classes at 32x32.
import { AvgPool2d, BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU } from '../nn/layers.js';
import { runInOrder, Sequential } from '../nn/containers.js';
import { Module } from '../nn/module.js';
import { registerModel } from './registry.js';
const pooled = (size) => Math.floor((size - 3) / 2) + 1;
export class CifarQuick extends Module {
    constructor({ numClasses, inChannels, inputSize }) {
        super();
        const convBnRelu = (cin, cout) => [new Conv2d(cin, cout, 5, { padding: 2, bias: false }), new BatchNorm2d(cout), new ReLU()];
        this.addModule('features', new Sequential(...convBnRelu(inChannels, 32), new MaxPool2d({ kernelSize: 3, stride: 2 }), ...convBnRelu(32, 32), new AvgPool2d({ kernelSize: 3, stride: 2 }), ...convBnRelu(32, 64), new AvgPool2d({ kernelSize: 3, stride: 2 })));
        const side = pooled(pooled(pooled(inputSize)));
        if (side < 1)
            throw new RangeError(`cifar_quick: input ${inputSize}x${inputSize} is too small (needs >= 15)`);
        this.addModule('classifier', new Sequential(new Flatten(), new Linear(64 * side * side, 64), new ReLU(), new Linear(64, numClasses)));
    }
    forward(x) {
        return runInOrder([this.features, this.classifier], x);
    }
}
registerModel({
    name: 'cifar_quick', family: 'cifar_quick', description: 'Cifar-quick with BN (3 conv 5x5 + 2 FC)', inputSize: [3, 32, 32], defaultNumClasses: 10, classifier: 'classifier.3', firstConv: 'features.0',
    source: 'ACNet base_model/cfqk.py (cfqkbnc)', create: (o) => new CifarQuick(o),
});
//# sourceMappingURL=cifar_quick.js.map
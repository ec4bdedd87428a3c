import { runInOrder, Sequential } from '../nn/containers.js';
import { AdaptiveAvgPool2d, Conv2d, Dropout, Flatten, Linear, MaxPool2d, ReLU } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import { registerModel } from './registry.js';
export class AlexNet extends Module {
    flatten = new Flatten();
    constructor({ numClasses, inChannels }, dropout = 0.5) {
        super();
        this.addModule('features', new Sequential(new Conv2d(inChannels, 64, 11, { stride: 4, padding: 2 }), new ReLU(), new MaxPool2d({ kernelSize: 3, stride: 2 }), new Conv2d(64, 192, 5, { padding: 2 }), new ReLU(), new MaxPool2d({ kernelSize: 3, stride: 2 }), new Conv2d(192, 384, 3, { padding: 1 }), new ReLU(), new Conv2d(384, 256, 3, { padding: 1 }), new ReLU(), new Conv2d(256, 256, 3, { padding: 1 }), new ReLU(), new MaxPool2d({ kernelSize: 3, stride: 2 })));
        this.addModule('avgpool', new AdaptiveAvgPool2d(6));
        this.addModule('classifier', new Sequential(new Dropout(dropout), new Linear(256 * 6 * 6, 4096), new ReLU(), new Dropout(dropout), new Linear(4096, 4096), new ReLU(), new Linear(4096, numClasses)));
    }
    forward(x) {
        return runInOrder([this.features, this.avgpool, this.flatten, this.classifier], x);
    }
}
registerModel({
    name: 'alexnet', family: 'alexnet', description: 'AlexNet (torchvision)', inputSize: [3, 224, 224], defaultNumClasses: 1000,
    classifier: 'classifier.6', firstConv: 'features.0', source: 'torchvision.models.alexnet', create: (o) => new AlexNet(o),
});
//# sourceMappingURL=alexnet.js.map
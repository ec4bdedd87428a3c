import { runInOrder, Sequential } from '../nn/containers.js';
import { BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import { runStages } from './features.js';
import { registerModel } from './registry.js';
const VGG16_WIDTHS = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'];
export class VGG extends Module {
    /** The output of each max pooling. */
    featureInfo;
    headModules = ['classifier'];
    /** Indices in `features` of each stage's layers (looked up when run: converters replace modules in place). */
    stageLayers = [];
    constructor({ numClasses, inChannels, inputSize }, config = VGG16_WIDTHS) {
        super();
        const layers = [];
        const info = [];
        let channels = inChannels;
        let side = inputSize;
        let stageStart = 0;
        for (const item of config) {
            if (item === 'M') {
                layers.push(new MaxPool2d({ kernelSize: 2 }));
                side = Math.floor(side / 2);
                info.push({ module: `features.${layers.length - 1}`, channels, reduction: 2 ** (info.length + 1) });
                this.stageLayers.push(Array.from({ length: layers.length - stageStart }, (_, i) => stageStart + i));
                stageStart = layers.length;
            }
            else {
                layers.push(new Conv2d(channels, item, 3, { padding: 1, bias: false }), new BatchNorm2d(item), new ReLU());
                channels = item;
            }
        }
        if (side < 1)
            throw new RangeError(`vgg: input ${inputSize}x${inputSize} is too small for ${config.filter((c) => c === 'M').length} poolings (needs >= 32)`);
        this.addModule('features', new Sequential(...layers));
        this.featureInfo = info;
        this.addModule('classifier', new Sequential(new Flatten(), new Linear(channels * side * side, 512), new ReLU(), new Linear(512, numClasses)));
    }
    forward(x) {
        return runInOrder([this.features, this.classifier], x);
    }
    forwardIntermediates(x, last) {
        return runStages(this.stageLayers.map((indices) => indices.map((i) => this.features.getSubmodule(String(i)))), x, last);
    }
}
registerModel({
    name: 'vgg16_cifar', family: 'vgg', description: 'VGG-16 with BN for CIFAR (no dropout)', inputSize: [3, 32, 32], defaultNumClasses: 10, classifier: 'classifier.3', firstConv: 'features.0',
    source: 'ACNet base_model/vgg.py (vc)', create: (o) => new VGG(o),
});
//# sourceMappingURL=vgg.js.map
import { runInOrder, Sequential } from '../nn/containers.js';
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Flatten, Linear, ReLU } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import { registerModel } from './registry.js';
/** ACNet's builder.Conv2dBNReLU: a bias-free conv, BN, ReLU under the names conv, bn, relu. */
export function convBnRelu(inChannels, outChannels, kernelSize, options = {}) {
    return new Sequential(['conv', new Conv2d(inChannels, outChannels, kernelSize, { stride: options.stride ?? 1, padding: Math.floor(kernelSize / 2), groups: options.groups ?? 1, bias: false })], ['bn', new BatchNorm2d(outChannels)], ['relu', new ReLU()]);
}
export class MobileNetV1Block extends Module {
    constructor(inChannels, outChannels, stride) {
        super();
        this.addModule('depthwise', convBnRelu(inChannels, inChannels, 3, { stride, groups: inChannels }));
        this.addModule('pointwise', convBnRelu(inChannels, outChannels, 1));
    }
    forward(x) {
        return runInOrder([this.depthwise, this.pointwise], x);
    }
}
/** ACNet's MI1_ORIGIN_DEPS: the stem's width, then each block's depthwise and pointwise widths. */
const WIDTHS = [32, 32, 64, 64, 128, 128, 128, 128, 256, 256, 256, 256, 512, 512, 512, 512, 512, 512, 512, 512, 512, 512, 512, 512, 1024, 1024, 1024];
const STRIDED = new Set([1, 3, 5, 11]);
export class MobileNetV1 extends Module {
    pool = new AdaptiveAvgPool2d(1);
    flatten = new Flatten();
    constructor({ numClasses, inChannels }) {
        super();
        this.addModule('conv1', convBnRelu(inChannels, WIDTHS[0], 3, { stride: 2 }));
        const blocks = Array.from({ length: 13 }, (_, i) => new MobileNetV1Block(WIDTHS[2 * i + 1], WIDTHS[2 * i + 2], STRIDED.has(i) ? 2 : 1));
        this.addModule('stem', new Sequential(...blocks));
        this.addModule('linear', new Linear(WIDTHS.at(-1), numClasses));
    }
    forward(x) {
        return runInOrder([this.conv1, this.stem, this.pool, this.flatten, this.linear], x);
    }
}
registerModel({
    name: 'mobilenet_v1', family: 'mobilenet', description: "MobileNetV1 for ImageNet (ACNet's smi1; its depthwise 3x3s become ACBs with --acb)", inputSize: [3, 224, 224],
    defaultNumClasses: 1000, classifier: 'linear', firstConv: 'conv1.conv', source: 'ACNet base_model/mobilenetv1.py (MobileV1ImagenetNet, MI1_ORIGIN_DEPS)',
    create: (o) => new MobileNetV1(o),
});
//# sourceMappingURL=mobilenet.js.map
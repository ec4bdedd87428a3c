import { runInOrder, Sequential } from '../nn/containers.js';
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Dropout, Flatten, Linear, ReLU } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import { runStages } from './features.js';
import { registerModel } from './registry.js';
/** Pre-activation unit: BN -> ReLU -> conv (children bn, relu, conv). */
export function bnReluConv(inChannels, outChannels, kernel, stride) {
    return new Sequential(['bn', new BatchNorm2d(inChannels)], ['relu', new ReLU()], ['conv', new Conv2d(inChannels, outChannels, kernel, { stride, padding: (kernel - 1) / 2, bias: false })]);
}
export class WideBlock extends Module {
    constructor(inChannels, channels, stride, projection, dropRate = 0) {
        super();
        if (projection)
            this.addModule('proj', bnReluConv(inChannels, channels, 1, stride));
        this.addModule('conv1', bnReluConv(inChannels, channels, 3, stride));
        if (dropRate > 0)
            this.addModule('dropout', new Dropout(dropRate));
        this.addModule('conv2', bnReluConv(channels, channels, 3, 1));
    }
    forward(x) {
        const out = runInOrder(this.dropout ? [this.conv1, this.dropout, this.conv2] : [this.conv1, this.conv2], x);
        if (this.proj === undefined)
            return out.add_(x);
        const shortcut = this.proj.forward(x);
        out.add_(shortcut);
        shortcut.dispose();
        return out;
    }
}
export class WideResNet extends Module {
    /** The three stage outputs (strides 1/2/4), the last after the final BN. */
    featureInfo;
    headModules = ['linear'];
    pool = new AdaptiveAvgPool2d(1);
    flatten = new Flatten();
    constructor(depth, widen, { numClasses, inChannels }, dropRate = 0) {
        super();
        if ((depth - 4) % 6 !== 0)
            throw new RangeError(`WideResNet: depth must be 6n+4, got ${depth}`);
        const n = (depth - 4) / 6;
        this.addModule('conv1', new Conv2d(inChannels, 16, 3, { padding: 1, bias: false }));
        let c = 16;
        [16, 32, 64].forEach((base, i) => {
            const width = base * widen;
            const stage = new Sequential();
            for (let b = 0; b < n; b++) {
                stage.addModule(`block${b + 1}`, new WideBlock(b === 0 ? c : width, width, b === 0 && i > 0 ? 2 : 1, b === 0, dropRate));
            }
            this.addModule(`stage${i + 1}`, stage);
            c = width;
        });
        this.featureInfo = [1, 2, 3].map((i) => ({ module: i < 3 ? `stage${i}` : 'last_bn', channels: 16 * 2 ** (i - 1) * widen, reduction: 2 ** (i - 1) }));
        this.addModule('last_bn', new BatchNorm2d(c));
        this.addModule('linear', new Linear(c, numClasses));
    }
    forward(x) {
        return runInOrder([this.conv1, this.stage1, this.stage2, this.stage3, this.last_bn, this.pool, this.flatten, this.linear], x);
    }
    forwardIntermediates(x, last) {
        return runStages([[this.conv1, this.stage1], [this.stage2], [this.stage3, this.last_bn]], x, last);
    }
}
registerModel({
    name: 'wrn16_8_drop', family: 'wrn', description: 'Wide ResNet 16-8 for CIFAR with dropout 0.3 between the block convs (ACNet wrnc16drop, keep 0.7)',
    inputSize: [3, 32, 32], defaultNumClasses: 10, classifier: 'linear', firstConv: 'conv1', source: 'ACNet base_model/wrn.py (wrnc16drop)',
    create: (o) => new WideResNet(16, 8, o, 0.3),
});
registerModel({
    name: 'wrn16_8', family: 'wrn', description: 'Wide ResNet 16-8 for CIFAR (pre-activation, no dropout)', inputSize: [3, 32, 32],
    defaultNumClasses: 10, classifier: 'linear', firstConv: 'conv1', source: 'ACNet base_model/wrn.py (wrnc16plain)', create: (o) => new WideResNet(16, 8, o),
});
registerModel({
    name: 'wrn', family: 'wrn', description: 'Wide ResNet for CIFAR of any depth (6n+4) and widening factor (default: WRN-16-8)', inputSize: [3, 32, 32],
    defaultNumClasses: 10, classifier: 'linear', firstConv: 'conv1', source: 'ACNet base_model/wrn.py (WRNCifarNet); Zagoruyko & Komodakis 2016',
    args: {
        defaults: { depth: 16, widen: 8, dropout: 0 },
        help: { depth: 'layers, 6n+4 (n blocks per stage)', widen: 'widening factor k (stage widths 16k, 32k, 64k)', dropout: 'dropout between the two convs of a block (wrnc16drop: 0.3)' },
    },
    create: (o) => new WideResNet(o.args.depth, o.args.widen, o, o.args.dropout),
});
//# sourceMappingURL=wrn.js.map
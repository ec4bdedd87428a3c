// torchvision's DenseNet-121/169 (the baselines of HCGNet's FGSM table): a 7x7 stem with max pooling, four dense
// blocks of BN-ReLU-1x1-BN-ReLU-3x3 layers (growth 32, bottleneck 4·32), transitions that halve the channels and
// pool, a final BN. State-dict names are torchvision's (features.conv0, features.denseblock1.denselayer1.norm1,
// features.transition1.conv, features.norm5, classifier), unlike the CondenseNet-layout DenseNet of densenet.ts.
import { DenseBlock } from '../blocks/dense.js';
import * as F from '../engine/functional.js';
import { cat } from '../engine/tensor.js';
import { runInOrder, Sequential } from '../nn/containers.js';
import { constant_, kaimingNormal_ } from '../nn/init.js';
import { AvgPool2d, BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import { runStages } from './features.js';
import { registerModel } from './registry.js';
/** torchvision's _DenseLayer: norm1, relu1, conv1 (1x1 to bnSize·growth), norm2, relu2, conv2 (3x3 to growth). */
export class TorchvisionDenseLayer extends Module {
    growth;
    constructor(inChannels, growth, bnSize) {
        super();
        this.growth = growth;
        const width = bnSize * growth;
        for (const [name, m] of [
            ['norm1', new BatchNorm2d(inChannels)], ['relu1', new ReLU()], ['conv1', new Conv2d(inChannels, width, 1, { bias: false })],
            ['norm2', new BatchNorm2d(width)], ['relu2', new ReLU()], ['conv2', new Conv2d(width, growth, 3, { padding: 1, bias: false })],
        ])
            this.addModule(name, m);
    }
    newFeatures(x) {
        return runInOrder(this.namedChildren().map(([, m]) => m), x);
    }
    forward(x) {
        const y = this.newFeatures(x);
        const out = cat([x, y], 1);
        y.dispose();
        return out;
    }
}
export class TorchvisionDenseNet extends Module {
    /** Each dense block's output (the last one after norm5 and the final ReLU of the forward). */
    featureInfo;
    headModules = ['classifier'];
    stageNames = [];
    relu = new ReLU();
    flatten = new Flatten();
    constructor(blocks, { numClasses, inChannels }, growth = 32, initFeatures = 64, bnSize = 4) {
        super();
        const features = new Sequential();
        for (const [name, m] of [
            ['conv0', new Conv2d(inChannels, initFeatures, 7, { stride: 2, padding: 3, bias: false })], ['norm0', new BatchNorm2d(initFeatures)],
            ['relu0', new ReLU()], ['pool0', new MaxPool2d({ kernelSize: 3, stride: 2, padding: 1 })],
        ])
            features.addModule(name, m);
        const info = [];
        let c = initFeatures;
        let stage = ['conv0', 'norm0', 'relu0', 'pool0'];
        blocks.forEach((layers, i) => {
            const block = new DenseBlock();
            for (let l = 0; l < layers; l++)
                block.addModule(`denselayer${l + 1}`, new TorchvisionDenseLayer(c + l * growth, growth, bnSize));
            features.addModule(`denseblock${i + 1}`, block);
            stage.push(`denseblock${i + 1}`);
            c += layers * growth;
            info.push({ module: `features.denseblock${i + 1}`, channels: c, reduction: 4 * 2 ** i });
            if (i < blocks.length - 1) {
                this.stageNames.push(stage);
                const transition = new Sequential();
                for (const [name, m] of [['norm', new BatchNorm2d(c)], ['relu', new ReLU()], ['conv', new Conv2d(c, Math.floor(c / 2), 1, { bias: false })], ['pool', new AvgPool2d({ kernelSize: 2, stride: 2 })]]) {
                    transition.addModule(name, m);
                }
                features.addModule(`transition${i + 1}`, transition);
                stage = [`transition${i + 1}`];
                c = Math.floor(c / 2);
            }
        });
        features.addModule('norm5', new BatchNorm2d(c));
        this.stageNames.push([...stage, 'norm5']);
        info[info.length - 1].module = 'features.norm5';
        this.featureInfo = info;
        this.addModule('features', features);
        this.addModule('classifier', new Linear(c, numClasses));
        // torchvision's init: Kaiming-normal convs, BN 1/0, linear bias 0.
        this.apply((m) => {
            if (m instanceof Conv2d)
                kaimingNormal_(m.weight);
            else if (m instanceof BatchNorm2d) {
                constant_(m.weight, 1);
                constant_(m.bias, 0);
            }
            else if (m instanceof Linear && m.bias)
                constant_(m.bias, 0);
        });
    }
    forward(x) {
        const features = this.features.forward(x);
        const activated = this.relu.forward(features);
        const pooled = F.adaptiveAvgPool2d(activated, 1);
        const out = runInOrder([this.flatten, this.classifier], pooled);
        for (const t of [features, activated, pooled])
            t.dispose();
        return out;
    }
    forwardIntermediates(x, last) {
        return runStages(this.stageNames.map((names) => names.map((name) => this.features.getSubmodule(name))), x, last);
    }
}
const densenets = [['densenet121', [6, 12, 24, 16]], ['densenet169', [6, 12, 32, 32]]];
for (const [name, blocks] of densenets) {
    registerModel({
        name, family: 'densenet_torchvision', description: `DenseNet-${name.slice(8)} (torchvision; growth 32, blocks ${blocks.join('-')})`, inputSize: [3, 224, 224],
        defaultNumClasses: 1000, classifier: 'classifier', firstConv: 'features.conv0', source: 'torchvision.models.densenet',
        create: (o) => new TorchvisionDenseNet(blocks, o),
    });
}
//# sourceMappingURL=densenet_torchvision.js.map
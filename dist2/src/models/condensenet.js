// CondenseNet (Huang, Liu, van der Maaten, Weinberger, CVPR 2018; ShichenLiu/CondenseNet): DenseNet
// with learned group convolutions as its 1x1 convs, full dense connectivity (transitions only pool)
// and a growth rate that doubles per block. CondenseNet-light (densenet_LGC.py) keeps DenseNet-BC's
// compressing transitions, with learned group convs there too. Every model takes the official
// main.py hyper-parameters as args (stages, growth, bottleneck, group1x1, group3x3, condenseFactor,
// dropoutRate, stemStride), so any configuration of the official code can be built and loaded.
import { DENSENET_ARG_HELP, DenseNet, denseNetConfig } from './densenet.js';
import { registerModel } from './registry.js';
const SOURCE = 'ShichenLiu/CondenseNet models/condensenet.py';
const cifar = { bottleneck: 4, reduction: 0, group1x1: 4, group3x3: 4, condenseFactor: 4, dropoutRate: 0, stemStride: 1, growth: [8, 16, 32] };
const CIFAR_DEPTHS = { 50: 8, 74: 12, 86: 14, 98: 16, 110: 18, 122: 20 };
for (const [depth, n] of Object.entries(CIFAR_DEPTHS)) {
    registerModel({
        name: `condensenet${depth}`, family: 'condensenet', description: `CondenseNet-${depth} (C=G=4, growth 8-16-32) for CIFAR`,
        inputSize: [3, 32, 32], defaultNumClasses: 10, classifier: 'classifier', firstConv: 'features.init_conv', source: `${SOURCE} (--stages ${n}-${n}-${n} --growth 8-16-32)`, flopsConvention: 'condensenet',
        args: { defaults: { ...cifar, stages: [n, n, n] }, help: DENSENET_ARG_HELP },
        create: (o) => new DenseNet(denseNetConfig(o.args), o),
    });
}
registerModel({
    name: 'condensenet', family: 'condensenet', description: 'CondenseNet, any configuration of the official flags (default: CondenseNet-86 for CIFAR)',
    inputSize: [3, 32, 32], defaultNumClasses: 10, classifier: 'classifier', firstConv: 'features.init_conv', source: SOURCE, flopsConvention: 'condensenet',
    args: { defaults: { ...cifar, stages: [14, 14, 14] }, help: DENSENET_ARG_HELP },
    create: (o) => new DenseNet(denseNetConfig(o.args), o),
});
registerModel({
    name: 'condensenet182', family: 'condensenet', description: 'CondenseNet-182* (C=G=4, growth 12-24-48) for CIFAR; the paper trains it 600 epochs with dropout',
    inputSize: [3, 32, 32], defaultNumClasses: 10, classifier: 'classifier', firstConv: 'features.init_conv', source: `${SOURCE} (--stages 30-30-30 --growth 12-24-48)`, flopsConvention: 'condensenet',
    args: { defaults: { ...cifar, stages: [30, 30, 30], growth: [12, 24, 48] }, help: DENSENET_ARG_HELP },
    create: (o) => new DenseNet(denseNetConfig(o.args), o),
});
for (const cg of [4, 8]) {
    registerModel({
        name: `condensenet74_c${cg}g${cg}`, family: 'condensenet', description: `CondenseNet-74 (C=G=${cg}) for ImageNet`,
        inputSize: [3, 224, 224], defaultNumClasses: 1000, classifier: 'classifier', firstConv: 'features.init_conv', flopsConvention: 'condensenet',
        source: `${SOURCE} (--stages 4-6-8-10-8 --growth 8-16-32-64-128 --group-1x1 ${cg} --group-3x3 ${cg} --condense-factor ${cg})`,
        args: { defaults: { ...cifar, stages: [4, 6, 8, 10, 8], growth: [8, 16, 32, 64, 128], group1x1: cg, group3x3: cg, condenseFactor: cg, stemStride: 2 }, help: DENSENET_ARG_HELP },
        create: (o) => new DenseNet(denseNetConfig(o.args), o),
    });
}
registerModel({
    name: 'condensenet_light', family: 'condensenet',
    description: 'CondenseNet-light: DenseNet-BC with learned group convs, also in the transitions (default: the DenseNet-BC-100 k=12 shape, C=G=4)',
    inputSize: [3, 32, 32], defaultNumClasses: 10, classifier: 'classifier', firstConv: 'features.init_conv', source: 'ShichenLiu/CondenseNet models/densenet_LGC.py', flopsConvention: 'condensenet',
    args: { defaults: { ...cifar, stages: [16, 16, 16], growth: [12, 12, 12], reduction: 0.5 }, help: DENSENET_ARG_HELP },
    create: (o) => new DenseNet(denseNetConfig(o.args), o),
});
//# sourceMappingURL=condensenet.js.map
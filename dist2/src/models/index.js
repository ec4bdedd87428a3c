// leanconv.models: the registry and every built-in model family (importing a family registers it).
import './cifar_quick.js';
import './vgg.js';
import './resnet.js';
import './wrn.js';
import './densenet.js';
import './condensenet.js';
import './hcgnet.js';
import './g_resnext.js';
import './alexnet.js';
import './mobilenet.js';
import './lenet.js';
import './densenet_torchvision.js';
export { createModel, defaultEvalPreprocessing, getModelSpec, listModels, parseModelArgs, registerModel, resolveModelOptions, } from './registry.js';
export { CifarQuick } from './cifar_quick.js';
export { VGG } from './vgg.js';
export { basicBlock, BasicBlock, Bottleneck, bottleneckBlock, CifarResNet, makeStage, ResNet } from './resnet.js';
export { cifarResNeXt, GBottleneck, gBottleneckBlock } from './g_resnext.js';
export { WideBlock, WideResNet } from './wrn.js';
export { DenseLayer, DenseNet, denseNetConfig, makeDivisible, Transition } from './densenet.js';
export { HCGNet } from './hcgnet.js';
export { AlexNet } from './alexnet.js';
export { MobileNetV1, MobileNetV1Block } from './mobilenet.js';
export { LeNet5BN } from './lenet.js';
export { TorchvisionDenseLayer, TorchvisionDenseNet } from './densenet_torchvision.js';
export { FeatureExtractor, featureBackbone, HookedFeatures, isStagedModel, runStages, StageFeatures } from './features.js';
export { adaptInputConvWeight, classifierOf, firstConvOf, resetClassifier } from './heads.js';
//# sourceMappingURL=index.js.map
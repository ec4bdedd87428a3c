// leanconv.models: the registry and the baseline model families (importing a family registers it); the papers' models
// are in src/papers/<paper>/models.ts, registered when the papers load.
import './cifar_quick.js';
import './vgg.js';
import './resnet.js';
import './wrn.js';
import './alexnet.js';
import './mobilenet.js';
import './lenet.js';
import './densenet_torchvision.js';

export {
  createModel, defaultEvalPreprocessing, getModelSpec, listModels, parseModelArgs, registerModel, resolveModelOptions,
  type ModelArgs, type ModelArgValue, type ModelOptions, type ModelSpec, type ResolvedModelOptions,
} from './registry.js';
export { CifarQuick } from './cifar_quick.js';
export { VGG } from './vgg.js';
export { basicBlock, BasicBlock, Bottleneck, bottleneckBlock, CifarResNet, makeStage, ResNet, type BlockType, type BottleneckOptions } from './resnet.js';
export { WideBlock, WideResNet } from './wrn.js';
export { AlexNet } from './alexnet.js';
export { MobileNetV1, MobileNetV1Block } from './mobilenet.js';
export { LeNet5BN } from './lenet.js';
export { TorchvisionDenseLayer, TorchvisionDenseNet } from './densenet_torchvision.js';
export { FeatureExtractor, featureBackbone, HookedFeatures, isStagedModel, runStages, StageFeatures, type FeatureInfo, type StagedModel } from './features.js';
export { adaptInputConvWeight, classifierOf, firstConvOf, resetClassifier } from './heads.js';

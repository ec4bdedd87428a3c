// leanconv.nn: modules, layers and initialisers.
export { isMultiOutput, Module, moduleOutputs, StateDictError, type MultiOutput, type StateDict } from './module.js';
export {
  AdaptiveAvgPool2d, AvgPool2d, BatchNorm1d, BatchNorm2d, Conv2d, Dropout, Flatten, GELU, Hardswish, Identity, LeakyReLU, Linear,
  MaxPool2d, ReLU, ReLU6, SiLU, Sigmoid, Tanh, type BatchNormOptions, type Conv2dOptions,
} from './layers.js';
export { ModuleList, Sequential, runInOrder } from './containers.js';
export * as init from './init.js';
export {
  broadcastProgress, isProgressAware, isRegularized, regularizerNames, regularizerTerm, trainingProgress,
  type ProgressAware, type Regularized, type TrainingProgress,
} from './training.js';

// leanconv.nn: modules, layers and initialisers.
export {
  isMultiOutput, Module, moduleOutputs, preferredMemoryFormat, StateDictError, type MemoryFormatChoice, type MultiOutput, type StateDict,
} from './module.js';
export {
  AdaptiveAvgPool2d, AvgPool2d, BatchNorm, BatchNorm1d, BatchNorm2d, Conv2d, GroupNorm, Dropout, Flatten, GELU, Hardswish, Identity, LeakyReLU, Linear,
  MaxPool2d, ReLU, ReLU6, SiLU, Sigmoid, Tanh, type BatchNormOptions, type Conv2dOptions,
} from './layers.js';
export { ModuleList, Sequential, runInOrder } from './containers.js';
export { SyncBatchNorm1d, SyncBatchNorm2d, convertSyncBatchNorm } from './sync_batchnorm.js';
export { EvalCache } from './eval-cache.js';
export { foldBatchNorm, foldsForInference, isWatched, preActivatedConv, runFoldedConv, withoutEvalFusion, type FoldedConvOptions } from './fusion.js';
export { convMacs, registerMacCounter, type MacCounter } from './macs.js';
export { hasLearnedStructure, learnedStructureOf, restoreLearnedStructure, type LearnedStructure, type LegacyFormField } from './structure.js';
export * as init from './init.js';
export {
  broadcastProgress, gateParameterNames, isProgressAware, isRegularized, isStructureReporting, learnedStructures, regularizerBound,
  regularizerNames, regularizerTerm, trainingProgress, type Gated, type ProgressAware, type Regularized, type StructureReporting, type TrainingProgress,
} from './training.js';

// leanconv.nn: modules, layers and initialisers.
export { isMultiOutput, Module, moduleOutputs, preferredMemoryFormat, StateDictError, } from './module.js';
export { AdaptiveAvgPool2d, AvgPool2d, BatchNorm, BatchNorm1d, BatchNorm2d, Conv2d, GroupNorm, Dropout, Flatten, GELU, Hardswish, Identity, LeakyReLU, Linear, MaxPool2d, ReLU, ReLU6, SiLU, Sigmoid, Tanh, } from './layers.js';
export { ModuleList, Sequential, runInOrder } from './containers.js';
export { SyncBatchNorm1d, SyncBatchNorm2d, convertSyncBatchNorm } from './sync_batchnorm.js';
export { EvalCache } from './eval-cache.js';
export { foldBatchNorm, foldsForInference, isWatched, preActivatedConv, runFoldedConv, withoutEvalFusion } from './fusion.js';
export { convMacs, registerMacCounter } from './macs.js';
export { hasLearnedStructure, learnedStructureOf, restoreLearnedStructure } from './structure.js';
export * as init from './init.js';
export { broadcastProgress, gateParameterNames, isProgressAware, isRegularized, isStructureReporting, learnedStructures, regularizerBound, regularizerNames, regularizerTerm, trainingProgress, } from './training.js';
//# sourceMappingURL=index.js.map
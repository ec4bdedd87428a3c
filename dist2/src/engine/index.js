export { DTYPES, ITEM_SIZE, isFloating } from './dtype.js';
export { Tensor, arange, cat, empty, eye, fromBytes, fromTypedArray, full, fullLike, linspace, ones, onesLike, rand, randint, randLike, randn, randnLike, randperm, scalar, stack, tensor, where, zeros, zerosLike, } from './tensor.js';
export { keep, scopeDepth, tidy, unkeep } from './scope.js';
export { enableGrad, isGradEnabled, noGrad } from './autograd.js';
export * as F from './functional.js';
export { SGD } from './optim.js';
export { SafetensorsError, deserializeSafetensors, loadSafetensors, parseHeader, readHeader, saveSafetensors, serializeSafetensors, } from './safetensors.js';
export { allocatorStats, buildInfo, cudaIsAvailable, deviceProblem, emptyCache, startAllocatorPhase, defaultNumThreads, getNumThreads, getRngState, manualSeed, memoryStats, nativeKernel, nativeKernelRuns, setNumThreads, setRngState, } from './runtime.js';
export { gradcheck } from './gradcheck.js';
export { DistributedError, GradientReducer, allGather, allReduce, allReduceNumbers, allReduceSum, barrier, broadcast, destroyProcessGroup, initProcessGroup, processGroup, processGroupFromEnv, } from './distributed.js';
//# sourceMappingURL=index.js.map
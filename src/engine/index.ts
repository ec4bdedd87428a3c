// leanconv's compute engine: a typed, PyTorch-like tensor library over libtorch.
export type { DType, FloatDType, TypedArrayFor } from './dtype.js';
export { DTYPES, ITEM_SIZE, isFloating } from './dtype.js';
export {
  Tensor, type BackwardOptions, type CreateOptions, type Device, type MemoryFormat, type NestedArray, type Shape,
  arange, cat, empty, eye, fromBytes, fromTypedArray, full, fullLike, linspace, ones, onesLike, rand, randint, randLike, randn,
  randnLike, randperm, scalar, stack, tensor, where, zeros, zerosLike,
} from './tensor.js';
export { keep, scopeDepth, tidy, unkeep, type Disposable } from './scope.js';
export { enableGrad, isGradEnabled, noGrad } from './autograd.js';
export * as F from './functional.js';
export { SGD, type OptimizerState, type ParamGroup, type ParamGroupSpec, type SGDHyperParams } from './optim.js';
export {
  SafetensorsError, deserializeSafetensors, loadSafetensors, parseHeader, readHeader, saveSafetensors, serializeSafetensors,
  type LoadedSafetensors, type SafetensorsHeader, type TensorInfo,
} from './safetensors.js';
export {
  allocatorStats, buildInfo, cudaIsAvailable, deviceProblem, emptyCache, startAllocatorPhase, defaultNumThreads, getNumThreads, getRngState, manualSeed, memoryStats, nativeKernel, nativeKernelRuns, nativeKernels, NATIVE_KERNELS, setNumThreads, setRngState,
  type AllocatorStats, type BuildInfo, type MemoryStats, type NativeKernel,
} from './runtime.js';
export { gradcheck, type GradcheckOptions, type GradcheckResult } from './gradcheck.js';
export {
  DistributedError, GradientReducer, allGather, allReduce, allReduceNumbers, allReduceSum, barrier, broadcast, destroyProcessGroup,
  initProcessGroup, processGroup, processGroupFromEnv, type ProcessGroupOptions, type ReduceOp,
} from './distributed.js';

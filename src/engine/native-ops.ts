// The native addon's functions, declared once: the kind of each positional argument and of the result. The addon's
// type (NativeAddon, native.ts) is derived from this table, so every call in the TypeScript wrappers (tensor.ts,
// functional.ts, deploy/graph.ts, ...) is checked against it by the compiler; test/native-boundary.test.ts checks the
// table against the C++ sources (the argument accessors each function's body calls, scripts/native-ops/parse.ts)
// and against the built addon's exports. Adding an op: write it in native/src, then its line here (print a start
// with `node dist/scripts/native-ops/generate.js`).
//
// Kinds: tensor (a handle), tensors (an array of handles), int, ints (integers, or one), float, scalar (a number
// that stays integral when it is one), number, bool (missing: false), string, dtype (a dtype code), device ('cpu', 'cuda:0'; missing: cpu),
// function, array, object, bytes (a typed array or DataView). 'a|b' takes either; a trailing '?' accepts null or
// undefined, and trailing optional arguments may be left out.

/** An opaque reference to one native at::Tensor (a napi external). */
export type NativeHandle = { readonly __nativeTensorHandle: unique symbol };

interface KindTypes {
  tensor: NativeHandle;
  tensors: readonly NativeHandle[];
  int: number;
  ints: number | readonly number[];
  float: number;
  scalar: number | boolean;
  number: number | bigint;
  bool: boolean;
  string: string;
  dtype: number;
  device: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  function: (...args: any[]) => unknown;
  array: readonly unknown[];
  object: Record<string, unknown>;
  bytes: ArrayBufferView;
}
type BaseKind = keyof KindTypes;
/** A declared argument kind: one kind or two alternatives, with a trailing '?' when null or undefined is accepted. */
type ArgKind = `${BaseKind}` | `${BaseKind}|${BaseKind}` | `${BaseKind}?` | `${BaseKind}|${BaseKind}?`;
type Union<S extends string> = S extends `${infer A}|${infer B}` ? A | Union<B> : S;
type Nullable<K extends string> = K extends `${string}?` ? true : false;
type Base<K extends string> = K extends `${infer B}?` ? B : K;
type ArgType<K extends string> = Union<Base<K>> extends infer U extends BaseKind ? KindTypes[U] : never;
type AllNullable<A extends readonly string[]> = A extends readonly [infer H extends string, ...infer R extends readonly string[]]
  ? (Nullable<H> extends true ? AllNullable<R> : false)
  : true;
type Params<A extends readonly string[]> = A extends readonly [infer H extends string, ...infer R extends readonly string[]]
  ? AllNullable<A> extends true
    ? [arg?: ArgType<H> | null, ...Params<R>]
    : [arg: ArgType<H> | (Nullable<H> extends true ? null | undefined : never), ...Params<R>]
  : [];

/** What an op returns: a handle, handles, nothing, a handle or nothing, or a value typed by hand. */
type ReturnKind = 'tensor' | 'tensors' | 'void' | 'tensor?' | Returns<unknown>;
declare const returnedType: unique symbol;
interface Returns<T> {
  readonly kind: 'value';
  readonly [returnedType]?: T;
}
type ReturnOf<R> = R extends 'tensor' ? NativeHandle
  : R extends 'tensors' ? NativeHandle[]
  : R extends 'void' ? void
  : R extends 'tensor?' ? NativeHandle | undefined
  : R extends Returns<infer T> ? T
  : never;

export interface NativeOp<A extends readonly string[] = readonly string[], R extends ReturnKind = ReturnKind> {
  readonly args: A;
  readonly returns: R;
}

function op<const A extends readonly ArgKind[], R extends ReturnKind>(args: A, returns: R): NativeOp<A, R> {
  return { args, returns };
}
function returns<T>(): Returns<T> {
  return { kind: 'value' };
}

export const NATIVE_OPS = {
  setNumThreads: op(['int'], 'void'),
  getNumThreads: op([], returns<number>()),
  manualSeed: op(['int|number'], 'void'),
  getRngState: op([], 'tensor'),
  setRngState: op(['tensor'], 'void'),
  isGradEnabled: op([], returns<boolean>()),
  setGradEnabled: op(['bool?'], 'void'),
  buildInfo: op([], returns<{ torchVersion: string; config: string; parallelInfo: string; mkldnn: boolean; cuda: boolean; cudnn: boolean; cudaDevices: number; gloo: boolean; threads: number }>()),
  allocatorStats: op([], returns<{ inUseBytes: number; cachedBytes: number; cacheLimitBytes: number; peakInUseBytes: number; mappedBlocks: number; unmappedBlocks: number }>()),
  emptyCache: op([], 'void'),
  startAllocatorPhase: op([], 'void'),
  startOpProfile: op(['string'], 'void'),
  stopOpProfile: op([], 'void'),
  backward: op(['tensor', 'tensor?', 'bool?', 'bool?'], 'void'),
  grad: op(['tensor'], 'tensor?'),
  setGrad: op(['tensor', 'tensor?'], 'void'),
  requiresGrad: op(['tensor'], returns<boolean>()),
  setRequiresGrad: op(['tensor', 'bool?'], 'void'),
  isLeaf: op(['tensor'], returns<boolean>()),
  retainGrad: op(['tensor'], 'void'),
  gradFnName: op(['tensor'], returns<string | undefined>()),
  zeros: op(['ints', 'dtype?', 'device?', 'bool?'], 'tensor'),
  ones: op(['ints', 'dtype?', 'device?', 'bool?'], 'tensor'),
  empty: op(['ints', 'dtype?', 'device?', 'bool?'], 'tensor'),
  rand: op(['ints', 'dtype?', 'device?', 'bool?'], 'tensor'),
  randn: op(['ints', 'dtype?', 'device?', 'bool?'], 'tensor'),
  full: op(['ints', 'scalar', 'dtype?', 'device?', 'bool?'], 'tensor'),
  randint: op(['int', 'int', 'ints', 'dtype?', 'device?', 'bool?'], 'tensor'),
  randperm: op(['int', 'dtype?', 'device?', 'bool?'], 'tensor'),
  eye: op(['int', 'dtype?', 'device?', 'bool?'], 'tensor'),
  arange: op(['scalar', 'scalar', 'scalar', 'dtype?', 'device?', 'bool?'], 'tensor'),
  linspace: op(['scalar', 'scalar', 'int', 'dtype?', 'device?', 'bool?'], 'tensor'),
  zerosLike: op(['tensor', 'dtype?'], 'tensor'),
  onesLike: op(['tensor', 'dtype?'], 'tensor'),
  randLike: op(['tensor'], 'tensor'),
  randnLike: op(['tensor'], 'tensor'),
  fullLike: op(['tensor', 'scalar'], 'tensor'),
  uniform_: op(['tensor', 'float', 'float'], 'void'),
  normal_: op(['tensor', 'float', 'float'], 'void'),
  bernoulli_: op(['tensor', 'float'], 'void'),
  initProcessGroup: op(['int', 'int', 'string', 'int', 'int', 'string'], 'void'),
  destroyProcessGroup: op([], 'void'),
  processGroupInfo: op([], returns<{ rank: number; worldSize: number } | undefined>()),
  allReduce: op(['tensors', 'string'], 'void'),
  broadcast: op(['tensors', 'int'], 'void'),
  allGather: op(['tensor'], 'tensors'),
  barrier: op([], 'void'),
  allReduceSumDifferentiable: op(['tensor'], 'tensor'),
  createGradientReducer: op(['tensors', 'int', 'int'], returns<{ id: number; buckets: number }>()),
  armGradientReducer: op(['int'], 'void'),
  destroyGradientReducer: op(['int'], 'void'),
  dispose: op(['tensor'], 'void'),
  isDisposed: op(['tensor'], returns<boolean>()),
  meta: op(['tensor'], returns<[shape: number[], dtypeCode: number, device: string]>()),
  strides: op(['tensor'], returns<number[]>()),
  isContiguous: op(['tensor'], returns<boolean>()),
  item: op(['tensor'], returns<number | boolean>()),
  toBytes: op(['tensor'], returns<ArrayBuffer>()),
  fromBytes: op(['bytes', 'dtype', 'ints', 'device?'], 'tensor'),
  format: op(['tensor'], returns<string>()),
  liveTensors: op([], returns<number>()),
  version: op(['tensor'], returns<number>()),
  collectedTensors: op([], returns<number>()),
  nativeBytes: op([], returns<number>()),
  reportedExternalBytes: op([], returns<number>()),
  add: op(['tensor', 'tensor|scalar', 'scalar?'], 'tensor'),
  sub: op(['tensor', 'tensor|scalar', 'scalar?'], 'tensor'),
  add_: op(['tensor', 'tensor|scalar', 'scalar?'], 'void'),
  sub_: op(['tensor', 'tensor|scalar', 'scalar?'], 'void'),
  mul: op(['tensor', 'tensor|scalar'], 'tensor'),
  mul_: op(['tensor', 'tensor|scalar'], 'void'),
  div: op(['tensor', 'tensor|scalar', 'string?'], 'tensor'),
  div_: op(['tensor', 'tensor|scalar'], 'void'),
  remainder: op(['tensor', 'tensor|scalar'], 'tensor'),
  pow: op(['tensor', 'tensor|scalar'], 'tensor'),
  eq: op(['tensor', 'tensor|scalar'], 'tensor'),
  ne: op(['tensor', 'tensor|scalar'], 'tensor'),
  lt: op(['tensor', 'tensor|scalar'], 'tensor'),
  le: op(['tensor', 'tensor|scalar'], 'tensor'),
  gt: op(['tensor', 'tensor|scalar'], 'tensor'),
  ge: op(['tensor', 'tensor|scalar'], 'tensor'),
  maximum: op(['tensor', 'tensor'], 'tensor'),
  minimum: op(['tensor', 'tensor'], 'tensor'),
  addcmul_: op(['tensor', 'tensor', 'tensor', 'scalar'], 'void'),
  addcdiv_: op(['tensor', 'tensor', 'tensor', 'scalar'], 'void'),
  neg: op(['tensor'], 'tensor'),
  abs: op(['tensor'], 'tensor'),
  sign: op(['tensor'], 'tensor'),
  exp: op(['tensor'], 'tensor'),
  log: op(['tensor'], 'tensor'),
  sqrt: op(['tensor'], 'tensor'),
  rsqrt: op(['tensor'], 'tensor'),
  square: op(['tensor'], 'tensor'),
  reciprocal: op(['tensor'], 'tensor'),
  floor: op(['tensor'], 'tensor'),
  ceil: op(['tensor'], 'tensor'),
  round: op(['tensor'], 'tensor'),
  sin: op(['tensor'], 'tensor'),
  cos: op(['tensor'], 'tensor'),
  isnan: op(['tensor'], 'tensor'),
  isfinite: op(['tensor'], 'tensor'),
  logicalNot: op(['tensor'], 'tensor'),
  logicalAnd: op(['tensor', 'tensor'], 'tensor'),
  logicalOr: op(['tensor', 'tensor'], 'tensor'),
  clamp: op(['tensor', 'scalar?', 'scalar?'], 'tensor'),
  clamp_: op(['tensor', 'scalar?', 'scalar?'], 'void'),
  matmul: op(['tensor', 'tensor'], 'tensor'),
  kron: op(['tensor', 'tensor'], 'tensor'),
  outer: op(['tensor', 'tensor'], 'tensor'),
  sum: op(['tensor', 'ints?', 'bool?', 'dtype?'], 'tensor'),
  mean: op(['tensor', 'ints?', 'bool?'], 'tensor'),
  prod: op(['tensor', 'int?', 'bool?'], 'tensor'),
  var: op(['tensor', 'ints?', 'bool?', 'int'], 'tensor'),
  std: op(['tensor', 'ints?', 'bool?', 'int'], 'tensor'),
  max: op(['tensor', 'int?', 'bool?'], returns<NativeHandle | NativeHandle[]>()),
  min: op(['tensor', 'int?', 'bool?'], returns<NativeHandle | NativeHandle[]>()),
  argmax: op(['tensor', 'int?', 'bool?'], 'tensor'),
  argmin: op(['tensor', 'int?', 'bool?'], 'tensor'),
  norm: op(['tensor', 'scalar', 'ints?', 'bool?'], 'tensor'),
  topk: op(['tensor', 'int', 'int', 'bool?', 'bool?'], 'tensors'),
  sort: op(['tensor', 'int', 'bool?'], 'tensors'),
  cumsum: op(['tensor', 'int'], 'tensor'),
  logsumexp: op(['tensor', 'ints', 'bool?'], 'tensor'),
  all: op(['tensor'], 'tensor'),
  any: op(['tensor'], 'tensor'),
  equal: op(['tensor', 'tensor'], returns<boolean>()),
  allclose: op(['tensor', 'tensor', 'float', 'float'], returns<boolean>()),
  conv2d: op(['tensor', 'tensor', 'tensor?', 'ints', 'ints', 'ints', 'int', 'tensor?', 'bool?'], 'tensor'),
  affineReluConv2d: op(['tensor', 'tensor', 'tensor', 'tensor', 'tensor?', 'ints', 'ints', 'ints', 'int', 'tensor?'], 'tensor'),
  attentionPool2d: op(['tensor', 'tensor', 'tensor?'], 'tensor'),
  linear: op(['tensor', 'tensor', 'tensor?'], 'tensor'),
  batchNorm: op(['tensor', 'tensor?', 'tensor?', 'tensor?', 'tensor?', 'bool?', 'float', 'float', 'bool?'], 'tensor'),
  groupNorm: op(['tensor', 'int', 'tensor?', 'tensor?', 'float'], 'tensor'),
  nativeKernel: op(['string', 'bool?'], returns<boolean>()),
  nativeKernelRuns: op(['string'], returns<number>()),
  nativeKernels: op([], returns<{ name: string; environmentVariable: string; enabled: boolean; runs: number }[]>()),
  maxPool2d: op(['tensor', 'ints', 'ints', 'ints', 'ints', 'bool?'], 'tensor'),
  avgPool2d: op(['tensor', 'ints', 'ints', 'ints', 'bool?', 'bool?', 'int?'], 'tensor'),
  adaptiveAvgPool2d: op(['tensor', 'ints'], 'tensor'),
  adaptiveMaxPool2d: op(['tensor', 'ints'], 'tensor'),
  relu: op(['tensor'], 'tensor'),
  relu_: op(['tensor'], 'void'),
  relu6: op(['tensor'], 'tensor'),
  leakyRelu: op(['tensor', 'scalar'], 'tensor'),
  sigmoid: op(['tensor'], 'tensor'),
  tanh: op(['tensor'], 'tensor'),
  silu: op(['tensor'], 'tensor'),
  hardswish: op(['tensor'], 'tensor'),
  hardsigmoid: op(['tensor'], 'tensor'),
  gelu: op(['tensor'], 'tensor'),
  softmax: op(['tensor', 'int', 'dtype?'], 'tensor'),
  logSoftmax: op(['tensor', 'int', 'dtype?'], 'tensor'),
  dropout: op(['tensor', 'float', 'bool?'], 'tensor'),
  crossEntropy: op(['tensor', 'tensor', 'tensor?', 'int', 'int', 'float'], 'tensor'),
  nllLoss: op(['tensor', 'tensor', 'tensor?', 'int', 'int'], 'tensor'),
  mseLoss: op(['tensor', 'tensor', 'int'], 'tensor'),
  binaryCrossEntropyWithLogits: op(['tensor', 'tensor', 'tensor?', 'int'], 'tensor'),
  oneHot: op(['tensor', 'int'], 'tensor'),
  sgdStep: op(['array', 'array', 'float', 'float', 'float', 'float', 'bool?'], returns<(NativeHandle | undefined)[]>()),
  reshape: op(['tensor', 'ints'], 'tensor'),
  view: op(['tensor', 'ints'], 'tensor'),
  permute: op(['tensor', 'ints'], 'tensor'),
  transpose: op(['tensor', 'int', 'int'], 'tensor'),
  contiguous: op(['tensor', 'bool?'], 'tensor'),
  isContiguousAs: op(['tensor', 'bool?'], returns<boolean>()),
  setData_: op(['tensor', 'tensor'], 'void'),
  narrow: op(['tensor', 'int', 'int', 'int'], 'tensor'),
  slice: op(['tensor', 'int', 'int?', 'int?', 'int'], 'tensor'),
  select: op(['tensor', 'int', 'int'], 'tensor'),
  indexSelect: op(['tensor', 'int', 'tensor'], 'tensor'),
  gather: op(['tensor', 'int', 'tensor'], 'tensor'),
  scatter: op(['tensor', 'int', 'tensor', 'tensor'], 'tensor'),
  maskedSelect: op(['tensor', 'tensor'], 'tensor'),
  maskedFill: op(['tensor', 'tensor', 'tensor|scalar'], 'tensor'),
  maskedFill_: op(['tensor', 'tensor', 'tensor|scalar'], 'void'),
  where: op(['tensor', 'tensor|scalar', 'tensor|scalar'], 'tensor'),
  cat: op(['tensors', 'int'], 'tensor'),
  stack: op(['tensors', 'int'], 'tensor'),
  split: op(['tensor', 'int|ints', 'int'], 'tensors'),
  chunk: op(['tensor', 'int', 'int'], 'tensors'),
  unbind: op(['tensor', 'int'], 'tensors'),
  flatten: op(['tensor', 'int', 'int'], 'tensor'),
  squeeze: op(['tensor', 'int?'], 'tensor'),
  unsqueeze: op(['tensor', 'int'], 'tensor'),
  expand: op(['tensor', 'ints'], 'tensor'),
  repeat: op(['tensor', 'ints'], 'tensor'),
  flip: op(['tensor', 'ints'], 'tensor'),
  pad: op(['tensor', 'ints', 'scalar'], 'tensor'),
  clone: op(['tensor'], 'tensor'),
  detach: op(['tensor'], 'tensor'),
  to: op(['tensor', 'dtype?', 'device?'], 'tensor'),
  copy_: op(['tensor', 'tensor'], 'void'),
  zero_: op(['tensor'], 'void'),
  fill_: op(['tensor', 'scalar'], 'void'),
} as const;

export type NativeOps = { [K in keyof typeof NATIVE_OPS]: (...args: Params<(typeof NATIVE_OPS)[K]['args']>) => ReturnOf<(typeof NATIVE_OPS)[K]['returns']> };

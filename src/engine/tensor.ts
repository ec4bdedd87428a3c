// The Tensor class: a typed, PyTorch-like API over one native libtorch tensor reference.
import { inspect } from 'node:util';

import {
  type AnyTypedArray, type DType, type TypedArrayFor, dtypeCode, dtypeFromCode, dtypeOfTypedArray, isFloating, TYPED_ARRAY,
} from './dtype.js';
import { native, type NativeHandle } from './native.js';
import { type Disposable, track } from './scope.js';

export type Device = 'cpu' | 'cuda' | `cuda:${number}`;
export type Shape = readonly number[];
/** Element order of a 4-D tensor: NCHW ('contiguous', the default) or NHWC ('channelsLast', faster for oneDNN convolutions). */
export type MemoryFormat = 'contiguous' | 'channelsLast';
/** Nested JS arrays of numbers or booleans, e.g. [[1, 2], [3, 4]]. */
export type NestedArray = number | boolean | readonly NestedArray[];

export interface CreateOptions {
  dtype?: DType;
  device?: Device;
  requiresGrad?: boolean;
}

export interface BackwardOptions {
  /** Keep the graph so backward can run through it again. */
  retainGraph?: boolean;
  /** Build a graph of the backward pass itself (for higher-order gradients). */
  createGraph?: boolean;
}

type Operand = Tensor | number | boolean;
const h = (x: Operand): NativeHandle | number | boolean => (x instanceof Tensor ? x.handle : x);

export class Tensor implements Disposable {
  /** @internal The native reference; throws natively once disposed. */
  readonly handle: NativeHandle;
  private disposed = false;
  private cachedShape?: Shape;
  private cachedDtype?: DType;
  private cachedDevice?: Device;

  /** @internal Use the creation functions (tensor, zeros, ...) instead. */
  constructor(handle: NativeHandle) {
    this.handle = handle;
    track(this);
  }

  private fetchMeta(): void {
    const [shape, code, device] = native.meta(this.handle) as [number[], number, Device];
    this.cachedShape = Object.freeze(shape);
    this.cachedDtype = dtypeFromCode(code);
    this.cachedDevice = device;
  }

  // --- metadata -------------------------------------------------------------------------------------
  get shape(): Shape {
    if (this.cachedShape === undefined) this.fetchMeta();
    return this.cachedShape!;
  }
  get dtype(): DType {
    if (this.cachedDtype === undefined) this.fetchMeta();
    return this.cachedDtype!;
  }
  get device(): Device {
    if (this.cachedDevice === undefined) this.fetchMeta();
    return this.cachedDevice!;
  }
  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }
  get numel(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }
  size(dim: number): number {
    const d = dim < 0 ? dim + this.ndim : dim;
    if (d < 0 || d >= this.ndim) throw new RangeError(`size: dimension ${dim} out of range for a ${this.ndim}-d tensor`);
    return this.shape[d]!;
  }
  get strides(): number[] {
    return native.strides(this.handle);
  }
  /** Dense in NCHW order (default), or in channels-last (NHWC) order for 'channelsLast'. */
  isContiguous(format: MemoryFormat = 'contiguous'): boolean {
    return format === 'contiguous' ? native.isContiguous(this.handle) : native.isContiguousAs(this.handle, true);
  }
  /**
   * Counts in-place changes to this tensor's data (ops ending in _, optimizer steps, copy_, setData_):
   * a value computed from the tensor is stale once its version differs.
   */
  get version(): number {
    return native.version(this.handle);
  }
  get isDisposed(): boolean {
    return this.disposed;
  }

  // --- lifetime -------------------------------------------------------------------------------------
  /** Releases this reference to the native tensor now. Idempotent. Views and other references keep the storage alive. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    native.dispose(this.handle);
  }
  [Symbol.dispose](): void {
    this.dispose();
  }

  // --- data out --------------------------------------------------------------------------------------
  /** A copy of the elements in row-major order (float16/bfloat16 as raw uint16 bits, bool as 0/1 bytes). */
  data<D extends DType = DType>(): TypedArrayFor[D] {
    const bytes = native.toBytes(this.handle);
    return new TYPED_ARRAY[this.dtype](bytes) as TypedArrayFor[D];
  }
  /** The elements as nested JS arrays (numbers; booleans for bool tensors). */
  toArray(): NestedArray {
    const dtype = this.dtype;
    if (dtype === 'float16' || dtype === 'bfloat16') return this.to({ dtype: 'float32' }).toArray();
    const flat = this.data() as AnyTypedArray;
    const get: (i: number) => number | boolean =
      dtype === 'bool' ? (i) => flat[i] !== 0 : dtype === 'int64' ? (i) => Number(flat[i]) : (i) => flat[i] as number;
    const shape = this.shape;
    if (shape.length === 0) return get(0);
    let offset = 0;
    const build = (dim: number): NestedArray[] => {
      const out: NestedArray[] = new Array(shape[dim]!);
      for (let i = 0; i < shape[dim]!; i++) out[i] = dim === shape.length - 1 ? get(offset++) : build(dim + 1);
      return out;
    };
    return build(0);
  }
  /** The value of a one-element tensor (bool as 0/1). */
  item(): number {
    return Number(native.item(this.handle));
  }
  /** Raw little-endian bytes in row-major order. */
  bytes(): Uint8Array {
    return new Uint8Array(native.toBytes(this.handle));
  }
  toString(): string {
    return native.format(this.handle);
  }
  [inspect.custom](): string {
    if (this.disposed) return 'Tensor(disposed)';
    return `Tensor(shape=[${this.shape.join(', ')}], dtype=${this.dtype}, device=${this.device}${this.requiresGrad ? ', requiresGrad' : ''})\n${this.toString()}`;
  }

  // --- conversion -------------------------------------------------------------------------------------
  /** Converts dtype and/or device; like PyTorch, returns a tensor sharing data when nothing changes. */
  to(target: DType | Device | { dtype?: DType; device?: Device }): Tensor {
    const spec = typeof target === 'string' ? (isDeviceName(target) ? { device: target } : { dtype: target as DType }) : target;
    return new Tensor(native.to(this.handle, spec.dtype === undefined ? undefined : dtypeCode(spec.dtype), spec.device));
  }
  float(): Tensor { return this.to({ dtype: 'float32' }); }
  double(): Tensor { return this.to({ dtype: 'float64' }); }
  long(): Tensor { return this.to({ dtype: 'int64' }); }
  clone(): Tensor { return new Tensor(native.clone(this.handle)); }
  /** A tensor sharing data with this one, cut from the autograd graph. */
  detach(): Tensor { return new Tensor(native.detach(this.handle)); }
  /** A dense tensor (this one's data when it already is) in NCHW order, or NHWC order for 'channelsLast' (4-D). */
  contiguous(format: MemoryFormat = 'contiguous'): Tensor { return new Tensor(native.contiguous(this.handle, format === 'channelsLast')); }
  /** Makes this tensor hold `source`'s data and layout (same shape and dtype), keeping its identity and autograd role. */
  setData_(source: Tensor): this {
    native.setData_(this.handle, source.handle);
    this.cachedDevice = undefined; // the source may live on another device (Module.to)
    return this;
  }
  copy_(source: Tensor): this { native.copy_(this.handle, source.handle); return this; }
  zero_(): this { native.zero_(this.handle); return this; }
  fill_(value: number | boolean): this { native.fill_(this.handle, value); return this; }
  uniform_(low = 0, high = 1): this { native.uniform_(this.handle, low, high); return this; }
  normal_(mean = 0, std = 1): this { native.normal_(this.handle, mean, std); return this; }
  bernoulli_(p = 0.5): this { native.bernoulli_(this.handle, p); return this; }

  // --- autograd ---------------------------------------------------------------------------------------
  get requiresGrad(): boolean {
    return native.requiresGrad(this.handle);
  }
  requiresGrad_(requires = true): this {
    native.setRequiresGrad(this.handle, requires);
    return this;
  }
  /** The accumulated gradient (a new reference each access), or undefined. */
  get grad(): Tensor | undefined {
    const g = native.grad(this.handle);
    return g === undefined ? undefined : new Tensor(g);
  }
  set grad(value: Tensor | undefined) {
    native.setGrad(this.handle, value?.handle);
  }
  get isLeaf(): boolean {
    return native.isLeaf(this.handle);
  }
  /** Name of the autograd node that produced this tensor, e.g. 'ConvolutionBackward0'. */
  get gradFn(): string | undefined {
    return native.gradFnName(this.handle);
  }
  retainGrad(): this { native.retainGrad(this.handle); return this; }
  /** Backpropagates from this tensor; a non-scalar tensor needs the gradient of its elements. */
  backward(gradient?: Tensor, options: BackwardOptions = {}): void {
    native.backward(this.handle, gradient?.handle, options.retainGraph ?? false, options.createGraph ?? false);
  }

  // --- views and indexing ----------------------------------------------------------------------------
  reshape(shape: Shape): Tensor { return new Tensor(native.reshape(this.handle, shape)); }
  view(shape: Shape): Tensor { return new Tensor(native.view(this.handle, shape)); }
  permute(dims: readonly number[]): Tensor { return new Tensor(native.permute(this.handle, dims)); }
  transpose(dim0: number, dim1: number): Tensor { return new Tensor(native.transpose(this.handle, dim0, dim1)); }
  /** Transpose of a 2-D tensor. */
  get T(): Tensor { return this.transpose(0, 1); }
  narrow(dim: number, start: number, length: number): Tensor { return new Tensor(native.narrow(this.handle, dim, start, length)); }
  /** Elements start..end (exclusive) along dim, every step-th; start/end may be negative or omitted. */
  slice(dim: number, start?: number, end?: number, step = 1): Tensor {
    return new Tensor(native.slice(this.handle, dim, start, end, step));
  }
  /** The sub-tensor at `index` along `dim` (that dimension is removed). */
  select(dim: number, index: number): Tensor { return new Tensor(native.select(this.handle, dim, index)); }
  indexSelect(dim: number, index: Tensor): Tensor { return new Tensor(native.indexSelect(this.handle, dim, index.handle)); }
  gather(dim: number, index: Tensor): Tensor { return new Tensor(native.gather(this.handle, dim, index.handle)); }
  scatter(dim: number, index: Tensor, source: Tensor): Tensor { return new Tensor(native.scatter(this.handle, dim, index.handle, source.handle)); }
  maskedSelect(mask: Tensor): Tensor { return new Tensor(native.maskedSelect(this.handle, mask.handle)); }
  maskedFill(mask: Tensor, value: Operand): Tensor { return new Tensor(native.maskedFill(this.handle, mask.handle, h(value))); }
  maskedFill_(mask: Tensor, value: Operand): this { native.maskedFill_(this.handle, mask.handle, h(value)); return this; }
  split(sizeOrSizes: number | readonly number[], dim = 0): Tensor[] { return wrapAll(native.split(this.handle, sizeOrSizes, dim)); }
  chunk(chunks: number, dim = 0): Tensor[] { return wrapAll(native.chunk(this.handle, chunks, dim)); }
  unbind(dim = 0): Tensor[] { return wrapAll(native.unbind(this.handle, dim)); }
  flatten(startDim = 0, endDim = -1): Tensor { return new Tensor(native.flatten(this.handle, startDim, endDim)); }
  squeeze(dim?: number): Tensor { return new Tensor(native.squeeze(this.handle, dim)); }
  unsqueeze(dim: number): Tensor { return new Tensor(native.unsqueeze(this.handle, dim)); }
  /** Broadcasts to `shape`; -1 keeps a dimension. */
  expand(shape: Shape): Tensor { return new Tensor(native.expand(this.handle, shape)); }
  repeat(repeats: readonly number[]): Tensor { return new Tensor(native.repeat(this.handle, repeats)); }
  flip(dims: readonly number[]): Tensor { return new Tensor(native.flip(this.handle, dims)); }

  // --- arithmetic (broadcasting) ----------------------------------------------------------------------
  /** this + alpha * other */
  add(other: Operand, alpha?: number): Tensor { return new Tensor(native.add(this.handle, h(other), alpha)); }
  /** this - alpha * other */
  sub(other: Operand, alpha?: number): Tensor { return new Tensor(native.sub(this.handle, h(other), alpha)); }
  mul(other: Operand): Tensor { return new Tensor(native.mul(this.handle, h(other))); }
  /** True division unless a rounding mode is given. */
  div(other: Operand, roundingMode?: 'trunc' | 'floor'): Tensor { return new Tensor(native.div(this.handle, h(other), roundingMode)); }
  remainder(other: Operand): Tensor { return new Tensor(native.remainder(this.handle, h(other))); }
  pow(exponent: Operand): Tensor { return new Tensor(native.pow(this.handle, h(exponent))); }
  neg(): Tensor { return new Tensor(native.neg(this.handle)); }
  add_(other: Operand, alpha?: number): this { native.add_(this.handle, h(other), alpha); return this; }
  sub_(other: Operand, alpha?: number): this { native.sub_(this.handle, h(other), alpha); return this; }
  mul_(other: Operand): this { native.mul_(this.handle, h(other)); return this; }
  div_(other: Operand): this { native.div_(this.handle, h(other)); return this; }
  /** this += value * a * b */
  addcmul_(a: Tensor, b: Tensor, value = 1): this { native.addcmul_(this.handle, a.handle, b.handle, value); return this; }
  /** this += value * a / b */
  addcdiv_(a: Tensor, b: Tensor, value = 1): this { native.addcdiv_(this.handle, a.handle, b.handle, value); return this; }
  maximum(other: Tensor): Tensor { return new Tensor(native.maximum(this.handle, other.handle)); }
  minimum(other: Tensor): Tensor { return new Tensor(native.minimum(this.handle, other.handle)); }
  matmul(other: Tensor): Tensor { return new Tensor(native.matmul(this.handle, other.handle)); }
  /** Kronecker product. */
  kron(other: Tensor): Tensor { return new Tensor(native.kron(this.handle, other.handle)); }
  outer(other: Tensor): Tensor { return new Tensor(native.outer(this.handle, other.handle)); }

  // --- elementwise math ------------------------------------------------------------------------------
  abs(): Tensor { return new Tensor(native.abs(this.handle)); }
  sign(): Tensor { return new Tensor(native.sign(this.handle)); }
  exp(): Tensor { return new Tensor(native.exp(this.handle)); }
  log(): Tensor { return new Tensor(native.log(this.handle)); }
  sqrt(): Tensor { return new Tensor(native.sqrt(this.handle)); }
  rsqrt(): Tensor { return new Tensor(native.rsqrt(this.handle)); }
  square(): Tensor { return new Tensor(native.square(this.handle)); }
  reciprocal(): Tensor { return new Tensor(native.reciprocal(this.handle)); }
  floor(): Tensor { return new Tensor(native.floor(this.handle)); }
  ceil(): Tensor { return new Tensor(native.ceil(this.handle)); }
  round(): Tensor { return new Tensor(native.round(this.handle)); }
  sin(): Tensor { return new Tensor(native.sin(this.handle)); }
  cos(): Tensor { return new Tensor(native.cos(this.handle)); }
  sigmoid(): Tensor { return new Tensor(native.sigmoid(this.handle)); }
  tanh(): Tensor { return new Tensor(native.tanh(this.handle)); }
  relu(): Tensor { return new Tensor(native.relu(this.handle)); }
  relu_(): this { native.relu_(this.handle); return this; }
  clamp(min?: number, max?: number): Tensor { return new Tensor(native.clamp(this.handle, min, max)); }
  clamp_(min?: number, max?: number): this { native.clamp_(this.handle, min, max); return this; }
  isnan(): Tensor { return new Tensor(native.isnan(this.handle)); }
  isfinite(): Tensor { return new Tensor(native.isfinite(this.handle)); }
  logicalNot(): Tensor { return new Tensor(native.logicalNot(this.handle)); }
  logicalAnd(other: Tensor): Tensor { return new Tensor(native.logicalAnd(this.handle, other.handle)); }
  logicalOr(other: Tensor): Tensor { return new Tensor(native.logicalOr(this.handle, other.handle)); }

  // --- comparisons (bool tensors) ---------------------------------------------------------------------
  eq(other: Operand): Tensor { return new Tensor(native.eq(this.handle, h(other))); }
  ne(other: Operand): Tensor { return new Tensor(native.ne(this.handle, h(other))); }
  lt(other: Operand): Tensor { return new Tensor(native.lt(this.handle, h(other))); }
  le(other: Operand): Tensor { return new Tensor(native.le(this.handle, h(other))); }
  gt(other: Operand): Tensor { return new Tensor(native.gt(this.handle, h(other))); }
  ge(other: Operand): Tensor { return new Tensor(native.ge(this.handle, h(other))); }
  /** Same shape and exactly equal elements. */
  equal(other: Tensor): boolean { return native.equal(this.handle, other.handle); }
  allclose(other: Tensor, rtol = 1e-5, atol = 1e-8): boolean { return native.allclose(this.handle, other.handle, rtol, atol); }

  // --- reductions ---------------------------------------------------------------------------------------
  sum(dims?: number | readonly number[], keepdim = false, dtype?: DType): Tensor {
    return new Tensor(native.sum(this.handle, dims, keepdim, dtype === undefined ? undefined : dtypeCode(dtype)));
  }
  mean(dims?: number | readonly number[], keepdim = false): Tensor { return new Tensor(native.mean(this.handle, dims, keepdim)); }
  prod(dim?: number, keepdim = false): Tensor { return new Tensor(native.prod(this.handle, dim, keepdim)); }
  /** Variance; `correction` 1 (default) is the unbiased estimator, 0 the population variance. */
  var(dims?: number | readonly number[], options: { keepdim?: boolean; correction?: number } = {}): Tensor {
    return new Tensor(native.var(this.handle, dims, options.keepdim ?? false, options.correction ?? 1));
  }
  std(dims?: number | readonly number[], options: { keepdim?: boolean; correction?: number } = {}): Tensor {
    return new Tensor(native.std(this.handle, dims, options.keepdim ?? false, options.correction ?? 1));
  }
  /** The overall maximum (a 0-d tensor). */
  max(): Tensor;
  /** Maxima along `dim` and their indices. */
  max(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  max(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    if (dim === undefined) return new Tensor(native.max(this.handle) as NativeHandle);
    const [values, indices] = wrapAll(native.max(this.handle, dim, keepdim) as NativeHandle[]);
    return { values: values!, indices: indices! };
  }
  min(): Tensor;
  min(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  min(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    if (dim === undefined) return new Tensor(native.min(this.handle) as NativeHandle);
    const [values, indices] = wrapAll(native.min(this.handle, dim, keepdim) as NativeHandle[]);
    return { values: values!, indices: indices! };
  }
  argmax(dim?: number, keepdim = false): Tensor { return new Tensor(native.argmax(this.handle, dim, keepdim)); }
  argmin(dim?: number, keepdim = false): Tensor { return new Tensor(native.argmin(this.handle, dim, keepdim)); }
  /** p-norm over all elements or over `dims`. */
  norm(p = 2, dims?: number | readonly number[], keepdim = false): Tensor { return new Tensor(native.norm(this.handle, p, dims, keepdim)); }
  topk(k: number, options: { dim?: number; largest?: boolean; sorted?: boolean } = {}): { values: Tensor; indices: Tensor } {
    const [values, indices] = wrapAll(native.topk(this.handle, k, options.dim ?? -1, options.largest ?? true, options.sorted ?? true));
    return { values: values!, indices: indices! };
  }
  sort(dim = -1, descending = false): { values: Tensor; indices: Tensor } {
    const [values, indices] = wrapAll(native.sort(this.handle, dim, descending));
    return { values: values!, indices: indices! };
  }
  cumsum(dim: number): Tensor { return new Tensor(native.cumsum(this.handle, dim)); }
  logsumexp(dims: number | readonly number[], keepdim = false): Tensor { return new Tensor(native.logsumexp(this.handle, dims, keepdim)); }
  all(): Tensor { return new Tensor(native.all(this.handle)); }
  any(): Tensor { return new Tensor(native.any(this.handle)); }
}

function isDeviceName(s: string): s is Device {
  return s === 'cpu' || s === 'cuda' || s.startsWith('cuda:');
}

/** @internal */
export function wrapAll(handles: NativeHandle[]): Tensor[] {
  return handles.map((x) => new Tensor(x));
}

// --- creation --------------------------------------------------------------------------------------------

function creationArgs(options: CreateOptions, defaultDtype: DType | undefined): [number | undefined, Device | undefined, boolean] {
  const dtype = options.dtype ?? defaultDtype;
  if (options.requiresGrad && dtype !== undefined && !isFloating(dtype)) {
    throw new TypeError(`requiresGrad needs a floating-point dtype, got ${dtype}`);
  }
  return [dtype === undefined ? undefined : dtypeCode(dtype), options.device, options.requiresGrad ?? false];
}

function checkShape(shape: Shape, op: string): Shape {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new TypeError(`${op}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  return shape;
}

export const zeros = (shape: Shape, options: CreateOptions = {}): Tensor =>
  new Tensor(native.zeros(checkShape(shape, 'zeros'), ...creationArgs(options, 'float32')));
export const ones = (shape: Shape, options: CreateOptions = {}): Tensor =>
  new Tensor(native.ones(checkShape(shape, 'ones'), ...creationArgs(options, 'float32')));
/** Uninitialised memory: every element must be written before it is read. */
export const empty = (shape: Shape, options: CreateOptions = {}): Tensor =>
  new Tensor(native.empty(checkShape(shape, 'empty'), ...creationArgs(options, 'float32')));
export const full = (shape: Shape, value: number | boolean, options: CreateOptions = {}): Tensor =>
  new Tensor(native.full(checkShape(shape, 'full'), value, ...creationArgs(options, typeof value === 'boolean' ? 'bool' : 'float32')));
/** Uniform samples in [0, 1). */
export const rand = (shape: Shape, options: CreateOptions = {}): Tensor =>
  new Tensor(native.rand(checkShape(shape, 'rand'), ...creationArgs(options, 'float32')));
/** Standard normal samples. */
export const randn = (shape: Shape, options: CreateOptions = {}): Tensor =>
  new Tensor(native.randn(checkShape(shape, 'randn'), ...creationArgs(options, 'float32')));
/** Integers uniform in [low, high). */
export const randint = (low: number, high: number, shape: Shape, options: CreateOptions = {}): Tensor =>
  new Tensor(native.randint(low, high, checkShape(shape, 'randint'), ...creationArgs(options, 'int64')));
/** A random permutation of 0..n-1 (int64). */
export const randperm = (n: number, options: CreateOptions = {}): Tensor => new Tensor(native.randperm(n, ...creationArgs(options, 'int64')));
export const eye = (n: number, options: CreateOptions = {}): Tensor => new Tensor(native.eye(n, ...creationArgs(options, 'float32')));

/** arange(end) or arange(start, end, step); integral arguments give int64 unless a dtype is given. */
export function arange(startOrEnd: number, end?: number, step = 1, options: CreateOptions = {}): Tensor {
  const [start, stop] = end === undefined ? [0, startOrEnd] : [startOrEnd, end];
  return new Tensor(native.arange(start, stop, step, ...creationArgs(options, undefined)));
}
export const linspace = (start: number, end: number, steps: number, options: CreateOptions = {}): Tensor =>
  new Tensor(native.linspace(start, end, steps, ...creationArgs(options, 'float32')));

export const zerosLike = (t: Tensor, dtype?: DType): Tensor => new Tensor(native.zerosLike(t.handle, dtype && dtypeCode(dtype)));
export const onesLike = (t: Tensor, dtype?: DType): Tensor => new Tensor(native.onesLike(t.handle, dtype && dtypeCode(dtype)));
export const fullLike = (t: Tensor, value: number): Tensor => new Tensor(native.fullLike(t.handle, value));
export const randLike = (t: Tensor): Tensor => new Tensor(native.randLike(t.handle));
export const randnLike = (t: Tensor): Tensor => new Tensor(native.randnLike(t.handle));

/** A tensor holding a copy of raw little-endian bytes interpreted as `dtype` with `shape`. */
export function fromBytes(bytes: ArrayBufferView, dtype: DType, shape: Shape, options: { device?: Device; requiresGrad?: boolean } = {}): Tensor {
  const t = new Tensor(native.fromBytes(bytes, dtypeCode(dtype), checkShape(shape, 'fromBytes'), options.device));
  if (options.requiresGrad) t.requiresGrad_(true);
  return t;
}

/** A tensor copied from a typed array; its dtype follows the array type unless given. */
export function fromTypedArray(array: ArrayBufferView, shape?: Shape, options: CreateOptions = {}): Tensor {
  const own = dtypeOfTypedArray(array);
  const itemSize = (array as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  const t = new Tensor(native.fromBytes(array, dtypeCode(own), shape ?? [array.byteLength / itemSize], options.device));
  if (options.dtype === undefined || options.dtype === own) return options.requiresGrad ? t.requiresGrad_(true) : t;
  const converted = t.to({ dtype: options.dtype });
  t.dispose();
  return options.requiresGrad ? converted.requiresGrad_(true) : converted;
}

/** Shape of a rectangular nested array; throws on ragged input. */
function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = (level as NestedArray[])[0] as NestedArray;
  }
  return shape;
}

/**
 * A tensor from a number, boolean, nested array or typed array. Nested arrays of numbers default to
 * float32 (JS cannot tell 1 from 1.0); of booleans to bool. Pass `dtype` for anything else.
 */
export function tensor(data: NestedArray | ArrayBufferView, options: CreateOptions = {}): Tensor {
  if (ArrayBuffer.isView(data)) return fromTypedArray(data, undefined, options);
  const shape = inferShape(data);
  const flat: (number | boolean)[] = [];
  const visit = (value: NestedArray, dim: number): void => {
    if (dim === shape.length) {
      if (typeof value !== 'number' && typeof value !== 'boolean') throw new TypeError('tensor: ragged or non-numeric nested array');
      flat.push(value);
      return;
    }
    if (!Array.isArray(value) || value.length !== shape[dim]) throw new TypeError(`tensor: ragged nested array at depth ${dim}`);
    for (const v of value as NestedArray[]) visit(v, dim + 1);
  };
  visit(data, 0);
  const isBool = flat.length > 0 && typeof flat[0] === 'boolean';
  const dtype = options.dtype ?? (isBool ? 'bool' : 'float32');
  let array: ArrayBufferView;
  switch (dtype) {
    case 'float64': array = Float64Array.from(flat, Number); break;
    case 'int64': array = BigInt64Array.from(flat, (v) => BigInt(Math.trunc(Number(v)))); break;
    case 'int32': array = Int32Array.from(flat, Number); break;
    case 'int16': array = Int16Array.from(flat, Number); break;
    case 'int8': array = Int8Array.from(flat, Number); break;
    case 'uint8': case 'bool': array = Uint8Array.from(flat, (v) => Number(v)); break;
    default: array = Float32Array.from(flat, Number);
  }
  const storedAs: DType = dtype === 'bool' ? 'bool' : dtypeOfTypedArray(array);
  const t = fromBytes(array, storedAs, shape, { device: options.device });
  if (storedAs !== dtype) {
    const converted = t.to({ dtype });
    t.dispose();
    return options.requiresGrad ? converted.requiresGrad_(true) : converted;
  }
  if (options.requiresGrad) {
    creationArgs(options, dtype);
    t.requiresGrad_(true);
  }
  return t;
}

/** A 0-d tensor. */
export const scalar = (value: number | boolean, options: CreateOptions = {}): Tensor => tensor(value, options);

// --- joining and selection -------------------------------------------------------------------------------
export const cat = (tensors: readonly Tensor[], dim = 0): Tensor => new Tensor(native.cat(tensors.map((t) => t.handle), dim));
export const stack = (tensors: readonly Tensor[], dim = 0): Tensor => new Tensor(native.stack(tensors.map((t) => t.handle), dim));
/** Elementwise choice: a where condition is true, else b. */
export const where = (condition: Tensor, a: Operand, b: Operand): Tensor => new Tensor(native.where(condition.handle, h(a), h(b)));

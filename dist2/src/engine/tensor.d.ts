import { inspect } from 'node:util';
import { type DType, type TypedArrayFor } from './dtype.js';
import { type NativeHandle } from './native.js';
import { type Disposable } from './scope.js';
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
export declare class Tensor implements Disposable {
    /** @internal The native reference; throws natively once disposed. */
    readonly handle: NativeHandle;
    private disposed;
    private cachedShape?;
    private cachedDtype?;
    private cachedDevice?;
    /** @internal Use the creation functions (tensor, zeros, ...) instead. */
    constructor(handle: NativeHandle);
    private fetchMeta;
    get shape(): Shape;
    get dtype(): DType;
    get device(): Device;
    /** Number of dimensions. */
    get ndim(): number;
    get numel(): number;
    size(dim: number): number;
    get strides(): number[];
    /** Dense in NCHW order (default), or in channels-last (NHWC) order for 'channelsLast'. */
    isContiguous(format?: MemoryFormat): boolean;
    /**
     * Counts in-place changes to this tensor's data (ops ending in _, optimizer steps, copy_, setData_):
     * a value computed from the tensor is stale once its version differs.
     */
    get version(): number;
    get isDisposed(): boolean;
    /** Releases this reference to the native tensor now. Idempotent. Views and other references keep the storage alive. */
    dispose(): void;
    [Symbol.dispose](): void;
    /** A copy of the elements in row-major order (float16/bfloat16 as raw uint16 bits, bool as 0/1 bytes). */
    data<D extends DType = DType>(): TypedArrayFor[D];
    /** The elements as nested JS arrays (numbers; booleans for bool tensors). */
    toArray(): NestedArray;
    /** The value of a one-element tensor (bool as 0/1). */
    item(): number;
    /** Raw little-endian bytes in row-major order. */
    bytes(): Uint8Array;
    toString(): string;
    [inspect.custom](): string;
    /** Converts dtype and/or device; like PyTorch, returns a tensor sharing data when nothing changes. */
    to(target: DType | Device | {
        dtype?: DType;
        device?: Device;
    }): Tensor;
    float(): Tensor;
    double(): Tensor;
    long(): Tensor;
    clone(): Tensor;
    /** A tensor sharing data with this one, cut from the autograd graph. */
    detach(): Tensor;
    /** A dense tensor (this one's data when it already is) in NCHW order, or NHWC order for 'channelsLast' (4-D). */
    contiguous(format?: MemoryFormat): Tensor;
    /** Makes this tensor hold `source`'s data and layout (same shape and dtype), keeping its identity and autograd role. */
    setData_(source: Tensor): this;
    copy_(source: Tensor): this;
    zero_(): this;
    fill_(value: number | boolean): this;
    uniform_(low?: number, high?: number): this;
    normal_(mean?: number, std?: number): this;
    bernoulli_(p?: number): this;
    get requiresGrad(): boolean;
    requiresGrad_(requires?: boolean): this;
    /** The accumulated gradient (a new reference each access), or undefined. */
    get grad(): Tensor | undefined;
    set grad(value: Tensor | undefined);
    get isLeaf(): boolean;
    /** Name of the autograd node that produced this tensor, e.g. 'ConvolutionBackward0'. */
    get gradFn(): string | undefined;
    retainGrad(): this;
    /** Backpropagates from this tensor; a non-scalar tensor needs the gradient of its elements. */
    backward(gradient?: Tensor, options?: BackwardOptions): void;
    reshape(shape: Shape): Tensor;
    view(shape: Shape): Tensor;
    permute(dims: readonly number[]): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    /** Transpose of a 2-D tensor. */
    get T(): Tensor;
    narrow(dim: number, start: number, length: number): Tensor;
    /** Elements start..end (exclusive) along dim, every step-th; start/end may be negative or omitted. */
    slice(dim: number, start?: number, end?: number, step?: number): Tensor;
    /** The sub-tensor at `index` along `dim` (that dimension is removed). */
    select(dim: number, index: number): Tensor;
    indexSelect(dim: number, index: Tensor): Tensor;
    gather(dim: number, index: Tensor): Tensor;
    scatter(dim: number, index: Tensor, source: Tensor): Tensor;
    maskedSelect(mask: Tensor): Tensor;
    maskedFill(mask: Tensor, value: Operand): Tensor;
    maskedFill_(mask: Tensor, value: Operand): this;
    split(sizeOrSizes: number | readonly number[], dim?: number): Tensor[];
    chunk(chunks: number, dim?: number): Tensor[];
    unbind(dim?: number): Tensor[];
    flatten(startDim?: number, endDim?: number): Tensor;
    squeeze(dim?: number): Tensor;
    unsqueeze(dim: number): Tensor;
    /** Broadcasts to `shape`; -1 keeps a dimension. */
    expand(shape: Shape): Tensor;
    repeat(repeats: readonly number[]): Tensor;
    flip(dims: readonly number[]): Tensor;
    /** this + alpha * other */
    add(other: Operand, alpha?: number): Tensor;
    /** this - alpha * other */
    sub(other: Operand, alpha?: number): Tensor;
    mul(other: Operand): Tensor;
    /** True division unless a rounding mode is given. */
    div(other: Operand, roundingMode?: 'trunc' | 'floor'): Tensor;
    remainder(other: Operand): Tensor;
    pow(exponent: Operand): Tensor;
    neg(): Tensor;
    add_(other: Operand, alpha?: number): this;
    sub_(other: Operand, alpha?: number): this;
    mul_(other: Operand): this;
    div_(other: Operand): this;
    /** this += value * a * b */
    addcmul_(a: Tensor, b: Tensor, value?: number): this;
    /** this += value * a / b */
    addcdiv_(a: Tensor, b: Tensor, value?: number): this;
    maximum(other: Tensor): Tensor;
    minimum(other: Tensor): Tensor;
    matmul(other: Tensor): Tensor;
    /** Kronecker product. */
    kron(other: Tensor): Tensor;
    outer(other: Tensor): Tensor;
    abs(): Tensor;
    sign(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    sqrt(): Tensor;
    rsqrt(): Tensor;
    square(): Tensor;
    reciprocal(): Tensor;
    floor(): Tensor;
    ceil(): Tensor;
    round(): Tensor;
    sin(): Tensor;
    cos(): Tensor;
    sigmoid(): Tensor;
    tanh(): Tensor;
    relu(): Tensor;
    relu_(): this;
    clamp(min?: number, max?: number): Tensor;
    clamp_(min?: number, max?: number): this;
    isnan(): Tensor;
    isfinite(): Tensor;
    logicalNot(): Tensor;
    logicalAnd(other: Tensor): Tensor;
    logicalOr(other: Tensor): Tensor;
    eq(other: Operand): Tensor;
    ne(other: Operand): Tensor;
    lt(other: Operand): Tensor;
    le(other: Operand): Tensor;
    gt(other: Operand): Tensor;
    ge(other: Operand): Tensor;
    /** Same shape and exactly equal elements. */
    equal(other: Tensor): boolean;
    allclose(other: Tensor, rtol?: number, atol?: number): boolean;
    sum(dims?: number | readonly number[], keepdim?: boolean, dtype?: DType): Tensor;
    mean(dims?: number | readonly number[], keepdim?: boolean): Tensor;
    prod(dim?: number, keepdim?: boolean): Tensor;
    /** Variance; `correction` 1 (default) is the unbiased estimator, 0 the population variance. */
    var(dims?: number | readonly number[], options?: {
        keepdim?: boolean;
        correction?: number;
    }): Tensor;
    std(dims?: number | readonly number[], options?: {
        keepdim?: boolean;
        correction?: number;
    }): Tensor;
    /** The overall maximum (a 0-d tensor). */
    max(): Tensor;
    /** Maxima along `dim` and their indices. */
    max(dim: number, keepdim?: boolean): {
        values: Tensor;
        indices: Tensor;
    };
    min(): Tensor;
    min(dim: number, keepdim?: boolean): {
        values: Tensor;
        indices: Tensor;
    };
    argmax(dim?: number, keepdim?: boolean): Tensor;
    argmin(dim?: number, keepdim?: boolean): Tensor;
    /** p-norm over all elements or over `dims`. */
    norm(p?: number, dims?: number | readonly number[], keepdim?: boolean): Tensor;
    topk(k: number, options?: {
        dim?: number;
        largest?: boolean;
        sorted?: boolean;
    }): {
        values: Tensor;
        indices: Tensor;
    };
    sort(dim?: number, descending?: boolean): {
        values: Tensor;
        indices: Tensor;
    };
    cumsum(dim: number): Tensor;
    logsumexp(dims: number | readonly number[], keepdim?: boolean): Tensor;
    all(): Tensor;
    any(): Tensor;
}
/** @internal */
export declare function wrapAll(handles: NativeHandle[]): Tensor[];
export declare const zeros: (shape: Shape, options?: CreateOptions) => Tensor;
export declare const ones: (shape: Shape, options?: CreateOptions) => Tensor;
/** Uninitialised memory: every element must be written before it is read. */
export declare const empty: (shape: Shape, options?: CreateOptions) => Tensor;
export declare const full: (shape: Shape, value: number | boolean, options?: CreateOptions) => Tensor;
/** Uniform samples in [0, 1). */
export declare const rand: (shape: Shape, options?: CreateOptions) => Tensor;
/** Standard normal samples. */
export declare const randn: (shape: Shape, options?: CreateOptions) => Tensor;
/** Integers uniform in [low, high). */
export declare const randint: (low: number, high: number, shape: Shape, options?: CreateOptions) => Tensor;
/** A random permutation of 0..n-1 (int64). */
export declare const randperm: (n: number, options?: CreateOptions) => Tensor;
export declare const eye: (n: number, options?: CreateOptions) => Tensor;
/** arange(end) or arange(start, end, step); integral arguments give int64 unless a dtype is given. */
export declare function arange(startOrEnd: number, end?: number, step?: number, options?: CreateOptions): Tensor;
export declare const linspace: (start: number, end: number, steps: number, options?: CreateOptions) => Tensor;
export declare const zerosLike: (t: Tensor, dtype?: DType) => Tensor;
export declare const onesLike: (t: Tensor, dtype?: DType) => Tensor;
export declare const fullLike: (t: Tensor, value: number) => Tensor;
export declare const randLike: (t: Tensor) => Tensor;
export declare const randnLike: (t: Tensor) => Tensor;
/** A tensor holding a copy of raw little-endian bytes interpreted as `dtype` with `shape`. */
export declare function fromBytes(bytes: ArrayBufferView, dtype: DType, shape: Shape, options?: {
    device?: Device;
    requiresGrad?: boolean;
}): Tensor;
/** A tensor copied from a typed array; its dtype follows the array type unless given. */
export declare function fromTypedArray(array: ArrayBufferView, shape?: Shape, options?: CreateOptions): Tensor;
/**
 * A tensor from a number, boolean, nested array or typed array. Nested arrays of numbers default to
 * float32 (JS cannot tell 1 from 1.0); of booleans to bool. Pass `dtype` for anything else.
 */
export declare function tensor(data: NestedArray | ArrayBufferView, options?: CreateOptions): Tensor;
/** A 0-d tensor. */
export declare const scalar: (value: number | boolean, options?: CreateOptions) => Tensor;
export declare const cat: (tensors: readonly Tensor[], dim?: number) => Tensor;
export declare const stack: (tensors: readonly Tensor[], dim?: number) => Tensor;
/** Elementwise choice: a where condition is true, else b. */
export declare const where: (condition: Tensor, a: Operand, b: Operand) => Tensor;
export {};

// The Tensor class: a typed, PyTorch-like API over one native libtorch tensor reference.
import { inspect } from 'node:util';
import { dtypeCode, dtypeFromCode, dtypeOfTypedArray, isFloating, TYPED_ARRAY, } from './dtype.js';
import { native } from './native.js';
import { track } from './scope.js';
const h = (x) => (x instanceof Tensor ? x.handle : x);
export class Tensor {
    /** @internal The native reference; throws natively once disposed. */
    handle;
    disposed = false;
    cachedShape;
    cachedDtype;
    cachedDevice;
    /** @internal Use the creation functions (tensor, zeros, ...) instead. */
    constructor(handle) {
        this.handle = handle;
        track(this);
    }
    fetchMeta() {
        const [shape, code, device] = native.meta(this.handle);
        this.cachedShape = Object.freeze(shape);
        this.cachedDtype = dtypeFromCode(code);
        this.cachedDevice = device;
    }
    // --- metadata -------------------------------------------------------------------------------------
    get shape() {
        if (this.cachedShape === undefined)
            this.fetchMeta();
        return this.cachedShape;
    }
    get dtype() {
        if (this.cachedDtype === undefined)
            this.fetchMeta();
        return this.cachedDtype;
    }
    get device() {
        if (this.cachedDevice === undefined)
            this.fetchMeta();
        return this.cachedDevice;
    }
    /** Number of dimensions. */
    get ndim() {
        return this.shape.length;
    }
    get numel() {
        return this.shape.reduce((a, b) => a * b, 1);
    }
    size(dim) {
        const d = dim < 0 ? dim + this.ndim : dim;
        if (d < 0 || d >= this.ndim)
            throw new RangeError(`size: dimension ${dim} out of range for a ${this.ndim}-d tensor`);
        return this.shape[d];
    }
    get strides() {
        return native.strides(this.handle);
    }
    /** Dense in NCHW order (default), or in channels-last (NHWC) order for 'channelsLast'. */
    isContiguous(format = 'contiguous') {
        return format === 'contiguous' ? native.isContiguous(this.handle) : native.isContiguousAs(this.handle, true);
    }
    /**
     * Counts in-place changes to this tensor's data (ops ending in _, optimizer steps, copy_, setData_):
     * a value computed from the tensor is stale once its version differs.
     */
    get version() {
        return native.version(this.handle);
    }
    get isDisposed() {
        return this.disposed;
    }
    // --- lifetime -------------------------------------------------------------------------------------
    /** Releases this reference to the native tensor now. Idempotent. Views and other references keep the storage alive. */
    dispose() {
        if (this.disposed)
            return;
        this.disposed = true;
        native.dispose(this.handle);
    }
    [Symbol.dispose]() {
        this.dispose();
    }
    // --- data out --------------------------------------------------------------------------------------
    /** A copy of the elements in row-major order (float16/bfloat16 as raw uint16 bits, bool as 0/1 bytes). */
    data() {
        const bytes = native.toBytes(this.handle);
        return new TYPED_ARRAY[this.dtype](bytes);
    }
    /** The elements as nested JS arrays (numbers; booleans for bool tensors). */
    toArray() {
        const dtype = this.dtype;
        if (dtype === 'float16' || dtype === 'bfloat16')
            return this.to({ dtype: 'float32' }).toArray();
        const flat = this.data();
        const get = dtype === 'bool' ? (i) => flat[i] !== 0 : dtype === 'int64' ? (i) => Number(flat[i]) : (i) => flat[i];
        const shape = this.shape;
        if (shape.length === 0)
            return get(0);
        let offset = 0;
        const build = (dim) => {
            const out = new Array(shape[dim]);
            for (let i = 0; i < shape[dim]; i++)
                out[i] = dim === shape.length - 1 ? get(offset++) : build(dim + 1);
            return out;
        };
        return build(0);
    }
    /** The value of a one-element tensor (bool as 0/1). */
    item() {
        return Number(native.item(this.handle));
    }
    /** Raw little-endian bytes in row-major order. */
    bytes() {
        return new Uint8Array(native.toBytes(this.handle));
    }
    toString() {
        return native.format(this.handle);
    }
    [inspect.custom]() {
        if (this.disposed)
            return 'Tensor(disposed)';
        return `Tensor(shape=[${this.shape.join(', ')}], dtype=${this.dtype}, device=${this.device}${this.requiresGrad ? ', requiresGrad' : ''})\n${this.toString()}`;
    }
    // --- conversion -------------------------------------------------------------------------------------
    /** Converts dtype and/or device; like PyTorch, returns a tensor sharing data when nothing changes. */
    to(target) {
        const spec = typeof target === 'string' ? (isDeviceName(target) ? { device: target } : { dtype: target }) : target;
        return new Tensor(native.to(this.handle, spec.dtype === undefined ? undefined : dtypeCode(spec.dtype), spec.device));
    }
    float() { return this.to({ dtype: 'float32' }); }
    double() { return this.to({ dtype: 'float64' }); }
    long() { return this.to({ dtype: 'int64' }); }
    clone() { return new Tensor(native.clone(this.handle)); }
    /** A tensor sharing data with this one, cut from the autograd graph. */
    detach() { return new Tensor(native.detach(this.handle)); }
    /** A dense tensor (this one's data when it already is) in NCHW order, or NHWC order for 'channelsLast' (4-D). */
    contiguous(format = 'contiguous') { return new Tensor(native.contiguous(this.handle, format === 'channelsLast')); }
    /** Makes this tensor hold `source`'s data and layout (same shape and dtype), keeping its identity and autograd role. */
    setData_(source) {
        native.setData_(this.handle, source.handle);
        this.cachedDevice = undefined; // the source may live on another device (Module.to)
        return this;
    }
    copy_(source) { native.copy_(this.handle, source.handle); return this; }
    zero_() { native.zero_(this.handle); return this; }
    fill_(value) { native.fill_(this.handle, value); return this; }
    uniform_(low = 0, high = 1) { native.uniform_(this.handle, low, high); return this; }
    normal_(mean = 0, std = 1) { native.normal_(this.handle, mean, std); return this; }
    bernoulli_(p = 0.5) { native.bernoulli_(this.handle, p); return this; }
    // --- autograd ---------------------------------------------------------------------------------------
    get requiresGrad() {
        return native.requiresGrad(this.handle);
    }
    requiresGrad_(requires = true) {
        native.setRequiresGrad(this.handle, requires);
        return this;
    }
    /** The accumulated gradient (a new reference each access), or undefined. */
    get grad() {
        const g = native.grad(this.handle);
        return g === undefined ? undefined : new Tensor(g);
    }
    set grad(value) {
        native.setGrad(this.handle, value?.handle);
    }
    get isLeaf() {
        return native.isLeaf(this.handle);
    }
    /** Name of the autograd node that produced this tensor, e.g. 'ConvolutionBackward0'. */
    get gradFn() {
        return native.gradFnName(this.handle);
    }
    retainGrad() { native.retainGrad(this.handle); return this; }
    /** Backpropagates from this tensor; a non-scalar tensor needs the gradient of its elements. */
    backward(gradient, options = {}) {
        native.backward(this.handle, gradient?.handle, options.retainGraph ?? false, options.createGraph ?? false);
    }
    // --- views and indexing ----------------------------------------------------------------------------
    reshape(shape) { return new Tensor(native.reshape(this.handle, shape)); }
    view(shape) { return new Tensor(native.view(this.handle, shape)); }
    permute(dims) { return new Tensor(native.permute(this.handle, dims)); }
    transpose(dim0, dim1) { return new Tensor(native.transpose(this.handle, dim0, dim1)); }
    /** Transpose of a 2-D tensor. */
    get T() { return this.transpose(0, 1); }
    narrow(dim, start, length) { return new Tensor(native.narrow(this.handle, dim, start, length)); }
    /** Elements start..end (exclusive) along dim, every step-th; start/end may be negative or omitted. */
    slice(dim, start, end, step = 1) {
        return new Tensor(native.slice(this.handle, dim, start, end, step));
    }
    /** The sub-tensor at `index` along `dim` (that dimension is removed). */
    select(dim, index) { return new Tensor(native.select(this.handle, dim, index)); }
    indexSelect(dim, index) { return new Tensor(native.indexSelect(this.handle, dim, index.handle)); }
    gather(dim, index) { return new Tensor(native.gather(this.handle, dim, index.handle)); }
    scatter(dim, index, source) { return new Tensor(native.scatter(this.handle, dim, index.handle, source.handle)); }
    maskedSelect(mask) { return new Tensor(native.maskedSelect(this.handle, mask.handle)); }
    maskedFill(mask, value) { return new Tensor(native.maskedFill(this.handle, mask.handle, h(value))); }
    maskedFill_(mask, value) { native.maskedFill_(this.handle, mask.handle, h(value)); return this; }
    split(sizeOrSizes, dim = 0) { return wrapAll(native.split(this.handle, sizeOrSizes, dim)); }
    chunk(chunks, dim = 0) { return wrapAll(native.chunk(this.handle, chunks, dim)); }
    unbind(dim = 0) { return wrapAll(native.unbind(this.handle, dim)); }
    flatten(startDim = 0, endDim = -1) { return new Tensor(native.flatten(this.handle, startDim, endDim)); }
    squeeze(dim) { return new Tensor(native.squeeze(this.handle, dim)); }
    unsqueeze(dim) { return new Tensor(native.unsqueeze(this.handle, dim)); }
    /** Broadcasts to `shape`; -1 keeps a dimension. */
    expand(shape) { return new Tensor(native.expand(this.handle, shape)); }
    repeat(repeats) { return new Tensor(native.repeat(this.handle, repeats)); }
    flip(dims) { return new Tensor(native.flip(this.handle, dims)); }
    // --- arithmetic (broadcasting) ----------------------------------------------------------------------
    /** this + alpha * other */
    add(other, alpha) { return new Tensor(native.add(this.handle, h(other), alpha)); }
    /** this - alpha * other */
    sub(other, alpha) { return new Tensor(native.sub(this.handle, h(other), alpha)); }
    mul(other) { return new Tensor(native.mul(this.handle, h(other))); }
    /** True division unless a rounding mode is given. */
    div(other, roundingMode) { return new Tensor(native.div(this.handle, h(other), roundingMode)); }
    remainder(other) { return new Tensor(native.remainder(this.handle, h(other))); }
    pow(exponent) { return new Tensor(native.pow(this.handle, h(exponent))); }
    neg() { return new Tensor(native.neg(this.handle)); }
    add_(other, alpha) { native.add_(this.handle, h(other), alpha); return this; }
    sub_(other, alpha) { native.sub_(this.handle, h(other), alpha); return this; }
    mul_(other) { native.mul_(this.handle, h(other)); return this; }
    div_(other) { native.div_(this.handle, h(other)); return this; }
    /** this += value * a * b */
    addcmul_(a, b, value = 1) { native.addcmul_(this.handle, a.handle, b.handle, value); return this; }
    /** this += value * a / b */
    addcdiv_(a, b, value = 1) { native.addcdiv_(this.handle, a.handle, b.handle, value); return this; }
    maximum(other) { return new Tensor(native.maximum(this.handle, other.handle)); }
    minimum(other) { return new Tensor(native.minimum(this.handle, other.handle)); }
    matmul(other) { return new Tensor(native.matmul(this.handle, other.handle)); }
    /** Kronecker product. */
    kron(other) { return new Tensor(native.kron(this.handle, other.handle)); }
    outer(other) { return new Tensor(native.outer(this.handle, other.handle)); }
    // --- elementwise math ------------------------------------------------------------------------------
    abs() { return new Tensor(native.abs(this.handle)); }
    sign() { return new Tensor(native.sign(this.handle)); }
    exp() { return new Tensor(native.exp(this.handle)); }
    log() { return new Tensor(native.log(this.handle)); }
    sqrt() { return new Tensor(native.sqrt(this.handle)); }
    rsqrt() { return new Tensor(native.rsqrt(this.handle)); }
    square() { return new Tensor(native.square(this.handle)); }
    reciprocal() { return new Tensor(native.reciprocal(this.handle)); }
    floor() { return new Tensor(native.floor(this.handle)); }
    ceil() { return new Tensor(native.ceil(this.handle)); }
    round() { return new Tensor(native.round(this.handle)); }
    sin() { return new Tensor(native.sin(this.handle)); }
    cos() { return new Tensor(native.cos(this.handle)); }
    sigmoid() { return new Tensor(native.sigmoid(this.handle)); }
    tanh() { return new Tensor(native.tanh(this.handle)); }
    relu() { return new Tensor(native.relu(this.handle)); }
    relu_() { native.relu_(this.handle); return this; }
    clamp(min, max) { return new Tensor(native.clamp(this.handle, min, max)); }
    clamp_(min, max) { native.clamp_(this.handle, min, max); return this; }
    isnan() { return new Tensor(native.isnan(this.handle)); }
    isfinite() { return new Tensor(native.isfinite(this.handle)); }
    logicalNot() { return new Tensor(native.logicalNot(this.handle)); }
    logicalAnd(other) { return new Tensor(native.logicalAnd(this.handle, other.handle)); }
    logicalOr(other) { return new Tensor(native.logicalOr(this.handle, other.handle)); }
    // --- comparisons (bool tensors) ---------------------------------------------------------------------
    eq(other) { return new Tensor(native.eq(this.handle, h(other))); }
    ne(other) { return new Tensor(native.ne(this.handle, h(other))); }
    lt(other) { return new Tensor(native.lt(this.handle, h(other))); }
    le(other) { return new Tensor(native.le(this.handle, h(other))); }
    gt(other) { return new Tensor(native.gt(this.handle, h(other))); }
    ge(other) { return new Tensor(native.ge(this.handle, h(other))); }
    /** Same shape and exactly equal elements. */
    equal(other) { return native.equal(this.handle, other.handle); }
    allclose(other, rtol = 1e-5, atol = 1e-8) { return native.allclose(this.handle, other.handle, rtol, atol); }
    // --- reductions ---------------------------------------------------------------------------------------
    sum(dims, keepdim = false, dtype) {
        return new Tensor(native.sum(this.handle, dims, keepdim, dtype === undefined ? undefined : dtypeCode(dtype)));
    }
    mean(dims, keepdim = false) { return new Tensor(native.mean(this.handle, dims, keepdim)); }
    prod(dim, keepdim = false) { return new Tensor(native.prod(this.handle, dim, keepdim)); }
    /** Variance; `correction` 1 (default) is the unbiased estimator, 0 the population variance. */
    var(dims, options = {}) {
        return new Tensor(native.var(this.handle, dims, options.keepdim ?? false, options.correction ?? 1));
    }
    std(dims, options = {}) {
        return new Tensor(native.std(this.handle, dims, options.keepdim ?? false, options.correction ?? 1));
    }
    max(dim, keepdim = false) {
        if (dim === undefined)
            return new Tensor(native.max(this.handle));
        const [values, indices] = wrapAll(native.max(this.handle, dim, keepdim));
        return { values: values, indices: indices };
    }
    min(dim, keepdim = false) {
        if (dim === undefined)
            return new Tensor(native.min(this.handle));
        const [values, indices] = wrapAll(native.min(this.handle, dim, keepdim));
        return { values: values, indices: indices };
    }
    argmax(dim, keepdim = false) { return new Tensor(native.argmax(this.handle, dim, keepdim)); }
    argmin(dim, keepdim = false) { return new Tensor(native.argmin(this.handle, dim, keepdim)); }
    /** p-norm over all elements or over `dims`. */
    norm(p = 2, dims, keepdim = false) { return new Tensor(native.norm(this.handle, p, dims, keepdim)); }
    topk(k, options = {}) {
        const [values, indices] = wrapAll(native.topk(this.handle, k, options.dim ?? -1, options.largest ?? true, options.sorted ?? true));
        return { values: values, indices: indices };
    }
    sort(dim = -1, descending = false) {
        const [values, indices] = wrapAll(native.sort(this.handle, dim, descending));
        return { values: values, indices: indices };
    }
    cumsum(dim) { return new Tensor(native.cumsum(this.handle, dim)); }
    logsumexp(dims, keepdim = false) { return new Tensor(native.logsumexp(this.handle, dims, keepdim)); }
    all() { return new Tensor(native.all(this.handle)); }
    any() { return new Tensor(native.any(this.handle)); }
}
function isDeviceName(s) {
    return s === 'cpu' || s === 'cuda' || s.startsWith('cuda:');
}
/** @internal */
export function wrapAll(handles) {
    return handles.map((x) => new Tensor(x));
}
// --- creation --------------------------------------------------------------------------------------------
function creationArgs(options, defaultDtype) {
    const dtype = options.dtype ?? defaultDtype;
    if (options.requiresGrad && dtype !== undefined && !isFloating(dtype)) {
        throw new TypeError(`requiresGrad needs a floating-point dtype, got ${dtype}`);
    }
    return [dtype === undefined ? undefined : dtypeCode(dtype), options.device, options.requiresGrad ?? false];
}
function checkShape(shape, op) {
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
        throw new TypeError(`${op}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
    }
    return shape;
}
export const zeros = (shape, options = {}) => new Tensor(native.zeros(checkShape(shape, 'zeros'), ...creationArgs(options, 'float32')));
export const ones = (shape, options = {}) => new Tensor(native.ones(checkShape(shape, 'ones'), ...creationArgs(options, 'float32')));
/** Uninitialised memory: every element must be written before it is read. */
export const empty = (shape, options = {}) => new Tensor(native.empty(checkShape(shape, 'empty'), ...creationArgs(options, 'float32')));
export const full = (shape, value, options = {}) => new Tensor(native.full(checkShape(shape, 'full'), value, ...creationArgs(options, typeof value === 'boolean' ? 'bool' : 'float32')));
/** Uniform samples in [0, 1). */
export const rand = (shape, options = {}) => new Tensor(native.rand(checkShape(shape, 'rand'), ...creationArgs(options, 'float32')));
/** Standard normal samples. */
export const randn = (shape, options = {}) => new Tensor(native.randn(checkShape(shape, 'randn'), ...creationArgs(options, 'float32')));
/** Integers uniform in [low, high). */
export const randint = (low, high, shape, options = {}) => new Tensor(native.randint(low, high, checkShape(shape, 'randint'), ...creationArgs(options, 'int64')));
/** A random permutation of 0..n-1 (int64). */
export const randperm = (n, options = {}) => new Tensor(native.randperm(n, ...creationArgs(options, 'int64')));
export const eye = (n, options = {}) => new Tensor(native.eye(n, ...creationArgs(options, 'float32')));
/** arange(end) or arange(start, end, step); integral arguments give int64 unless a dtype is given. */
export function arange(startOrEnd, end, step = 1, options = {}) {
    const [start, stop] = end === undefined ? [0, startOrEnd] : [startOrEnd, end];
    return new Tensor(native.arange(start, stop, step, ...creationArgs(options, undefined)));
}
export const linspace = (start, end, steps, options = {}) => new Tensor(native.linspace(start, end, steps, ...creationArgs(options, 'float32')));
export const zerosLike = (t, dtype) => new Tensor(native.zerosLike(t.handle, dtype && dtypeCode(dtype)));
export const onesLike = (t, dtype) => new Tensor(native.onesLike(t.handle, dtype && dtypeCode(dtype)));
export const fullLike = (t, value) => new Tensor(native.fullLike(t.handle, value));
export const randLike = (t) => new Tensor(native.randLike(t.handle));
export const randnLike = (t) => new Tensor(native.randnLike(t.handle));
/** A tensor holding a copy of raw little-endian bytes interpreted as `dtype` with `shape`. */
export function fromBytes(bytes, dtype, shape, options = {}) {
    const t = new Tensor(native.fromBytes(bytes, dtypeCode(dtype), checkShape(shape, 'fromBytes'), options.device));
    if (options.requiresGrad)
        t.requiresGrad_(true);
    return t;
}
/** A tensor copied from a typed array; its dtype follows the array type unless given. */
export function fromTypedArray(array, shape, options = {}) {
    const own = dtypeOfTypedArray(array);
    const itemSize = array.BYTES_PER_ELEMENT;
    const t = new Tensor(native.fromBytes(array, dtypeCode(own), shape ?? [array.byteLength / itemSize], options.device));
    if (options.dtype === undefined || options.dtype === own)
        return options.requiresGrad ? t.requiresGrad_(true) : t;
    const converted = t.to({ dtype: options.dtype });
    t.dispose();
    return options.requiresGrad ? converted.requiresGrad_(true) : converted;
}
/** Shape of a rectangular nested array; throws on ragged input. */
function inferShape(data) {
    const shape = [];
    let level = data;
    while (Array.isArray(level)) {
        shape.push(level.length);
        level = level[0];
    }
    return shape;
}
/**
 * A tensor from a number, boolean, nested array or typed array. Nested arrays of numbers default to
 * float32 (JS cannot tell 1 from 1.0); of booleans to bool. Pass `dtype` for anything else.
 */
export function tensor(data, options = {}) {
    if (ArrayBuffer.isView(data))
        return fromTypedArray(data, undefined, options);
    const shape = inferShape(data);
    const flat = [];
    const visit = (value, dim) => {
        if (dim === shape.length) {
            if (typeof value !== 'number' && typeof value !== 'boolean')
                throw new TypeError('tensor: ragged or non-numeric nested array');
            flat.push(value);
            return;
        }
        if (!Array.isArray(value) || value.length !== shape[dim])
            throw new TypeError(`tensor: ragged nested array at depth ${dim}`);
        for (const v of value)
            visit(v, dim + 1);
    };
    visit(data, 0);
    const isBool = flat.length > 0 && typeof flat[0] === 'boolean';
    const dtype = options.dtype ?? (isBool ? 'bool' : 'float32');
    let array;
    switch (dtype) {
        case 'float64':
            array = Float64Array.from(flat, Number);
            break;
        case 'int64':
            array = BigInt64Array.from(flat, (v) => BigInt(Math.trunc(Number(v))));
            break;
        case 'int32':
            array = Int32Array.from(flat, Number);
            break;
        case 'int16':
            array = Int16Array.from(flat, Number);
            break;
        case 'int8':
            array = Int8Array.from(flat, Number);
            break;
        case 'uint8':
        case 'bool':
            array = Uint8Array.from(flat, (v) => Number(v));
            break;
        default: array = Float32Array.from(flat, Number);
    }
    const storedAs = dtype === 'bool' ? 'bool' : dtypeOfTypedArray(array);
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
export const scalar = (value, options = {}) => tensor(value, options);
// --- joining and selection -------------------------------------------------------------------------------
export const cat = (tensors, dim = 0) => new Tensor(native.cat(tensors.map((t) => t.handle), dim));
export const stack = (tensors, dim = 0) => new Tensor(native.stack(tensors.map((t) => t.handle), dim));
/** Elementwise choice: a where condition is true, else b. */
export const where = (condition, a, b) => new Tensor(native.where(condition.handle, h(a), h(b)));
//# sourceMappingURL=tensor.js.map
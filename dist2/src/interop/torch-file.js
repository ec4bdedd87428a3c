// Reads PyTorch's torch.save files without Python and without executing them: the zip format of
// PyTorch >= 1.6 (archive/data.pkl plus one entry per storage) and the legacy format before it (a
// sequence of pickles followed by the raw storages). The pickle is read by the restricted reader
// (pickle.ts) with an allowlist of exactly the globals a state dict needs; tensors come back as plain
// byte arrays (StoredTensor) so that nothing is allocated in the engine for what the caller drops.
import { ITEM_SIZE } from '../engine/dtype.js';
import { describeValue } from '../util/describe.js';
import { unpickle, UnpicklingError } from '../util/pickle.js';
import { readZipDirectory, readZipEntry, ZipError } from './zip.js';
/** A tensor as stored in the file: dtype, shape and its bytes in row-major order (little-endian). */
export class StoredTensor {
    dtype;
    shape;
    bytes;
    constructor(dtype, shape, bytes) {
        this.dtype = dtype;
        this.shape = shape;
        this.bytes = bytes;
    }
    get numel() {
        return this.shape.reduce((a, b) => a * b, 1);
    }
}
export class TorchFileError extends Error {
    constructor(file, problem) {
        super(`${file}: ${problem}`);
        this.name = 'TorchFileError';
    }
}
/** torch's legacy typed storage classes, as the pickle names them, and their element types. */
const STORAGE_TYPES = {
    FloatStorage: 'float32', DoubleStorage: 'float64', HalfStorage: 'float16', BFloat16Storage: 'bfloat16',
    LongStorage: 'int64', IntStorage: 'int32', ShortStorage: 'int16', CharStorage: 'int8', ByteStorage: 'uint8', BoolStorage: 'bool',
};
class StorageType {
    dtype;
    constructor(dtype) {
        this.dtype = dtype;
    }
}
/** A storage's bytes once the persistent id is resolved. */
class Storage {
    dtype;
    bytes;
    constructor(dtype, bytes) {
        this.dtype = dtype;
        this.bytes = bytes;
    }
}
/**
 * What a reader may allocate for tensors: their bytes in all, counted as each is gathered. A file's tensors
 * normally total less than the file itself; views that repeat a storage (stride 0, overlapping tensors) could
 * otherwise turn a small file into gigabytes.
 */
class ByteBudget {
    limit;
    used = 0;
    constructor(limit) {
        this.limit = limit;
    }
    take(bytes, what) {
        if (this.used + bytes > this.limit) {
            throw new UnpicklingError(`${what} needs ${bytes} bytes, beyond the ${this.limit} bytes this file's tensors may take (its views repeat their storages, or it is not a checkpoint of this size)`);
        }
        this.used += bytes;
    }
}
/** Copies the strided view (offset, size, stride in elements) of a storage into row-major bytes. */
function gather(storage, offset, size, stride, budget) {
    const item = ITEM_SIZE[storage.dtype];
    const shape = `[${size.join(', ')}]`;
    if (offset < 0)
        throw new UnpicklingError(`a tensor of shape ${shape} starts at a negative storage offset (${offset})`);
    if (size.some((d) => d < 0))
        throw new UnpicklingError(`a tensor has a negative size ${shape}`);
    if (stride.some((d) => d < 0))
        throw new UnpicklingError(`a tensor of shape ${shape} has a negative stride [${stride.join(', ')}]`);
    const numel = size.reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(numel * item))
        throw new UnpicklingError(`a tensor of shape ${shape} is too large`);
    if (numel === 0)
        return new Uint8Array(0);
    let extent = offset;
    for (let d = 0; d < size.length; d++)
        extent += (size[d] - 1) * stride[d];
    if ((extent + 1) * item > storage.bytes.length)
        throw new UnpicklingError(`a tensor of shape ${shape} reaches past the end of its storage`);
    budget.take(numel * item, `a tensor of shape ${shape}`);
    const out = new Uint8Array(numel * item);
    const contiguous = size.every((_, d) => size[d] === 1 || stride[d] === size.slice(d + 1).reduce((a, b) => a * b, 1));
    if (contiguous) {
        out.set(storage.bytes.subarray(offset * item, (offset + numel) * item));
        return out;
    }
    const index = new Array(size.length).fill(0);
    for (let i = 0; i < numel; i++) {
        let at = offset;
        for (let d = 0; d < size.length; d++)
            at += index[d] * stride[d];
        out.set(storage.bytes.subarray(at * item, (at + 1) * item), i * item);
        for (let d = size.length - 1; d >= 0; d--) {
            if (++index[d] < size[d])
                break;
            index[d] = 0;
        }
    }
    return out;
}
const isIntList = (v) => Array.isArray(v) && v.every((x) => Number.isInteger(x));
function rebuildTensor(args, budget) {
    const [storage, offset, size, stride] = args;
    if (!(storage instanceof Storage) || !Number.isInteger(offset) || !isIntList(size) || !isIntList(stride) || size.length !== stride.length) {
        throw new UnpicklingError('malformed tensor record (_rebuild_tensor_v2 arguments)');
    }
    return new StoredTensor(storage.dtype, size, gather(storage, offset, size, stride, budget));
}
/** The globals of a pickle whose tensors are gathered under `budget` (resolveGlobal otherwise). */
function globalsWith(budget) {
    return (module, name) => (module === 'torch._utils' && (name === '_rebuild_tensor_v2' || name === '_rebuild_tensor')
        ? ((args) => rebuildTensor(args, budget))
        : resolveGlobal(module, name));
}
/**
 * The only Python names a state-dict pickle may use. Anything else (os.system, builtins.eval, a pickled
 * nn.Module class, numpy objects) is refused with its name.
 */
function resolveGlobal(module, name) {
    const full = `${module}.${name}`;
    if (full === 'collections.OrderedDict') {
        return ((args) => new Map(Array.isArray(args[0]) ? args[0] : []));
    }
    if (full === 'torch._utils._rebuild_parameter')
        return ((args) => args[0]);
    if (module === 'torch' && Object.hasOwn(STORAGE_TYPES, name))
        return new StorageType(STORAGE_TYPES[name]);
    const hint = module.startsWith('torch.nn') || module.startsWith('__main__') || /^models?\b/.test(module)
        ? ' (the file holds a pickled model object, not a state dict: in Python, torch.save(model.state_dict(), path) and import that)'
        : '';
    throw new UnpicklingError(`refused to load the Python global '${full}': a state-dict file needs only OrderedDict, tensor rebuild functions and storage types${hint}`);
}
function storageFromPid(pid, load) {
    if (!Array.isArray(pid) || pid[0] !== 'storage' || !(pid[1] instanceof StorageType) || typeof pid[2] !== 'string' || !Number.isInteger(pid[4])) {
        throw new UnpicklingError(`unknown persistent id ${describeValue(pid)}`);
    }
    const dtype = pid[1].dtype;
    return new Storage(dtype, load(pid[2], dtype, pid[4]));
}
/** The zip format (PyTorch >= 1.6): <archive>/data.pkl and <archive>/data/<key> per storage. */
function readZip(file, bytes, budget) {
    let entries;
    try {
        entries = readZipDirectory(bytes);
    }
    catch (err) {
        if (err instanceof ZipError)
            throw new TorchFileError(file, `not a readable zip archive (${err.message})`);
        throw err;
    }
    const pkl = [...entries.keys()].find((name) => name.endsWith('/data.pkl') || name === 'data.pkl');
    if (pkl === undefined)
        throw new TorchFileError(file, 'a zip archive without data.pkl: not a file written by torch.save');
    const root = pkl.slice(0, pkl.length - 'data.pkl'.length);
    const entry = (name) => {
        const e = entries.get(name);
        if (e === undefined)
            return undefined;
        if (e.method !== 0)
            budget.take(e.size, `archive entry '${name}'`);
        return readZipEntry(bytes, e);
    };
    const order = entry(`${root}byteorder`);
    if (order !== undefined && new TextDecoder().decode(order).trim() !== 'little')
        throw new TorchFileError(file, 'big-endian tensors are not supported');
    // Each storage's bytes are its archive entry (read once); tensors sharing a storage see the same bytes.
    const storages = new Map();
    const persistentLoad = (pid) => storageFromPid(pid, (key, dtype, numel) => {
        let data = storages.get(key);
        if (data === undefined) {
            data = entry(`${root}data/${key}`);
            if (data === undefined)
                throw new UnpicklingError(`storage '${key}' is missing from the archive`);
            storages.set(key, data);
        }
        if (data.length < numel * ITEM_SIZE[dtype])
            throw new UnpicklingError(`storage '${key}' holds ${data.length} bytes, fewer than its ${numel} ${dtype} elements`);
        return data;
    });
    return unpickle(entry(pkl), { resolveGlobal: globalsWith(budget), persistentLoad }).value;
}
/**
 * The legacy format (torch.save before 1.6): pickles of a magic number, the protocol version and system
 * info, then the object, then the list of storage keys, then each storage as an 8-byte element count
 * followed by its bytes, in that order. The storages come after the object, so tensors are gathered last.
 */
function readLegacy(bytes, budget) {
    const plain = { resolveGlobal };
    const magic = unpickle(bytes, plain, 0);
    if (magic.value !== 0x1950a86a20f9469cfc6cn)
        throw new UnpicklingError('not a torch.save file (bad magic number)');
    const protocol = unpickle(bytes, plain, magic.end);
    if (protocol.value !== 1001)
        throw new UnpicklingError(`unsupported legacy protocol version ${String(protocol.value)}`);
    const sysInfo = unpickle(bytes, plain, protocol.end);
    if (sysInfo.value instanceof Map && sysInfo.value.get('little_endian') === false)
        throw new UnpicklingError('big-endian tensors are not supported');
    const storages = new Map();
    const persistentLoad = (pid) => {
        // ('storage', type, key, location, size, view_metadata): a view into another storage (old torch) would need
        // an offset into its root; refuse it rather than read the wrong bytes.
        if (Array.isArray(pid) && pid.length > 5 && pid[5] !== null)
            throw new UnpicklingError('storage views (view_metadata) in legacy files are not supported');
        const storage = storageFromPid(pid, () => new Uint8Array(0));
        const key = String(pid[2]);
        if (!storages.has(key))
            storages.set(key, storage);
        return storages.get(key);
    };
    const tensors = [];
    const deferredRebuild = (args) => {
        const [storage, , size] = args;
        if (!(storage instanceof Storage) || !isIntList(size))
            throw new UnpicklingError('malformed tensor record (_rebuild_tensor arguments)');
        const t = new StoredTensor(storage.dtype, size, new Uint8Array(0));
        tensors.push([t, args]);
        return t;
    };
    const resolveDeferred = (module, name) => module === 'torch._utils' && (name === '_rebuild_tensor_v2' || name === '_rebuild_tensor') ? deferredRebuild : resolveGlobal(module, name);
    const main = unpickle(bytes, { resolveGlobal: resolveDeferred, persistentLoad }, sysInfo.end);
    const keys = unpickle(bytes, plain, main.end);
    if (!Array.isArray(keys.value))
        throw new UnpicklingError('malformed legacy file: no storage key list');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let pos = keys.end;
    for (const key of keys.value) {
        const storage = storages.get(String(key));
        if (pos + 8 > bytes.length)
            throw new UnpicklingError(`truncated file: storage '${String(key)}' is missing`);
        const numel = Number(view.getBigInt64(pos, true));
        const size = numel * ITEM_SIZE[storage?.dtype ?? 'uint8'];
        pos += 8;
        if (numel < 0 || pos + size > bytes.length)
            throw new UnpicklingError(`truncated file: storage '${String(key)}' needs ${size} bytes`);
        if (storage)
            storage.bytes = bytes.subarray(pos, pos + size);
        pos += size;
    }
    for (const [t, args] of tensors)
        t.bytes = rebuildTensor(args, budget).bytes;
    return main.value;
}
/** Reads a torch.save file (zip or legacy) into plain values: Maps, arrays, numbers, strings, StoredTensors. */
export function readTorchFile(file, bytes, options = {}) {
    const budget = new ByteBudget(Math.min(options.maxTensorBytes ?? Infinity, 2 * bytes.length + (64 << 20)));
    try {
        if (bytes[0] === 0x50 && bytes[1] === 0x4b)
            return readZip(file, bytes, budget); // 'PK': a zip archive
        if (bytes[0] === 0x80)
            return readLegacy(bytes, budget);
    }
    catch (err) {
        if (err instanceof UnpicklingError || err instanceof ZipError)
            throw new TorchFileError(file, err.message);
        if (err instanceof RangeError)
            throw new TorchFileError(file, `malformed pickle (${err.message})`);
        throw err;
    }
    throw new TorchFileError(file, 'not a PyTorch checkpoint (neither the zip format nor the legacy pickle format)');
}
//# sourceMappingURL=torch-file.js.map
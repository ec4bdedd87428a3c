// CIFAR in the Python layout, as the seed repositories and torchvision download it: cifar-10-batches-py/
// (data_batch_1..5, test_batch, batches.meta) and cifar-100-python/ (train, test, meta). Each file is a pickled
// dict {data: uint8 array [N, 3072] (R, G, B planes of 32x32), labels (CIFAR-100: fine_labels): [N] ints}, written
// by Python 2 (keys and the array's raw data as str) or by Python 3 at protocol 2 (raw data as
// _codecs.encode(str, 'latin1')). The restricted unpickler allows exactly what such a uint8 array needs; any
// other global (os.system, builtins.eval, another dtype) is refused without running anything.
import { readFileSync, statSync } from 'node:fs';
import { latin1Bytes, unpickle, UnpicklingError } from '../util/pickle.js';
/** A numpy array being rebuilt: _reconstruct makes it empty, BUILD gives it shape and data. */
class NumpyArray {
    shape = [];
    data;
}
/** numpy.dtype('u1'): the one element type a CIFAR array has. */
class NumpyDtype {
    type;
    constructor(type) {
        this.type = type;
    }
}
const NDARRAY_CLASS = Symbol('numpy.ndarray');
const reconstruct = (args) => {
    if (args[0] !== NDARRAY_CLASS)
        throw new UnpicklingError('numpy _reconstruct of something other than numpy.ndarray');
    return new NumpyArray();
};
const dtype = (args) => {
    if (args[0] !== 'u1')
        throw new UnpicklingError(`a numpy array of dtype '${String(args[0])}'; CIFAR's arrays are uint8 ('u1')`);
    return new NumpyDtype('u1');
};
/** _codecs.encode(text, 'latin1'): how Python 3 pickles bytes at protocol 2. */
const encode = (args) => {
    const [text, encoding] = args;
    if (typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1'))
        throw new UnpicklingError('_codecs.encode is allowed only as bytes(text, latin1)');
    const bytes = latin1Bytes(text);
    if (bytes === undefined)
        throw new UnpicklingError('_codecs.encode of text that is not latin-1');
    return bytes;
};
const ALLOWED = {
    'numpy.core.multiarray._reconstruct': reconstruct,
    'numpy._core.multiarray._reconstruct': reconstruct,
    'numpy.ndarray': NDARRAY_CLASS,
    'numpy.dtype': dtype,
    '_codecs.encode': encode,
};
function resolveGlobal(module, name) {
    const found = ALLOWED[`${module}.${name}`];
    if (found === undefined)
        throw new UnpicklingError(`the pickle asks for ${module}.${name}, which a CIFAR file never needs; refused`);
    return found;
}
/** BUILD of a numpy array (version, shape, dtype, Fortran order, raw data) or dtype (byte order and flags). */
function build(obj, state) {
    if (!Array.isArray(state))
        throw new UnpicklingError('BUILD state of a numpy object is not a tuple');
    if (obj instanceof NumpyDtype) {
        if (state[1] !== '|' && state[1] !== '<' && state[1] !== '=')
            throw new UnpicklingError(`numpy dtype byte order '${String(state[1])}'`);
        return obj;
    }
    if (!(obj instanceof NumpyArray))
        throw new UnpicklingError('BUILD on something other than a numpy array or dtype');
    const [, shape, type, fortran, raw] = state;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0))
        throw new UnpicklingError('numpy array shape is not a tuple of sizes');
    if (!(type instanceof NumpyDtype))
        throw new UnpicklingError('numpy array without a uint8 dtype');
    if (fortran !== false)
        throw new UnpicklingError('numpy array in Fortran order');
    const data = typeof raw === 'string' ? latin1Bytes(raw) : raw;
    if (!(data instanceof Uint8Array))
        throw new UnpicklingError('numpy array data is not a byte string');
    const size = shape.reduce((a, b) => a * b, 1);
    if (data.length !== size)
        throw new UnpicklingError(`numpy array of shape [${shape.join(', ')}] with ${data.length} data bytes`);
    obj.shape = shape;
    obj.data = data;
    return obj;
}
/** Reads a pickle of the Python CIFAR layout with only the globals above allowed. */
export function unpickleCifar(path) {
    // A CIFAR-10 batch is about 30 MiB; the training file of CIFAR-100 about 150 MiB.
    if (statSync(path).size > 512 * 2 ** 20)
        throw new UnpicklingError(`${path}: ${statSync(path).size} bytes is larger than any CIFAR file`);
    const { value } = unpickle(new Uint8Array(readFileSync(path)), { resolveGlobal, build });
    if (!(value instanceof Map))
        throw new UnpicklingError(`${path}: the pickle holds no dict`);
    return value;
}
/** Images [N, 3072] and labels of one Python-layout CIFAR file (`labelKey`: labels or fine_labels). */
export function readCifarPythonBatch(path, labelKey) {
    const dict = unpickleCifar(path);
    const data = dict.get('data');
    const labels = dict.get(labelKey);
    if (!(data instanceof NumpyArray) || data.data === undefined)
        throw new UnpicklingError(`${path}: no uint8 array under 'data'`);
    if (data.shape.length !== 2 || data.shape[1] !== 3072)
        throw new UnpicklingError(`${path}: 'data' has shape [${data.shape.join(', ')}], CIFAR's is [N, 3072]`);
    if (!Array.isArray(labels) || labels.length !== data.shape[0] || !labels.every((l) => Number.isInteger(l))) {
        throw new UnpicklingError(`${path}: '${labelKey}' is not a list of ${data.shape[0]} integer labels`);
    }
    return { images: data.data, labels: labels };
}
/** The class names a meta file lists (label_names, or fine_label_names for CIFAR-100). */
export function readCifarPythonClassNames(path, key) {
    const names = unpickleCifar(path).get(key);
    return Array.isArray(names) && names.every((n) => typeof n === 'string') ? names : undefined;
}
//# sourceMappingURL=cifar-python.js.map
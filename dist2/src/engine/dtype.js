// Data types and their JS representations.
import { native } from './native.js';
export const DTYPES = ['float32', 'float64', 'float16', 'bfloat16', 'int64', 'int32', 'int16', 'int8', 'uint8', 'bool'];
/** Bytes per element. */
export const ITEM_SIZE = {
    float32: 4, float64: 8, float16: 2, bfloat16: 2, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1,
};
export const TYPED_ARRAY = {
    float32: Float32Array, float64: Float64Array, float16: Uint16Array, bfloat16: Uint16Array, int64: BigInt64Array,
    int32: Int32Array, int16: Int16Array, int8: Int8Array, uint8: Uint8Array, bool: Uint8Array,
};
const CODE_OF = native.dtypeCodes;
const DTYPE_OF_CODE = new Map(DTYPES.map((d) => [CODE_OF[d], d]));
export function dtypeCode(dtype) {
    const code = CODE_OF[dtype];
    if (code === undefined)
        throw new TypeError(`unknown dtype '${String(dtype)}' (expected one of ${DTYPES.join(', ')})`);
    return code;
}
export function dtypeFromCode(code) {
    const dtype = DTYPE_OF_CODE.get(code);
    if (dtype === undefined)
        throw new TypeError(`tensor has a dtype leanconv does not expose (code ${code})`);
    return dtype;
}
export function isFloating(dtype) {
    return dtype === 'float32' || dtype === 'float64' || dtype === 'float16' || dtype === 'bfloat16';
}
/** The dtype a typed array maps to when a tensor is built from it. */
export function dtypeOfTypedArray(array) {
    if (array instanceof Float32Array)
        return 'float32';
    if (array instanceof Float64Array)
        return 'float64';
    if (array instanceof BigInt64Array)
        return 'int64';
    if (array instanceof Int32Array)
        return 'int32';
    if (array instanceof Int16Array)
        return 'int16';
    if (array instanceof Int8Array)
        return 'int8';
    if (array instanceof Uint8Array || array instanceof Uint8ClampedArray)
        return 'uint8';
    throw new TypeError(`unsupported typed array ${array.constructor.name}; pass a dtype with raw bytes to fromBytes()`);
}
//# sourceMappingURL=dtype.js.map
export type DType = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';
export type FloatDType = 'float32' | 'float64' | 'float16' | 'bfloat16';
export declare const DTYPES: readonly DType[];
/** Bytes per element. */
export declare const ITEM_SIZE: Record<DType, number>;
/** The typed array that `Tensor.data()` returns for each dtype (half floats come back as raw uint16 bits). */
export interface TypedArrayFor {
    float32: Float32Array;
    float64: Float64Array;
    float16: Uint16Array;
    bfloat16: Uint16Array;
    int64: BigInt64Array;
    int32: Int32Array;
    int16: Int16Array;
    int8: Int8Array;
    uint8: Uint8Array;
    bool: Uint8Array;
}
export type AnyTypedArray = TypedArrayFor[DType];
type TypedArrayCtor = {
    new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): AnyTypedArray;
};
export declare const TYPED_ARRAY: Record<DType, TypedArrayCtor>;
export declare function dtypeCode(dtype: DType): number;
export declare function dtypeFromCode(code: number): DType;
export declare function isFloating(dtype: DType): dtype is FloatDType;
/** The dtype a typed array maps to when a tensor is built from it. */
export declare function dtypeOfTypedArray(array: ArrayBufferView): DType;
export {};

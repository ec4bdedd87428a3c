import { type DType } from '../engine/dtype.js';
/** A tensor as stored in the file: dtype, shape and its bytes in row-major order (little-endian). */
export declare class StoredTensor {
    readonly dtype: DType;
    readonly shape: number[];
    bytes: Uint8Array;
    constructor(dtype: DType, shape: number[], bytes: Uint8Array);
    get numel(): number;
}
export declare class TorchFileError extends Error {
    constructor(file: string, problem: string);
}
export interface TorchReadOptions {
    /**
     * Most bytes the file's tensors may take once read (all of them, optimizer state included). Default: twice
     * the file's size plus 64 MiB, which every checkpoint whose tensors do not repeat their storages fits.
     */
    maxTensorBytes?: number;
}
/** Reads a torch.save file (zip or legacy) into plain values: Maps, arrays, numbers, strings, StoredTensors. */
export declare function readTorchFile(file: string, bytes: Uint8Array, options?: TorchReadOptions): unknown;

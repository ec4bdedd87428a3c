import { type DType } from './dtype.js';
import { Tensor } from './tensor.js';
export interface TensorInfo {
    dtype: DType;
    shape: number[];
    /** Byte range [begin, end) within the data section. */
    dataOffsets: [number, number];
}
export interface SafetensorsHeader {
    tensors: Record<string, TensorInfo>;
    metadata: Record<string, string>;
    /** File offset of the data section (8 + header length). */
    dataStart: number;
}
export declare class SafetensorsError extends Error {
    constructor(file: string, problem: string);
}
/** Parses and strictly validates a header (`dataBytes`: the size of the data section). */
export declare function parseHeader(json: string, dataBytes: number, file?: string): SafetensorsHeader;
/** Reads and validates only the header of a file. */
export declare function readHeader(path: string): SafetensorsHeader;
export interface LoadedSafetensors {
    tensors: Record<string, Tensor>;
    metadata: Record<string, string>;
}
/** Loads every tensor (or only those named in `names`) from a file. */
export declare function loadSafetensors(path: string, names?: readonly string[]): LoadedSafetensors;
/** Encodes tensors into an in-memory safetensors buffer. */
export declare function serializeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Buffer;
/** Decodes an in-memory safetensors buffer. */
export declare function deserializeSafetensors(buffer: Uint8Array): LoadedSafetensors;
/**
 * Writes tensors to `path` atomically: data goes to a temporary file in the same directory, is flushed
 * to disk, then renamed over `path`. Tensors are written one at a time (never all in memory at once).
 */
export declare function saveSafetensors(path: string, tensors: Record<string, Tensor>, metadata?: Record<string, string>): void;

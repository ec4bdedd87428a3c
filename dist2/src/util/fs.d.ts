export declare class FileWriteError extends Error {
    readonly path: string;
    constructor(path: string, reason: string, options?: {
        cause?: unknown;
    });
}
/** Fails early, with the reason, when `path` cannot be written (missing directory, or a directory itself). */
export declare function checkWritableTarget(path: string): void;
/** Writes chunks to an open file descriptor (the callback form of writeFileAtomic). */
export type ChunkWriter = (chunk: Uint8Array) => void;
/**
 * Writes `data` (bytes, a string, or a function that writes chunks) to `path` atomically. On any
 * failure the previous file at `path` is left as it was and the temporary file is removed.
 */
export declare function writeFileAtomic(path: string, data: string | Uint8Array | ((write: ChunkWriter) => void)): void;

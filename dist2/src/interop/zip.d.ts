export declare class ZipError extends Error {
    constructor(message: string);
}
export interface ZipEntry {
    name: string;
    method: number;
    compressedSize: number;
    size: number;
    /** Offset of the entry's local header. */
    headerOffset: number;
}
/** The central directory of a zip archive: its entries by name. */
export declare function readZipDirectory(bytes: Uint8Array): Map<string, ZipEntry>;
/** An entry's bytes: a view of `bytes` for a stored entry, a new buffer of its declared size for a deflated one. */
export declare function readZipEntry(bytes: Uint8Array, entry: ZipEntry): Uint8Array;

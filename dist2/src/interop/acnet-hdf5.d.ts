import { type ImportOptions, type ImportResult } from './state-dict.js';
import { StoredTensor } from './torch-file.js';
/** The leanconv name of an official ACNet state-dict name for a leanconv model with an ACNet counterpart (undefined: none). */
export declare function acnetNameToLeanconv(model: string, official: string): string | undefined;
/**
 * Every top-level dataset of an HDF5 file by its name ('+' read back as '/', as ACNet's read_hdf5 does). The
 * datasets' declared sizes are checked against `maxBytes` before any is read: a small file can declare huge
 * datasets (a fill value, or gzip that expands).
 */
export declare function readHdf5Datasets(file: string, maxBytes?: number): Promise<Map<string, StoredTensor>>;
/** Reads an ACNet HDF5 weight file into a new leanconv model (strict names and shapes, as every import). */
export declare function importAcnetHdf5(file: string, options: ImportOptions): Promise<ImportResult>;

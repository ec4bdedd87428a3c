import { type ImportOptions, type ImportResult } from './state-dict.js';
import { StoredTensor } from './torch-file.js';
/** Keys under which training scripts keep the model's state dict (official HCGNet: 'net'; most: 'state_dict'). */
export declare const STATE_DICT_KEYS: readonly ["state_dict", "net", "model", "model_state_dict", "state"];
/** The state dict inside a loaded file, and where it was found ('' for the top level). */
export declare function findStateDict(file: string, value: unknown): {
    state: Map<string, StoredTensor>;
    path: string;
};
/** Drops the 'module.' prefix DistributedDataParallel / DataParallel put on every name. */
export declare function stripDataParallelPrefix(state: Map<string, StoredTensor>): Map<string, StoredTensor>;
/**
 * Reads a .pth / .pth.tar file and loads its weights into a new model (strictly: every name and shape must
 * match). The class count is taken from the classifier unless modelOptions.numClasses is given.
 */
export declare function importTorchWeights(file: string, options: ImportOptions): ImportResult;
/**
 * importTorchWeights in the form options.form names, or else in the first form whose names and shapes the file
 * fits exactly (base, deploy, ACNet training form): a converted CondenseNet's file fits only the deploy form.
 */
export declare function importTorchWeightsInAnyForm(file: string, options: ImportOptions): ImportResult;
/** Whether a file is HDF5 (ACNet's weight format), by its signature. */
export declare function isHdf5(file: string): boolean;
/**
 * Imports a weight file into a leanconv checkpoint at `out`: PyTorch files (importTorchWeights), or ACNet's
 * HDF5 files (acnet-hdf5.ts: official names mapped, the form read off the names). The checkpoint records
 * where the weights came from.
 */
export declare function importToCheckpoint(file: string, out: string, options: ImportOptions): Promise<ImportResult>;

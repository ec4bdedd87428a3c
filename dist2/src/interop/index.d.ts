export { findStateDict, importToCheckpoint, importTorchWeights, STATE_DICT_KEYS, stripDataParallelPrefix } from './import.js';
export { buildImportTarget, ImportError, loadStoredState, tensorBudget, type ImportOptions, type ImportResult } from './state-dict.js';
export { pythonAttributes, unpickle, UnpicklingError, type PyCallable, type UnpickleOptions } from '../util/pickle.js';
export { readTorchFile, StoredTensor, TorchFileError } from './torch-file.js';
export { importAcnetHdf5, readHdf5Datasets } from './acnet-hdf5.js';

// Reading other frameworks' files: PyTorch checkpoints (without executing their pickles) into leanconv models.
export { findStateDict, importToCheckpoint, importTorchWeights, STATE_DICT_KEYS, stripDataParallelPrefix } from './import.js';
export { buildImportTarget, ImportError, loadStoredState, tensorBudget } from './state-dict.js';
export { pythonAttributes, unpickle, UnpicklingError } from '../util/pickle.js';
export { readTorchFile, StoredTensor, TorchFileError } from './torch-file.js';
export { importAcnetHdf5, readHdf5Datasets } from './acnet-hdf5.js';
//# sourceMappingURL=index.js.map
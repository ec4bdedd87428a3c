// Reading other frameworks' files: PyTorch checkpoints (without executing their pickles) into leanconv models.
export { findStateDict, importToCheckpoint, importTorchWeights, importWeights, registerWeightFormat, STATE_DICT_KEYS, stripDataParallelPrefix, weightFormats, type WeightFormat } from './import.js';
export { buildImportTarget, ImportError, loadStoredState, tensorBudget, type ImportOptions, type ImportResult } from './state-dict.js';
export { pythonAttributes, unpickle, UnpicklingError, type PyCallable, type UnpickleOptions } from '../util/pickle.js';
export { readTorchFile, StoredTensor, TorchFileError } from './torch-file.js';

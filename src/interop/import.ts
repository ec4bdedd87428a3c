// Brings weights published for the papers' official code (PyTorch .pth / .pth.tar files, ACNet's HDF5) into a leanconv
// checkpoint that eval, convert and export understand. leanconv's paper models use the official
// state-dict names and its baselines torchvision's, so importing is: read the file safely (torch-file.ts),
// find the state dict inside the training wrapper, drop DDP's 'module.' prefix, infer the class count
// from the classifier, and check every name and shape against the model before writing anything.
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';

import { fromBytes } from '../engine/tensor.js';
import type { Tensor } from '../engine/tensor.js';
import { buildModel, type ModelForm } from '../convert/form.js';
import type { TransformSpec } from '../data/transforms.js';
import { defaultEvalPreprocessing, getModelSpec, type ModelOptions, resolveModelOptions } from '../models/index.js';
import { Linear } from '../nn/layers.js';
import type { Module } from '../nn/module.js';
import { saveCheckpoint } from '../train/checkpoint.js';
import { importAcnetHdf5 } from './acnet-hdf5.js';
import { describePython } from './pickle.js';
import { readTorchFile, StoredTensor } from './torch-file.js';

export class ImportError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'ImportError';
  }
}

/** Keys under which training scripts keep the model's state dict (official HCGNet: 'net'; most: 'state_dict'). */
export const STATE_DICT_KEYS = ['state_dict', 'net', 'model', 'model_state_dict', 'state'] as const;

const isStateDict = (v: unknown): v is Map<string, unknown> =>
  v instanceof Map && v.size > 0 && [...v.values()].every((t) => t instanceof StoredTensor) && [...v.keys()].every((k) => typeof k === 'string');

/** The state dict inside a loaded file, and where it was found ('' for the top level). */
export function findStateDict(file: string, value: unknown): { state: Map<string, StoredTensor>; path: string } {
  if (isStateDict(value)) return { state: value as Map<string, StoredTensor>, path: '' };
  if (value instanceof Map) {
    for (const key of STATE_DICT_KEYS) {
      const inner = value.get(key);
      if (isStateDict(inner)) return { state: inner as Map<string, StoredTensor>, path: key };
    }
    const keys = [...value.keys()].slice(0, 12).map((k) => (typeof k === 'string' ? k : describePython(k, 20))).join(', ');
    throw new ImportError(file, `no state dict found: the top-level dict has keys [${keys}] and none of ${STATE_DICT_KEYS.map((k) => `'${k}'`).join(', ')} holds a dict of tensors`);
  }
  throw new ImportError(file, 'no state dict found: the file does not hold a dict');
}

/** Drops the 'module.' prefix DistributedDataParallel / DataParallel put on every name. */
export function stripDataParallelPrefix(state: Map<string, StoredTensor>): Map<string, StoredTensor> {
  const keys = [...state.keys()];
  if (!keys.every((k) => k.startsWith('module.'))) return state;
  return new Map(keys.map((k) => [k.slice('module.'.length), state.get(k)!]));
}

/** The state-dict name of the model's last Linear weight (the classifier), if any. */
function classifierWeight(model: Module): string | undefined {
  let found: string | undefined;
  for (const [name, m] of model.namedModules()) if (m instanceof Linear) found = name === '' ? 'weight' : `${name}.weight`;
  return found;
}

export interface ImportOptions {
  model: string;
  modelOptions?: ModelOptions;
  form?: ModelForm;
  /** Class names to record (default: the indices '0', '1', ...). Their count must equal the model's outputs. */
  classes?: string[];
  /** Eval preprocessing to record (default: the model spec's, defaultEvalPreprocessing). */
  preprocessing?: TransformSpec[];
}

export interface ImportResult {
  model: Module;
  modelOptions: ModelOptions;
  /** The form the weights were in, when the file says (ACNet's HDF5: base, ACB training or deploy). */
  form?: ModelForm;
  /** Where the state dict was in the file ('' at the top level, else e.g. 'state_dict'). */
  foundAt: string;
  strippedPrefix: boolean;
  tensors: number;
}

/**
 * Reads a .pth / .pth.tar file and loads its weights into a new model (strictly: every name and shape must
 * match). The class count is taken from the classifier unless modelOptions.numClasses is given.
 */
export function importTorchWeights(file: string, options: ImportOptions): ImportResult {
  const bytes = new Uint8Array(readFileSync(file));
  const { state: found, path } = findStateDict(file, readTorchFile(file, bytes, { maxTensorBytes: tensorBudget(options) }));
  const state = stripDataParallelPrefix(found);
  const model = loadStoredState(file, state, options);
  return { ...model, foundAt: path, strippedPrefix: found !== state, tensors: state.size };
}

/**
 * Most tensor bytes a file for this model may hold: the weights four times over (the state dict, an
 * optimizer's momentum or Adam's two moments, an EMA copy) plus 64 MiB for anything else. A file that
 * needs more is not a checkpoint of this model, and is refused before it is read into memory.
 */
export function tensorBudget(options: ImportOptions): number {
  const spec = getModelSpec(options.model);
  const model = buildModel(spec.name, { ...options.modelOptions, numClasses: Math.max(options.modelOptions?.numClasses ?? 0, spec.defaultNumClasses, 1000) }, options.form);
  try {
    return 4 * 4 * model.numParameters() + 4 * 4 * model.namedBuffers().reduce((n, [, b]) => n + b.numel, 0) + (64 << 20);
  } finally {
    model.dispose();
  }
}

/**
 * A new model (options.model in options.form) holding `state`, checked strictly: every name and shape must
 * match. The class count is taken from the classifier unless modelOptions.numClasses is given.
 */
export function loadStoredState(file: string, state: Map<string, StoredTensor>, options: ImportOptions): { model: Module; modelOptions: ModelOptions } {
  const spec = getModelSpec(options.model);
  const modelOptions: ModelOptions = { ...options.modelOptions };
  let model = buildModel(spec.name, modelOptions, options.form);
  const classifier = classifierWeight(model);
  const stored = classifier !== undefined ? state.get(classifier) : undefined;
  if (modelOptions.numClasses === undefined && stored !== undefined && stored.shape[0] !== model.stateDict()[classifier!]!.shape[0]) {
    model.dispose();
    modelOptions.numClasses = stored.shape[0]!;
    model = buildModel(spec.name, modelOptions, options.form);
  }
  const expected = model.stateDict();
  const missing = Object.keys(expected).filter((k) => !state.has(k));
  const unexpected = [...state.keys()].filter((k) => !(k in expected));
  const mismatched = Object.keys(expected).filter((k) => state.has(k) && state.get(k)!.shape.join(',') !== expected[k]!.shape.join(','))
    .map((k) => `${k}: file [${state.get(k)!.shape.join(', ')}], model [${expected[k]!.shape.join(', ')}]`);
  if (missing.length + unexpected.length + mismatched.length > 0) {
    model.dispose();
    const list = (what: string, xs: string[]): string => (xs.length ? `\n  ${what} (${xs.length}): ${xs.slice(0, 8).join(', ')}${xs.length > 8 ? ', ...' : ''}` : '');
    throw new ImportError(file, `its weights do not fit '${spec.name}'${list('missing from the file', missing)}${list('not in the model', unexpected)}${list('shape differs', mismatched)}`);
  }
  const tensors: Record<string, Tensor> = {};
  try {
    for (const [k, t] of state) {
      const raw = fromBytes(t.bytes, t.dtype, t.shape);
      const want = expected[k]!.dtype;
      tensors[k] = raw.dtype === want ? raw : raw.to({ dtype: want });
      if (tensors[k] !== raw) raw.dispose();
    }
    model.loadStateDict(tensors);
  } catch (err) {
    model.dispose();
    throw err;
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
  return { model, modelOptions };
}

/** Whether a file is HDF5 (ACNet's weight format), by its signature. */
function isHdf5(file: string): boolean {
  const head = Buffer.alloc(8);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 8, 0);
  } finally {
    closeSync(fd);
  }
  return head.equals(HDF5_SIGNATURE);
}
const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Imports a weight file into a leanconv checkpoint at `out`: PyTorch files (importTorchWeights), or ACNet's
 * HDF5 files (acnet-hdf5.ts: official names mapped, the form read off the names). The checkpoint records
 * where the weights came from.
 */
export async function importToCheckpoint(file: string, out: string, options: ImportOptions): Promise<ImportResult> {
  if (!existsSync(file)) throw new ImportError(file, 'no such file');
  const result = isHdf5(file) ? await importAcnetHdf5(file, options) : importTorchWeights(file, options);
  try {
    const spec = getModelSpec(options.model);
    const resolved = resolveModelOptions(spec, result.modelOptions);
    const input: [number, number, number] = [resolved.inChannels, resolved.inputSize, resolved.inputSize];
    const classes = options.classes ?? Array.from({ length: resolved.numClasses }, (_, i) => String(i));
    if (classes.length !== resolved.numClasses) {
      throw new ImportError(file, `${classes.length} class names were given but the model has ${resolved.numClasses} outputs`);
    }
    const preprocessing = options.preprocessing ?? defaultEvalPreprocessing(spec, result.modelOptions);
    saveCheckpoint(out, result.model, {
      model: spec.name, modelOptions: result.modelOptions, form: result.form ?? options.form, epoch: 0,
      extra: { importedFrom: file, foundAt: result.foundAt || '(top level)', strippedPrefix: result.strippedPrefix, input, classes, preprocessing },
    });
  } catch (err) {
    result.model.dispose();
    throw err;
  }
  return result;
}

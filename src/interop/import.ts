// Brings weights published for the papers' official code (PyTorch .pth / .pth.tar files, ACNet's HDF5) into a leanconv
// checkpoint that eval, convert and export understand. leanconv's paper models use the official
// state-dict names and its baselines torchvision's, so importing is: read the file safely (torch-file.ts),
// find the state dict inside the training wrapper, drop DDP's 'module.' prefix, infer the class count
// from the classifier, and check every name and shape against the model before writing anything.
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';

import { formName, type ModelForm } from '../convert/form.js';
import { defaultTransformForms } from '../convert/transforms.js';
import { defaultEvalPreprocessing, getModelSpec, resolveModelOptions } from '../models/index.js';
import { saveCheckpoint } from '../convert/checkpoint.js';
import { buildImportTarget, ImportError, type ImportOptions, type ImportResult, loadStoredState, tensorBudget } from './state-dict.js';
import { readTorchFile, StoredTensor } from './torch-file.js';
import { describeValue } from '../util/describe.js';

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
    const keys = [...value.keys()].slice(0, 12).map((k) => (typeof k === 'string' ? k : describeValue(k, 20))).join(', ');
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

/**
 * Reads a .pth / .pth.tar file and loads its weights into a new model (strictly: every name and shape must
 * match). The class count is taken from the classifier unless modelOptions.numClasses is given.
 */
export function importTorchWeights(file: string, options: ImportOptions): ImportResult {
  const bytes = new Uint8Array(readFileSync(file));
  // The model is built first: its size bounds what the file may make the reader allocate, and the weights load into it.
  const target = buildImportTarget(options);
  let found: Map<string, StoredTensor>;
  let path: string;
  try {
    ({ state: found, path } = findStateDict(file, readTorchFile(file, bytes, { maxTensorBytes: tensorBudget(target) })));
  } catch (err) {
    target.dispose();
    throw err;
  }
  const state = stripDataParallelPrefix(found);
  const model = loadStoredState(file, state, options, target);
  return { ...model, foundAt: path, strippedPrefix: found !== state, tensors: state.size };
}

/** The forms a PyTorch file may hold, in the order an import without a form tries them: base, deploy, each transform's. */
function candidateForms(): { name: string; form: ModelForm }[] {
  return [{ name: 'base', form: {} }, { name: 'deploy', form: { deploy: true } }, ...defaultTransformForms()];
}

/**
 * importTorchWeights in the form options.form names, or else in the first form whose names and shapes the file
 * fits exactly (base, deploy, the registered transforms' forms such as ACNet's): a converted CondenseNet's file fits only the deploy form.
 */
export function importTorchWeightsInAnyForm(file: string, options: ImportOptions): ImportResult {
  if (options.form !== undefined) return { ...importTorchWeights(file, options), form: options.form };
  let baseError: unknown;
  const forms = candidateForms();
  for (const { form } of forms) {
    try {
      return { ...importTorchWeights(file, { ...options, form }), form };
    } catch (err) {
      if (!(err instanceof ImportError) || !/do not fit/.test(err.message)) throw err;
      baseError ??= err;
    }
  }
  const error = baseError as ImportError;
  error.message += `
(nor do they fit ${options.model}'s ${forms.slice(1).map((f) => f.name).join(' or ')} form)`;
  throw error;
}

/**
 * A weight format other than PyTorch's, registered by the paper that publishes weights in it (ACNet's HDF5):
 * recognised by the file's first bytes, read into the model with its form read off the names.
 */
export interface WeightFormat {
  name: string;
  /** The file extension its files usually have ('hdf5'), for the import command's usage line. */
  extension: string;
  /** A paragraph of the import command's help: which files, into which models. */
  help: string;
  /** Whether a file whose first 16 bytes are `head` is in this format. */
  recognizes(head: Buffer): boolean;
  read(file: string, options: ImportOptions): Promise<ImportResult>;
}

const WEIGHT_FORMATS: WeightFormat[] = [];

export function registerWeightFormat(format: WeightFormat): void {
  if (WEIGHT_FORMATS.some((f) => f.name === format.name)) throw new Error(`weight format '${format.name}' is already registered`);
  WEIGHT_FORMATS.push(format);
}

/** Every registered weight format, in registration order. */
export function weightFormats(): readonly WeightFormat[] {
  return WEIGHT_FORMATS;
}

function fileHead(file: string, bytes: number): Buffer {
  const head = Buffer.alloc(bytes);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, bytes, 0);
  } finally {
    closeSync(fd);
  }
  return head;
}

/**
 * The weights of `file` in the model of `options`, and the form they hold: a registered format's reader when the
 * file is in that format, PyTorch's (in any form the names fit) otherwise.
 */
export async function importWeights(file: string, options: ImportOptions): Promise<ImportResult> {
  const head = fileHead(file, 16);
  const format = WEIGHT_FORMATS.find((f) => f.recognizes(head));
  return format ? format.read(file, options) : importTorchWeightsInAnyForm(file, options);
}

/**
 * Imports a weight file into a leanconv checkpoint at `out`: PyTorch files (importTorchWeights), or a registered
 * format (ACNet's HDF5: official names mapped, the form read off the names). The checkpoint records where the
 * weights came from.
 */
export async function importToCheckpoint(file: string, out: string, options: ImportOptions): Promise<ImportResult> {
  if (!existsSync(file)) throw new ImportError(file, 'no such file');
  const result = await importWeights(file, options);
  if (options.form !== undefined && formName(result.form) !== formName(options.form)) {
    result.model.dispose();
    throw new ImportError(file, `the file holds the ${formName(result.form)} form (read off its names), not the ${formName(options.form)} form`);
  }
  try {
    const spec = getModelSpec(options.model);
    const resolved = resolveModelOptions(spec, result.modelOptions);
    const input: [number, number, number] = [resolved.inChannels, resolved.inputSize, resolved.inputSize];
    const classes = options.classes ?? Array.from({ length: resolved.numClasses }, (_, i) => String(i));
    if (classes.length !== resolved.numClasses) {
      throw new ImportError(file, `${classes.length} class names were given but the model has ${resolved.numClasses} outputs`);
    }
    const preprocessing = options.preprocessing ?? result.preprocessing ?? defaultEvalPreprocessing(spec, result.modelOptions);
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

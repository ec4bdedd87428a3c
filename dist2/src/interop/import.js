// Brings weights published for the papers' official code (PyTorch .pth / .pth.tar files, ACNet's HDF5) into a leanconv
// checkpoint that eval, convert and export understand. leanconv's paper models use the official
// state-dict names and its baselines torchvision's, so importing is: read the file safely (torch-file.ts),
// find the state dict inside the training wrapper, drop DDP's 'module.' prefix, infer the class count
// from the classifier, and check every name and shape against the model before writing anything.
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { formName } from '../convert/form.js';
import { defaultEvalPreprocessing, getModelSpec, resolveModelOptions } from '../models/index.js';
import { saveCheckpoint } from '../convert/checkpoint.js';
import { importAcnetHdf5 } from './acnet-hdf5.js';
import { buildImportTarget, ImportError, loadStoredState, tensorBudget } from './state-dict.js';
import { readTorchFile, StoredTensor } from './torch-file.js';
import { describeValue } from '../util/describe.js';
/** Keys under which training scripts keep the model's state dict (official HCGNet: 'net'; most: 'state_dict'). */
export const STATE_DICT_KEYS = ['state_dict', 'net', 'model', 'model_state_dict', 'state'];
const isStateDict = (v) => v instanceof Map && v.size > 0 && [...v.values()].every((t) => t instanceof StoredTensor) && [...v.keys()].every((k) => typeof k === 'string');
/** The state dict inside a loaded file, and where it was found ('' for the top level). */
export function findStateDict(file, value) {
    if (isStateDict(value))
        return { state: value, path: '' };
    if (value instanceof Map) {
        for (const key of STATE_DICT_KEYS) {
            const inner = value.get(key);
            if (isStateDict(inner))
                return { state: inner, path: key };
        }
        const keys = [...value.keys()].slice(0, 12).map((k) => (typeof k === 'string' ? k : describeValue(k, 20))).join(', ');
        throw new ImportError(file, `no state dict found: the top-level dict has keys [${keys}] and none of ${STATE_DICT_KEYS.map((k) => `'${k}'`).join(', ')} holds a dict of tensors`);
    }
    throw new ImportError(file, 'no state dict found: the file does not hold a dict');
}
/** Drops the 'module.' prefix DistributedDataParallel / DataParallel put on every name. */
export function stripDataParallelPrefix(state) {
    const keys = [...state.keys()];
    if (!keys.every((k) => k.startsWith('module.')))
        return state;
    return new Map(keys.map((k) => [k.slice('module.'.length), state.get(k)]));
}
/**
 * Reads a .pth / .pth.tar file and loads its weights into a new model (strictly: every name and shape must
 * match). The class count is taken from the classifier unless modelOptions.numClasses is given.
 */
export function importTorchWeights(file, options) {
    const bytes = new Uint8Array(readFileSync(file));
    // The model is built first: its size bounds what the file may make the reader allocate, and the weights load into it.
    const target = buildImportTarget(options);
    let found;
    let path;
    try {
        ({ state: found, path } = findStateDict(file, readTorchFile(file, bytes, { maxTensorBytes: tensorBudget(target) })));
    }
    catch (err) {
        target.dispose();
        throw err;
    }
    const state = stripDataParallelPrefix(found);
    const model = loadStoredState(file, state, options, target);
    return { ...model, foundAt: path, strippedPrefix: found !== state, tensors: state.size };
}
/** The forms a PyTorch file may hold, in the order an import without a form tries them. */
const FORMS = [
    { name: 'base', form: {} }, { name: 'deploy', form: { deploy: true } }, { name: 'acb', form: { acb: { gamma: 1 } } },
];
/**
 * importTorchWeights in the form options.form names, or else in the first form whose names and shapes the file
 * fits exactly (base, deploy, ACNet training form): a converted CondenseNet's file fits only the deploy form.
 */
export function importTorchWeightsInAnyForm(file, options) {
    if (options.form !== undefined)
        return { ...importTorchWeights(file, options), form: options.form };
    let baseError;
    for (const { form } of FORMS) {
        try {
            return { ...importTorchWeights(file, { ...options, form }), form };
        }
        catch (err) {
            if (!(err instanceof ImportError) || !/do not fit/.test(err.message))
                throw err;
            baseError ??= err;
        }
    }
    const error = baseError;
    error.message += `
(nor do they fit ${options.model}'s ${FORMS.slice(1).map((f) => f.name).join(' or ')} form)`;
    throw error;
}
/** Whether a file is HDF5 (ACNet's weight format), by its signature. */
export function isHdf5(file) {
    const head = Buffer.alloc(8);
    const fd = openSync(file, 'r');
    try {
        readSync(fd, head, 0, 8, 0);
    }
    finally {
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
export async function importToCheckpoint(file, out, options) {
    if (!existsSync(file))
        throw new ImportError(file, 'no such file');
    const result = isHdf5(file) ? await importAcnetHdf5(file, options) : importTorchWeightsInAnyForm(file, options);
    if (options.form !== undefined && formName(result.form) !== formName(options.form)) {
        result.model.dispose();
        throw new ImportError(file, `the file holds the ${formName(result.form)} form (read off its names), not the ${formName(options.form)} form`);
    }
    try {
        const spec = getModelSpec(options.model);
        const resolved = resolveModelOptions(spec, result.modelOptions);
        const input = [resolved.inChannels, resolved.inputSize, resolved.inputSize];
        const classes = options.classes ?? Array.from({ length: resolved.numClasses }, (_, i) => String(i));
        if (classes.length !== resolved.numClasses) {
            throw new ImportError(file, `${classes.length} class names were given but the model has ${resolved.numClasses} outputs`);
        }
        const preprocessing = options.preprocessing ?? result.preprocessing ?? defaultEvalPreprocessing(spec, result.modelOptions);
        saveCheckpoint(out, result.model, {
            model: spec.name, modelOptions: result.modelOptions, form: result.form ?? options.form, epoch: 0,
            extra: { importedFrom: file, foundAt: result.foundAt || '(top level)', strippedPrefix: result.strippedPrefix, input, classes, preprocessing },
        });
    }
    catch (err) {
        result.model.dispose();
        throw err;
    }
    return result;
}
//# sourceMappingURL=import.js.map
import { loadSafetensors, readHeader, saveSafetensors } from '../engine/safetensors.js';
import { buildModel, formName } from './form.js';
import { describeValue } from '../util/describe.js';
export const CHECKPOINT_FORMAT = 'leanconv.checkpoint.v1';
const OPTIM_PREFIX = 'optim/';
export class CheckpointError extends Error {
    constructor(file, problem) {
        super(`${file}: ${problem}`);
        this.name = 'CheckpointError';
    }
}
export function saveCheckpoint(path, model, meta, optimizer) {
    const tensors = { ...model.stateDict() };
    const metadata = {
        format: CHECKPOINT_FORMAT,
        model: meta.model,
        model_options: JSON.stringify(meta.modelOptions),
        form: JSON.stringify(meta.form ?? {}),
        epoch: String(meta.epoch),
        extra: JSON.stringify(meta.extra ?? {}),
    };
    if (meta.rngState !== undefined)
        metadata.rng_state = meta.rngState;
    if (optimizer !== undefined) {
        for (const [k, t] of Object.entries(optimizer.tensors))
            tensors[OPTIM_PREFIX + k] = t;
        metadata.optimizer = JSON.stringify(optimizer.meta);
    }
    saveSafetensors(path, tensors, metadata);
}
function parseMeta(path, metadata) {
    if (metadata.format !== CHECKPOINT_FORMAT) {
        throw new CheckpointError(path, `not a leanconv checkpoint (metadata format is ${JSON.stringify(metadata.format)}, expected '${CHECKPOINT_FORMAT}')`);
    }
    const json = (key) => {
        try {
            return JSON.parse(metadata[key] ?? 'null');
        }
        catch {
            throw new CheckpointError(path, `metadata '${key}' is not valid JSON`);
        }
    };
    if (!metadata.model)
        throw new CheckpointError(path, "metadata has no 'model' name");
    return {
        model: metadata.model,
        modelOptions: json('model_options') ?? {},
        form: json('form') ?? {},
        epoch: Number(metadata.epoch ?? 0),
        extra: json('extra') ?? {},
        rngState: metadata.rng_state,
        optimizerMeta: metadata.optimizer ? json('optimizer') : undefined,
    };
}
/** [C, H, W] of one input image: as trained (recorded by the trainer), else from the model options. */
export function checkpointInputShape(meta) {
    const o = meta.modelOptions;
    return meta.extra?.input ?? [o.inChannels ?? 3, o.inputSize ?? 32, o.inputSize ?? 32];
}
/** Reads only the metadata (cheap: the header). */
export function readCheckpointMeta(path) {
    const { optimizerMeta: _unused, ...meta } = parseMeta(path, readHeader(path).metadata);
    return meta;
}
export function loadCheckpoint(path) {
    const { tensors, metadata } = loadSafetensors(path);
    const { optimizerMeta, ...meta } = parseMeta(path, metadata);
    const state = {};
    const optimTensors = {};
    for (const [k, t] of Object.entries(tensors)) {
        if (k.startsWith(OPTIM_PREFIX))
            optimTensors[k.slice(OPTIM_PREFIX.length)] = t;
        else
            state[k] = t;
    }
    const optimizer = optimizerMeta ? { tensors: optimTensors, meta: optimizerMeta } : undefined;
    if (!optimizer)
        for (const t of Object.values(optimTensors))
            t.dispose();
    return { ...meta, state, optimizer };
}
/**
 * Checks the sizes the metadata gives (class count, input channels and size) before a model is built from them:
 * a crafted or damaged file could otherwise make leanconv build a model of gigabytes before the state dict is
 * found not to fit. The class count must be the first dimension of a tensor in the file (the classifier's).
 */
function checkSizesAgainstTensors(path) {
    const header = readHeader(path);
    const { modelOptions: o } = parseMeta(path, header.metadata);
    for (const [key, max] of [['numClasses', 1 << 20], ['inChannels', 4096], ['inputSize', 8192]]) {
        const v = o[key];
        if (v !== undefined && !(Number.isInteger(v) && v >= 1 && v <= max))
            throw new CheckpointError(path, `metadata model_options.${key} is ${describeValue(v)}: expected an integer from 1 to ${max}`);
    }
    const shapes = Object.values(header.tensors).map((t) => t.shape);
    if (o.numClasses !== undefined && !shapes.some((shape) => shape[0] === o.numClasses)) {
        throw new CheckpointError(path, `metadata says ${o.numClasses} classes but no tensor in the file has ${o.numClasses} rows (the classifier's): a damaged or edited checkpoint`);
    }
}
/** Builds the checkpoint's model in its recorded form from the metadata and loads the weights (strictly). */
export function loadModel(path) {
    checkSizesAgainstTensors(path);
    const ckpt = loadCheckpoint(path);
    try {
        const model = buildModel(ckpt.model, ckpt.modelOptions, ckpt.form);
        try {
            model.loadStateDict(ckpt.state);
        }
        catch (err) {
            model.dispose();
            throw new CheckpointError(path, `${err.message}\n(the checkpoint says: model '${ckpt.model}', ${formName(ckpt.form)} form)`);
        }
        const { state: _s, optimizer: _o, ...meta } = ckpt;
        return { model, meta };
    }
    finally {
        for (const t of Object.values(ckpt.state))
            t.dispose();
        for (const t of Object.values(ckpt.optimizer?.tensors ?? {}))
            t.dispose();
    }
}
//# sourceMappingURL=checkpoint.js.map
import { buildModel } from '../convert/form.js';
import { fromBytes } from '../engine/tensor.js';
import { classifierOf, getModelSpec } from '../models/index.js';
export class ImportError extends Error {
    constructor(file, problem) {
        super(`${file}: ${problem}`);
        this.name = 'ImportError';
    }
}
/** A fresh model of the import's name, options and form: what a state dict is checked against and loaded into. */
export function buildImportTarget(options) {
    return buildModel(getModelSpec(options.model).name, { ...options.modelOptions }, options.form);
}
/**
 * Most tensor bytes a file for this model may hold: the weights four times over (the state dict, an
 * optimizer's momentum or Adam's two moments, an EMA copy) plus 64 MiB for anything else (a classifier for more
 * classes than the model was built with included). A file that needs more is not a checkpoint of this model, and
 * is refused before it is read into memory.
 */
export function tensorBudget(model) {
    return 4 * 4 * (model.numParameters() + model.namedBuffers().reduce((n, [, b]) => n + b.numel, 0)) + (64 << 20);
}
/**
 * A new model (options.model in options.form) holding `state`, checked strictly: every name and shape must
 * match. The class count is taken from the classifier unless modelOptions.numClasses is given. `target`, a model
 * buildImportTarget made for these options, is used (and owned from then on) instead of building another.
 */
export function loadStoredState(file, state, options, target) {
    const spec = getModelSpec(options.model);
    const modelOptions = { ...options.modelOptions };
    let model = target ?? buildModel(spec.name, modelOptions, options.form);
    const classifier = `${classifierOf(model, spec).path}.weight`;
    const stored = state.get(classifier);
    if (modelOptions.numClasses === undefined && stored !== undefined && stored.shape[0] !== model.stateDict()[classifier].shape[0]) {
        model.dispose();
        modelOptions.numClasses = stored.shape[0];
        model = buildModel(spec.name, modelOptions, options.form);
    }
    const expected = model.stateDict();
    const missing = Object.keys(expected).filter((k) => !state.has(k));
    const unexpected = [...state.keys()].filter((k) => !(k in expected));
    const mismatched = Object.keys(expected).filter((k) => state.has(k) && state.get(k).shape.join(',') !== expected[k].shape.join(','))
        .map((k) => `${k}: file [${state.get(k).shape.join(', ')}], model [${expected[k].shape.join(', ')}]`);
    if (missing.length + unexpected.length + mismatched.length > 0) {
        model.dispose();
        const list = (what, xs) => (xs.length ? `\n  ${what} (${xs.length}): ${xs.slice(0, 8).join(', ')}${xs.length > 8 ? ', ...' : ''}` : '');
        throw new ImportError(file, `its weights do not fit '${spec.name}'${list('missing from the file', missing)}${list('not in the model', unexpected)}${list('shape differs', mismatched)}`);
    }
    const tensors = {};
    try {
        for (const [k, t] of state) {
            const raw = fromBytes(t.bytes, t.dtype, t.shape);
            const want = expected[k].dtype;
            tensors[k] = raw.dtype === want ? raw : raw.to({ dtype: want });
            if (tensors[k] !== raw)
                raw.dispose();
        }
        model.loadStateDict(tensors);
    }
    catch (err) {
        model.dispose();
        throw err;
    }
    finally {
        for (const t of Object.values(tensors))
            t.dispose();
    }
    return { model, modelOptions };
}
//# sourceMappingURL=state-dict.js.map
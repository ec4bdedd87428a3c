// The test split a checkpoint was trained on, prepared the way it was evaluated during training: the
// dataset and directory recorded in the checkpoint (unless overridden) and its eval preprocessing.
import { getDatasetSpec, selectClasses } from '../data/datasets.js';
import { getModelSpec } from '../models/index.js';
import { checkpointInputShape } from '../convert/checkpoint.js';
import { dataTransforms, evalPipelineNormalized, normalizationOf } from '../data/pipelines.js';
export class EvalSplitError extends Error {
    missing;
    constructor(message, missing) {
        super(message);
        this.missing = missing;
        this.name = 'EvalSplitError';
    }
}
/**
 * Loads the test split for the checkpoint at `path`. A recorded data directory is used only for the recorded
 * dataset; the built-in dataset needs none.
 */
export function checkpointEvalSplit(path, meta, overrides = {}) {
    const extra = meta.extra;
    const dataset = overrides.dataset ?? extra.dataset;
    if (dataset === undefined)
        throw new EvalSplitError(`${path} does not record its dataset`, 'dataset');
    const spec = getDatasetSpec(dataset);
    const dir = overrides.dataDir ?? (dataset === extra.dataset ? extra.dataDir : undefined) ?? spec.defaultDir;
    if (dir === undefined)
        throw new EvalSplitError(`dataset '${dataset}' needs a data directory`, 'dataDir');
    const loaded = spec.load(dir, 'test');
    // A model trained on some classes of its dataset is scored on those classes.
    const testSet = extra.classSubset !== undefined && dataset === extra.dataset ? selectClasses(loaded, extra.classSubset) : loaded;
    const outputs = meta.modelOptions.numClasses ?? getModelSpec(meta.model).defaultNumClasses;
    const classes = testSet.classes.length;
    if (outputs < classes || (outputs !== classes && dataset !== extra.dataset)) {
        throw new EvalSplitError(`${path}: the model has ${outputs} outputs but ${dataset} has ${classes} classes, so its predictions cannot be scored against ${dataset}'s labels ` +
            `(a model for ${dataset} needs ${classes} outputs, trained on its classes)`, 'classes');
    }
    const input = checkpointInputShape(meta);
    const [c, h, w] = testSet.shape;
    const steps = [];
    if (c !== input[0])
        steps.push(c === 1 ? 'the gray channel copied to RGB' : `${c} channels where the model takes ${input[0]}`);
    if (h > 0 && (h !== input[1] || w !== input[2]))
        steps.push(`resized from ${h}x${w} to ${input[1]}x${input[2]}`);
    const adaptation = steps.length ? `${dataset}'s images are brought to the model's ${input.join('x')} input: ${steps.join(', ')}` : undefined;
    // The normalisation the weights expect (recorded by training or import: ACNet's CIFAR weights 0.5/0.5), unless given.
    const normalize = overrides.normalize ?? normalizationOf(extra.preprocessing);
    let transforms;
    try {
        transforms = evalPipelineNormalized(dataTransforms(spec, testSet, input, false).eval, normalize, input[0]);
    }
    catch (err) {
        throw new EvalSplitError(`${path}: ${err.message}`, 'classes');
    }
    return { dataset, spec, testSet, transforms, adaptation };
}
//# sourceMappingURL=eval-split.js.map
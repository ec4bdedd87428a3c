export class PipelineError extends Error {
    constructor(message) {
        super(message);
        this.name = 'PipelineError';
    }
}
/** The data pipelines for a model input [C, H, W] and a dataset's native images. */
export function dataTransforms(spec, dataset, input, augment) {
    const [channels, size] = [input[0], input[1]];
    const tail = [];
    if (dataset.shape[0] === 1 && channels === 3)
        tail.push({ name: 'grayscaleToRgb' });
    const stats = tail.length ? { mean: [0, 1, 2].map(() => spec.mean[0]), std: [0, 1, 2].map(() => spec.std[0]) } : { mean: spec.mean, std: spec.std };
    if (stats.mean.length !== channels) {
        throw new PipelineError(`the model takes ${channels} input channels but ${dataset.name} images have ${dataset.shape[0]}`);
    }
    tail.push({ name: 'normalize', ...stats });
    if (dataset.kind !== 'memory') {
        // Variable-size photos: ImageNet-style pipelines.
        return {
            train: [augment ? { name: 'randomResizedCrop', size } : { name: 'resize', size }, ...(augment && spec.augment.flip ? [{ name: 'horizontalFlip' }] : []), { name: 'centerCrop', size }, ...tail],
            eval: [{ name: 'resize', size: Math.round((size * 256) / 224) }, { name: 'centerCrop', size }, ...tail],
        };
    }
    const native = dataset.shape[1];
    const resize = native === size ? [] : [{ name: 'resize', size }];
    const augmentation = [];
    if (augment && spec.augment.cropPadding > 0)
        augmentation.push({ name: 'randomCrop', size, padding: spec.augment.cropPadding });
    if (augment && spec.augment.flip)
        augmentation.push({ name: 'horizontalFlip' });
    return { train: [...resize, ...augmentation, ...tail], eval: [...resize, ...tail] };
}
/** The normalisation a pipeline applies, if any. */
export function normalizationOf(pipeline) {
    const step = pipeline?.find((t) => t.name === 'normalize');
    return step && { mean: step.mean, std: step.std };
}
/** `pipeline` with its normalisation replaced by `normalize` (appended when it has none). */
export function withNormalization(pipeline, normalize) {
    return [...(pipeline ?? []).filter((t) => t.name !== 'normalize'), { name: 'normalize', mean: normalize.mean, std: normalize.std }];
}
/**
 * A dataset's eval pipeline normalised as the weights expect: `normalize` (given, or what the model records) in place
 * of the dataset's statistics. Refuses one of another channel count than the model's input.
 */
export function evalPipelineNormalized(pipeline, normalize, channels) {
    if (normalize === undefined)
        return [...pipeline];
    if (normalize.mean.length !== channels || normalize.std.length !== channels) {
        throw new PipelineError(`a normalisation of ${normalize.mean.length} channels for a model of ${channels} input channels`);
    }
    return pipeline.map((t) => (t.name === 'normalize' ? { name: 'normalize', mean: normalize.mean, std: normalize.std } : t));
}
//# sourceMappingURL=pipelines.js.map
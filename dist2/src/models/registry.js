import { featureBackbone } from './features.js';
import { unknownNameMessage } from '../util/suggest.js';
const registry = new Map();
export function registerModel(spec) {
    if (registry.has(spec.name))
        throw new Error(`registerModel: '${spec.name}' is already registered`);
    registry.set(spec.name, spec);
}
/** Glob-style search ('resnet*', '*cifar*'); all names when no pattern is given. Sorted. */
export function listModels(pattern = '*') {
    const re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
    return [...registry.keys()].filter((n) => re.test(n)).sort();
}
export function getModelSpec(name) {
    const spec = registry.get(name);
    if (spec === undefined)
        throw new Error(unknownNameMessage('model', name, [...registry.keys()]));
    return spec;
}
const IMAGENET_STATS = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
const CIFAR10_STATS = { mean: [0.4914, 0.4822, 0.4465], std: [0.2470, 0.2435, 0.2616] };
/** HCGNet's and CondenseNet's CIFAR-100 loaders. */
const CIFAR100_STATS = { mean: [0.5071, 0.4867, 0.4408], std: [0.2675, 0.2565, 0.2761] };
/**
 * The eval preprocessing weights for this model expect, unless the spec names its own: ImageNet's (resize to
 * 256/224 of the input, centre crop, ImageNet mean/std) for models designed at 224 px and more, CIFAR-10's
 * normalisation for small RGB models (CIFAR-100's for 100 classes, as HCGNet's and CondenseNet's loaders), none for
 * other inputs.
 */
export function defaultEvalPreprocessing(spec, options = {}) {
    if (spec.evalPreprocessing)
        return spec.evalPreprocessing;
    const { inChannels, inputSize, numClasses } = resolveModelOptions(spec, { ...options, args: {} });
    if (inChannels !== 3)
        return [];
    if (inputSize >= 224)
        return [{ name: 'resize', size: Math.round((inputSize * 256) / 224) }, { name: 'centerCrop', size: inputSize }, { name: 'normalize', ...IMAGENET_STATS }];
    return [{ name: 'normalize', ...(numClasses === 100 ? CIFAR100_STATS : CIFAR10_STATS) }];
}
export function resolveModelOptions(spec, options = {}) {
    const sizes = {
        numClasses: options.numClasses ?? spec.defaultNumClasses,
        inChannels: options.inChannels ?? spec.inputSize[0],
        inputSize: options.inputSize ?? spec.inputSize[1],
    };
    for (const [k, v] of Object.entries(sizes)) {
        if (!Number.isInteger(v) || v < 1)
            throw new RangeError(`createModel('${spec.name}'): ${k} must be a positive integer, got ${v}`);
    }
    return { ...sizes, args: resolveArgs(spec, options.args ?? {}) };
}
/** Argument names compare without case, '-' and '_' (the official flags' spellings: group_1x1, group-1x1). */
const argKey = (name) => name.toLowerCase().replace(/[-_]/g, '');
function resolveArgs(spec, given) {
    const defaults = spec.args?.defaults ?? {};
    const known = new Map(Object.keys(defaults).map((k) => [argKey(k), k]));
    const resolved = { ...defaults };
    for (const [name, value] of Object.entries(given)) {
        const key = known.get(argKey(name));
        if (key === undefined) {
            const accepted = Object.keys(defaults);
            throw new RangeError(accepted.length
                ? unknownNameMessage(`argument of model '${spec.name}'`, name, accepted)
                : `model '${spec.name}' takes no arguments (got '${name}')`);
        }
        const expected = defaults[key];
        const ok = Array.isArray(expected)
            ? (Array.isArray(value) ? value : [value]).every((v) => typeof v === 'number' && Number.isFinite(v))
            : typeof value === typeof expected && (typeof value !== 'number' || Number.isFinite(value));
        if (!ok)
            throw new TypeError(`model '${spec.name}': argument ${key} must be ${Array.isArray(expected) ? 'a list of numbers (e.g. 4-4-4)' : `a ${typeof expected}`}, got ${JSON.stringify(value)}`);
        resolved[key] = Array.isArray(expected) && !Array.isArray(value) ? [value] : value;
    }
    return resolved;
}
/**
 * Parses 'stages=4-4-4,growth=8-16-32,condenseFactor=4' (the official flags' values: dash-separated
 * lists) into model args.
 */
export function parseModelArgs(text) {
    const args = {};
    for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
        const eq = part.indexOf('=');
        if (eq <= 0)
            throw new RangeError(`model args: expected name=value, got '${part}'`);
        const [name, raw] = [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
        const number = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
        if (/^\d+(-\d+)+$/.test(raw))
            args[name] = raw.split('-').map(Number);
        else if (number.test(raw))
            args[name] = Number(raw);
        else if (raw === 'true' || raw === 'false')
            args[name] = raw === 'true';
        else
            args[name] = raw;
    }
    return args;
}
export function createModel(name, options = {}) {
    const spec = getModelSpec(name);
    const resolved = resolveModelOptions(spec, options);
    const model = spec.create(resolved);
    if (!options.features)
        return model;
    return featureBackbone(model, options.features, [resolved.inChannels, resolved.inputSize, resolved.inputSize], name);
}
//# sourceMappingURL=registry.js.map
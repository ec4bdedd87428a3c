// Multi-scale feature extraction (timm's features_only). A family declares its stages when it builds a
// model (`featureInfo`: module, channels, stride) and runs them with `forwardIntermediates`, which stops
// after the deepest stage asked for; `StageFeatures` turns such a model into a backbone whose outputs are
// those stage maps, head dropped. Any other module can be tapped by path with `HookedFeatures` (timm's
// FeatureHooks), which watches the modules' outputs during the model's own forward. State-dict names stay
// the classifier's (minus the head), so a classifier checkpoint loads into the backbone (strict: false).
import { noGrad } from '../engine/autograd.js';
import { keep, tidy, track, unkeep } from '../engine/scope.js';
import { randn } from '../engine/tensor.js';
import { runInOrder } from '../nn/containers.js';
import { Module } from '../nn/module.js';
export function isStagedModel(m) {
    return Array.isArray(m.featureInfo) && typeof m.forwardIntermediates === 'function';
}
/**
 * forwardIntermediates for a model that is a chain of stages: runs each stage's modules in order (with the
 * inference fusions of runInOrder) and keeps every stage's output, up to stage `last`.
 */
export function runStages(stages, x, last = stages.length - 1) {
    checkStageIndex(last, stages.length);
    const outputs = [];
    try {
        let h = x;
        for (let i = 0; i <= last; i++) {
            h = runInOrder(stages[i], h);
            outputs.push(h);
        }
        return outputs;
    }
    catch (err) {
        for (const t of outputs)
            t.dispose();
        throw err;
    }
}
export function checkStageIndex(last, stages) {
    if (!Number.isInteger(last) || last < 0 || last >= stages)
        throw new RangeError(`forwardIntermediates: stage ${last} does not exist (the model has ${stages} stages: 0-${stages - 1})`);
}
/** Stands in for a dropped head module; reaching it means the model's forwardIntermediates ran its head. */
class DroppedHead extends Module {
    path;
    constructor(path) {
        super();
        this.path = path;
    }
    forward() {
        throw new Error(`feature backbone: the forward pass reached the dropped head module '${this.path}'`);
    }
}
/** A backbone whose outputs are feature maps (ONNX outputs feature0, feature1, ...). */
export class FeatureExtractor extends Module {
    model;
    /** Takes the model's children as its own (same names), so the state-dict names stay the model's. */
    constructor(model) {
        super();
        this.model = model;
        for (const [name, child] of model.namedChildren())
            this.addModule(name, child);
        this.memoryFormat = model.memoryFormat;
    }
    /** The deepest feature map (forwardOutputs returns all of them). */
    forward(x) {
        const outputs = this.forwardOutputs(x);
        for (const t of outputs.slice(0, -1))
            t.dispose();
        return outputs[outputs.length - 1];
    }
    train(mode = true) {
        super.train(mode);
        this.model.training = mode;
        return this;
    }
    toMemoryFormat(format) {
        super.toMemoryFormat(format);
        this.model.memoryFormat = this.memoryFormat;
        return this;
    }
}
/** The declared stage outputs of a model; its head modules are disposed. */
export class StageFeatures extends FeatureExtractor {
    featureInfo;
    outputNames;
    staged;
    /** Takes ownership of `model`. */
    constructor(staged) {
        super(withoutHead(staged));
        this.staged = staged;
        this.featureInfo = staged.featureInfo.map((f) => ({ ...f }));
        this.outputNames = this.featureInfo.map((_, i) => `feature${i}`);
    }
    forwardOutputs(x) {
        return this.staged.forwardIntermediates(x);
    }
}
function withoutHead(staged) {
    for (const path of staged.headModules)
        staged.setSubmodule(path, new DroppedHead(path)).dispose();
    return staged;
}
/** Thrown by the last tap to end the forward pass early; never leaves HookedFeatures.forwardOutputs. */
class LastTapReached extends Error {
}
/**
 * The outputs of any modules, named by path, caught while the model's own forward runs (which stops once
 * the last tap has produced its output). Their channels and strides are measured once on a random input
 * of `inputShape` [C, H, W]: an arbitrary module declares neither. Nothing is dropped.
 */
export class HookedFeatures extends FeatureExtractor {
    taps;
    outputNames;
    inputShape;
    info;
    /** Takes ownership of `model`. */
    constructor(model, taps, inputShape) {
        super(withTaps(model, taps));
        this.inputShape = inputShape;
        this.taps = [...taps];
        this.outputNames = this.taps.map((_, i) => `feature${i}`);
    }
    get featureInfo() {
        if (this.info === undefined) {
            const wasTraining = this.training;
            this.eval();
            try {
                const [, h] = this.inputShape;
                this.info = tidy(() => noGrad(() => this.forwardOutputs(randn([1, ...this.inputShape])).map((t, i) => ({
                    module: this.taps[i], channels: t.shape[1], reduction: h / t.shape[2],
                }))));
            }
            finally {
                this.train(wasTraining);
            }
        }
        return this.info;
    }
    /** Every tapped output, in tap order; the caller owns them. */
    forwardOutputs(x) {
        const captured = new Map();
        const last = this.taps[this.taps.length - 1];
        const restore = this.taps.map((path) => watchForward(this.model.getSubmodule(path), (result) => {
            // A copy: the model may free or modify its intermediate outputs once the next module has used them.
            if (!captured.has(path))
                captured.set(path, keep(result.clone()));
            if (path === last)
                throw new LastTapReached();
        }));
        try {
            tidy(() => this.model.forward(x));
        }
        catch (err) {
            if (!(err instanceof LastTapReached)) {
                for (const t of captured.values())
                    t.dispose();
                throw err;
            }
        }
        finally {
            for (const undo of restore.reverse())
                undo();
        }
        const missing = this.taps.filter((p) => !captured.has(p));
        if (missing.length) {
            for (const t of captured.values())
                t.dispose();
            throw new Error(`HookedFeatures: the forward pass never ran the tapped module(s) ${missing.map((m) => `'${m}'`).join(', ')}`);
        }
        return this.taps.map((p) => {
            const t = unkeep(captured.get(p));
            track(t);
            return t;
        });
    }
}
function withTaps(model, taps) {
    if (taps.length === 0)
        throw new RangeError('HookedFeatures: no taps given');
    for (const path of taps)
        model.getSubmodule(path); // throws naming a path that does not exist
    return model;
}
/** Calls `seen` with each output of m.forward; returns the function that restores m.forward. */
function watchForward(m, seen) {
    const own = Object.getOwnPropertyDescriptor(m, 'forward');
    const inner = m.forward;
    m.forward = (...args) => {
        const result = inner.apply(m, args);
        seen(result);
        return result;
    };
    return () => {
        if (own)
            Object.defineProperty(m, 'forward', own);
        else
            delete m.forward;
    };
}
/**
 * The backbone of a model: `true` for the family's declared stages (head dropped), or the module paths to
 * tap (nothing dropped). Takes ownership of the model (disposed on error).
 */
export function featureBackbone(model, features, inputShape, name = model.constructor.name) {
    try {
        if (features === true) {
            if (!isStagedModel(model)) {
                throw new Error(`model '${name}' names no default feature maps: give the module paths to tap, e.g. features: ['${model.namedChildren()[0]?.[0] ?? 'layer1'}']`);
            }
            return new StageFeatures(model);
        }
        return new HookedFeatures(model, features, inputShape);
    }
    catch (err) {
        model.dispose();
        throw err;
    }
}
//# sourceMappingURL=features.js.map
// The module system (torch.nn.Module): a tree of named children, parameters and buffers whose dotted
// names match PyTorch's, train/eval mode, strict state dicts and module replacement by path.
//
// Ownership: a module owns its parameters and buffers. They are kept out of every tidy() scope and
// live until module.dispose(). forward() never disposes its input; it returns a new tensor the caller
// owns. Composite modules release their intermediates as soon as they are consumed.
import { noGrad } from '../engine/autograd.js';
import { keep } from '../engine/scope.js';
import { EvalCache } from './eval-cache.js';
export class StateDictError extends Error {
    missing;
    unexpected;
    mismatched;
    constructor(missing, unexpected, mismatched, context = 'loadStateDict') {
        const parts = [];
        if (missing.length)
            parts.push(`missing keys (${missing.length}): ${missing.join(', ')}`);
        if (unexpected.length)
            parts.push(`unexpected keys (${unexpected.length}): ${unexpected.join(', ')}`);
        if (mismatched.length)
            parts.push(`shape mismatches (${mismatched.length}): ${mismatched.join('; ')}`);
        super(`${context}: the state dict does not fit the model:\n  ${parts.join('\n  ')}`);
        this.missing = missing;
        this.unexpected = unexpected;
        this.mismatched = mismatched;
        this.name = 'StateDictError';
    }
}
export function isMultiOutput(m) {
    return typeof m.forwardOutputs === 'function' && Array.isArray(m.outputNames);
}
/** All outputs of a module: forwardOutputs() for a multi-output module, else [forward()]. */
export function moduleOutputs(m, input) {
    return isMultiOutput(m) ? m.forwardOutputs(input) : [m.forward(input)];
}
export class Module {
    /** Training mode (batch statistics, dropout) when true; evaluation mode when false. */
    training = true;
    /** Layout of the 4-D parameters and buffers, and of the inputs `formatInput` prepares (see toMemoryFormat). */
    memoryFormat = 'contiguous';
    /** Inference-time values derived from this module's tensors (folded kernels); see nn/fusion. */
    evalCache = new EvalCache();
    params = new Map();
    buffers = new Map();
    children = new Map();
    // --- registration --------------------------------------------------------------------------------
    /** Registers a trainable tensor (requiresGrad is set) and exposes it as `this[name]`. */
    addParameter(name, value) {
        checkName(name, this);
        this.buffers.delete(name);
        this.replaceOwned(this.params, name, keep(value.requiresGrad ? value : value.requiresGrad_(true)));
        this.expose(name, () => this.params.get(name));
        return value;
    }
    /** Registers a non-trainable tensor saved in the state dict (e.g. BN running statistics). */
    addBuffer(name, value) {
        checkName(name, this);
        this.params.delete(name);
        this.replaceOwned(this.buffers, name, keep(value));
        this.expose(name, () => this.buffers.get(name));
        return value;
    }
    /** Registers a child module and exposes it as `this[name]`; insertion order is state-dict order. */
    addModule(name, module) {
        checkName(name, this);
        if (!(module instanceof Module))
            throw new TypeError(`addModule('${name}'): not a Module`);
        this.children.set(name, module);
        this.expose(name, () => this.children.get(name));
        return module;
    }
    replaceOwned(map, name, value) {
        const old = map.get(name);
        if (old !== undefined && old !== value)
            old.dispose();
        map.set(name, value);
    }
    expose(name, get) {
        const own = Object.getOwnPropertyDescriptor(this, name);
        if (own?.get !== undefined)
            return;
        Object.defineProperty(this, name, { get, enumerable: true, configurable: true });
    }
    // --- traversal ------------------------------------------------------------------------------------
    /** Direct children, in registration order. */
    namedChildren() {
        return [...this.children];
    }
    /** This module and all descendants, depth first, with dotted paths ('' for this module). */
    *namedModules(prefix = '') {
        yield [prefix, this];
        for (const [name, child] of this.children)
            yield* child.namedModules(prefix ? `${prefix}.${name}` : name);
    }
    modules() {
        return [...this.namedModules()].map(([, m]) => m);
    }
    /** Parameters with their dotted names, in state-dict order. */
    namedParameters() {
        const out = [];
        for (const [path, m] of this.namedModules())
            for (const [n, p] of m.params)
                out.push([path ? `${path}.${n}` : n, p]);
        return out;
    }
    parameters() {
        return this.namedParameters().map(([, p]) => p);
    }
    namedBuffers() {
        const out = [];
        for (const [path, m] of this.namedModules())
            for (const [n, b] of m.buffers)
                out.push([path ? `${path}.${n}` : n, b]);
        return out;
    }
    /** Total number of parameter elements (BN running statistics and other buffers excluded). */
    numParameters() {
        return this.parameters().reduce((sum, p) => sum + p.numel, 0);
    }
    /** The module at a dotted path ('layer1.0.conv1'); throws naming the first missing part. */
    getSubmodule(path) {
        if (path === '')
            return this;
        let m = this;
        const parts = path.split('.');
        for (const [i, part] of parts.entries()) {
            const next = m.children.get(part);
            if (next === undefined) {
                const where = parts.slice(0, i).join('.') || '<root>';
                throw new Error(`getSubmodule: '${where}' (${m.constructor.name}) has no child '${part}'; children: ${[...m.children.keys()].join(', ') || 'none'}`);
            }
            m = next;
        }
        return m;
    }
    /**
     * Replaces the module at a dotted path and returns the old one (not disposed: converters copy from it
     * first). This is how converters swap blocks, e.g. a conv for an ACBlock.
     */
    setSubmodule(path, module) {
        const cut = path.lastIndexOf('.');
        const parent = this.getSubmodule(cut < 0 ? '' : path.slice(0, cut));
        const name = path.slice(cut + 1);
        const old = parent.children.get(name);
        if (old === undefined)
            throw new Error(`setSubmodule: '${path}' does not exist`);
        parent.children.set(name, module);
        module.train(old.training);
        return old;
    }
    /** Calls fn on every module, children first (like torch's apply). */
    apply(fn) {
        for (const child of this.children.values())
            child.apply(fn);
        fn(this);
        return this;
    }
    // --- modes -----------------------------------------------------------------------------------------
    train(mode = true) {
        for (const m of this.modules()) {
            if (m.training !== mode)
                m.evalCache.clear();
            m.training = mode;
        }
        return this;
    }
    eval() {
        return this.train(false);
    }
    /**
     * Moves every 4-D parameter and buffer to a memory layout, in place (optimizers keep working), and
     * remembers it. Channels-last makes libtorch's oneDNN convolutions skip reordering their inputs and
     * outputs; feed the model inputs in the same layout (formatInput; NCHW inputs also work, converted by
     * the first conv). The values, state-dict bytes and checkpoints are unchanged. 'auto' picks
     * preferredMemoryFormat(this).
     */
    toMemoryFormat(choice) {
        const format = choice === 'auto' ? preferredMemoryFormat(this) : choice;
        noGrad(() => {
            for (const t of [...this.parameters(), ...this.namedBuffers().map(([, b]) => b)]) {
                if (t.ndim !== 4 || t.isContiguous(format))
                    continue;
                const laid = t.contiguous(format);
                t.setData_(laid);
                laid.dispose();
            }
        });
        for (const m of this.modules())
            m.memoryFormat = format;
        return this;
    }
    /**
     * Moves every parameter and buffer to `device`, in place (the tensors keep their identity, so an
     * optimizer built on them keeps working; its state is created on the new device). Memory layouts are kept.
     */
    to(device) {
        noGrad(() => {
            for (const t of [...this.parameters(), ...this.namedBuffers().map(([, b]) => b)]) {
                if (t.device === device)
                    continue;
                const moved = t.to({ device });
                t.setData_(moved);
                moved.dispose();
            }
        });
        for (const m of this.modules())
            m.evalCache.clear();
        return this;
    }
    /** The device of the model's parameters (of its buffers when it has none; 'cpu' for an empty model). */
    get device() {
        return this.parameters()[0]?.device ?? this.namedBuffers()[0]?.[1].device ?? 'cpu';
    }
    /** The input in this model's memory format: x itself when it already is, else a new tensor the caller owns. */
    formatInput(x) {
        return this.memoryFormat === 'contiguous' || x.ndim !== 4 || x.isContiguous(this.memoryFormat) ? x : x.contiguous(this.memoryFormat);
    }
    // --- state -----------------------------------------------------------------------------------------
    /** Parameters and buffers by dotted name. The tensors are the module's own: do not dispose them. */
    stateDict() {
        const out = {};
        for (const [path, m] of this.namedModules()) {
            for (const [n, p] of m.params)
                out[path ? `${path}.${n}` : n] = p;
            for (const [n, b] of m.buffers)
                out[path ? `${path}.${n}` : n] = b;
        }
        return out;
    }
    /**
     * Copies tensors into the module's parameters and buffers (in place: optimizers keep working).
     * Strict by default: any missing, unexpected or mis-shaped key fails before anything is copied, and
     * the error lists them all.
     */
    loadStateDict(state, options = {}) {
        const strict = options.strict ?? true;
        const own = this.stateDict();
        const missing = Object.keys(own).filter((k) => !(k in state));
        const unexpected = Object.keys(state).filter((k) => !(k in own));
        const mismatched = Object.keys(own)
            .filter((k) => k in state && state[k].shape.join() !== own[k].shape.join())
            .map((k) => `${k}: checkpoint [${state[k].shape.join(', ')}] vs model [${own[k].shape.join(', ')}]`);
        if (mismatched.length || (strict && (missing.length || unexpected.length))) {
            throw new StateDictError(missing, strict ? unexpected : [], mismatched);
        }
        noGrad(() => {
            for (const [k, t] of Object.entries(own)) {
                const src = state[k];
                if (src === undefined)
                    continue;
                if (src.dtype === t.dtype) {
                    t.copy_(src);
                }
                else {
                    const converted = src.to({ dtype: t.dtype });
                    t.copy_(converted);
                    converted.dispose();
                }
            }
        });
        return { missing, unexpected };
    }
    /** Frees every parameter and buffer of this module tree. */
    dispose() {
        for (const m of this.modules()) {
            m.evalCache.clear();
            for (const t of m.params.values())
                t.dispose();
            for (const t of m.buffers.values())
                t.dispose();
        }
    }
    /** One line per module, indented like PyTorch's repr. */
    toString() {
        const head = `${this.constructor.name}(${this.extraRepr()})`;
        if (this.children.size === 0)
            return head;
        const lines = [...this.children].map(([n, c]) => `  (${n}): ${c.toString().replace(/\n/g, '\n  ')}`);
        return `${this.constructor.name}(${this.extraRepr()}\n${lines.join('\n')}\n)`;
    }
    /** Constructor arguments worth showing in toString(). */
    extraRepr() {
        return '';
    }
}
/**
 * The layout a model runs fastest in on libtorch's CPU kernels: channels-last when it has convolutions
 * (4-D weights), else the default. Measured per conv kind and per model (bench/results/memory-format.md):
 * channels-last is ahead or level for dense, 1x1, depthwise and dilated convs and behind only for
 * mid-size grouped convs, where converting layouts around them would cost more than it saves; each
 * model measured (six, from Cifar-quick to HCGNet-A1) trains 1.03-1.63x faster channels-last.
 */
export function preferredMemoryFormat(model) {
    return model.parameters().some((p) => p.ndim === 4) ? 'channelsLast' : 'contiguous';
}
const RESERVED = new Set(['training', 'memoryFormat', 'evalCache', 'forward', 'constructor']);
function checkName(name, owner) {
    if (name === '' || name.includes('.'))
        throw new TypeError(`${owner.constructor.name}: invalid member name '${name}' (no dots, not empty)`);
    if (RESERVED.has(name) || name in Module.prototype)
        throw new TypeError(`${owner.constructor.name}: '${name}' is a reserved name`);
}
//# sourceMappingURL=module.js.map
// The module system (torch.nn.Module): a tree of named children, parameters and buffers whose dotted
// names match PyTorch's, train/eval mode, strict state dicts and module replacement by path.
//
// Ownership: a module owns its parameters and buffers. They are kept out of every tidy() scope and
// live until module.dispose(). forward() never disposes its input; it returns a new tensor the caller
// owns. Composite modules release their intermediates as soon as they are consumed.
import { noGrad } from '../engine/autograd.js';
import { keep } from '../engine/scope.js';
import { type Device, type MemoryFormat, Tensor } from '../engine/tensor.js';
import { EvalCache } from './eval-cache.js';

export type StateDict = Record<string, Tensor>;

export class StateDictError extends Error {
  constructor(readonly missing: string[], readonly unexpected: string[], readonly mismatched: string[], context = 'loadStateDict') {
    const parts: string[] = [];
    if (missing.length) parts.push(`missing keys (${missing.length}): ${missing.join(', ')}`);
    if (unexpected.length) parts.push(`unexpected keys (${unexpected.length}): ${unexpected.join(', ')}`);
    if (mismatched.length) parts.push(`shape mismatches (${mismatched.length}): ${mismatched.join('; ')}`);
    super(`${context}: the state dict does not fit the model:\n  ${parts.join('\n  ')}`);
    this.name = 'StateDictError';
  }
}

/**
 * A module with several outputs (a feature backbone's stage maps). forward() still returns one tensor;
 * forwardOutputs() returns them all, in the order of outputNames (ONNX export gives each its own output).
 */
export interface MultiOutput {
  readonly outputNames: readonly string[];
  forwardOutputs(input: Tensor): Tensor[];
}

export function isMultiOutput(m: Module): m is Module & MultiOutput {
  return typeof (m as Partial<MultiOutput>).forwardOutputs === 'function' && Array.isArray((m as Partial<MultiOutput>).outputNames);
}

/** All outputs of a module: forwardOutputs() for a multi-output module, else [forward()]. */
export function moduleOutputs(m: Module, input: Tensor): Tensor[] {
  return isMultiOutput(m) ? m.forwardOutputs(input) : [m.forward(input)];
}

export abstract class Module {
  /** Training mode (batch statistics, dropout) when true; evaluation mode when false. */
  training = true;
  /** Layout of the 4-D parameters and buffers, and of the inputs `formatInput` prepares (see toMemoryFormat). */
  memoryFormat: MemoryFormat = 'contiguous';
  /** Inference-time values derived from this module's tensors (folded kernels); see nn/fusion. */
  readonly evalCache = new EvalCache();
  private readonly params = new Map<string, Tensor>();
  private readonly buffers = new Map<string, Tensor>();
  private readonly children = new Map<string, Module>();

  abstract forward(input: Tensor): Tensor;

  // --- registration --------------------------------------------------------------------------------
  /** Registers a trainable tensor (requiresGrad is set) and exposes it as `this[name]`. */
  protected addParameter(name: string, value: Tensor): Tensor {
    checkName(name, this);
    this.buffers.delete(name);
    this.replaceOwned(this.params, name, keep(value.requiresGrad ? value : value.requiresGrad_(true)));
    this.expose(name, () => this.params.get(name));
    return value;
  }

  /** Registers a non-trainable tensor saved in the state dict (e.g. BN running statistics). */
  protected addBuffer(name: string, value: Tensor): Tensor {
    checkName(name, this);
    this.params.delete(name);
    this.replaceOwned(this.buffers, name, keep(value));
    this.expose(name, () => this.buffers.get(name));
    return value;
  }

  /** Registers a child module and exposes it as `this[name]`; insertion order is state-dict order. */
  addModule<M extends Module>(name: string, module: M): M {
    checkName(name, this);
    if (!(module instanceof Module)) throw new TypeError(`addModule('${name}'): not a Module`);
    this.children.set(name, module);
    this.expose(name, () => this.children.get(name));
    return module;
  }

  private replaceOwned(map: Map<string, Tensor>, name: string, value: Tensor): void {
    const old = map.get(name);
    if (old !== undefined && old !== value) old.dispose();
    map.set(name, value);
  }

  private expose(name: string, get: () => unknown): void {
    const own = Object.getOwnPropertyDescriptor(this, name);
    if (own?.get !== undefined) return;
    Object.defineProperty(this, name, { get, enumerable: true, configurable: true });
  }

  // --- traversal ------------------------------------------------------------------------------------
  /** Direct children, in registration order. */
  namedChildren(): [string, Module][] {
    return [...this.children];
  }

  /** This module and all descendants, depth first, with dotted paths ('' for this module). */
  *namedModules(prefix = ''): Generator<[string, Module]> {
    yield [prefix, this];
    for (const [name, child] of this.children) yield* child.namedModules(prefix ? `${prefix}.${name}` : name);
  }

  modules(): Module[] {
    return [...this.namedModules()].map(([, m]) => m);
  }

  /** Parameters with their dotted names, in state-dict order. */
  namedParameters(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [path, m] of this.namedModules()) for (const [n, p] of m.params) out.push([path ? `${path}.${n}` : n, p]);
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [path, m] of this.namedModules()) for (const [n, b] of m.buffers) out.push([path ? `${path}.${n}` : n, b]);
    return out;
  }

  /** Total number of parameter elements (BN running statistics and other buffers excluded). */
  numParameters(): number {
    return this.parameters().reduce((sum, p) => sum + p.numel, 0);
  }

  /** The module at a dotted path ('layer1.0.conv1'); throws naming the first missing part. */
  getSubmodule(path: string): Module {
    if (path === '') return this;
    let m: Module = this;
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
  setSubmodule(path: string, module: Module): Module {
    const cut = path.lastIndexOf('.');
    const parent = this.getSubmodule(cut < 0 ? '' : path.slice(0, cut));
    const name = path.slice(cut + 1);
    const old = parent.children.get(name);
    if (old === undefined) throw new Error(`setSubmodule: '${path}' does not exist`);
    parent.children.set(name, module);
    module.train(old.training);
    return old;
  }

  /** Calls fn on every module, children first (like torch's apply). */
  apply(fn: (m: Module) => void): this {
    for (const child of this.children.values()) child.apply(fn);
    fn(this);
    return this;
  }

  // --- modes -----------------------------------------------------------------------------------------
  train(mode = true): this {
    for (const m of this.modules()) {
      if (m.training !== mode) m.evalCache.clear();
      m.training = mode;
    }
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /**
   * Moves every 4-D parameter and buffer to a memory layout, in place (optimizers keep working), and
   * remembers it. Channels-last makes libtorch's oneDNN convolutions skip reordering their inputs and
   * outputs; feed the model inputs in the same layout (formatInput; NCHW inputs also work, converted by
   * the first conv). The values, state-dict bytes and checkpoints are unchanged. 'auto' picks
   * preferredMemoryFormat(this).
   */
  toMemoryFormat(choice: MemoryFormatChoice): this {
    const format = choice === 'auto' ? preferredMemoryFormat(this) : choice;
    noGrad(() => {
      for (const t of [...this.parameters(), ...this.namedBuffers().map(([, b]) => b)]) {
        if (t.ndim !== 4 || t.isContiguous(format)) continue;
        const laid = t.contiguous(format);
        t.setData_(laid);
        laid.dispose();
      }
    });
    for (const m of this.modules()) m.memoryFormat = format;
    return this;
  }

  /**
   * Moves every parameter and buffer to `device`, in place (the tensors keep their identity, so an
   * optimizer built on them keeps working; its state is created on the new device). Memory layouts are kept.
   */
  to(device: Device): this {
    noGrad(() => {
      for (const t of [...this.parameters(), ...this.namedBuffers().map(([, b]) => b)]) {
        if (t.device === device) continue;
        const moved = t.to({ device });
        t.setData_(moved);
        moved.dispose();
      }
    });
    for (const m of this.modules()) m.evalCache.clear();
    return this;
  }

  /** The device of the model's parameters (of its buffers when it has none; 'cpu' for an empty model). */
  get device(): Device {
    return this.parameters()[0]?.device ?? this.namedBuffers()[0]?.[1].device ?? 'cpu';
  }

  /** The input in this model's memory format: x itself when it already is, else a new tensor the caller owns. */
  formatInput(x: Tensor): Tensor {
    return this.memoryFormat === 'contiguous' || x.ndim !== 4 || x.isContiguous(this.memoryFormat) ? x : x.contiguous(this.memoryFormat);
  }

  // --- state -----------------------------------------------------------------------------------------
  /** Parameters and buffers by dotted name. The tensors are the module's own: do not dispose them. */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [path, m] of this.namedModules()) {
      for (const [n, p] of m.params) out[path ? `${path}.${n}` : n] = p;
      for (const [n, b] of m.buffers) out[path ? `${path}.${n}` : n] = b;
    }
    return out;
  }

  /**
   * Copies tensors into the module's parameters and buffers (in place: optimizers keep working).
   * Strict by default: any missing, unexpected or mis-shaped key fails before anything is copied, and
   * the error lists them all.
   */
  loadStateDict(state: StateDict, options: { strict?: boolean } = {}): { missing: string[]; unexpected: string[] } {
    const strict = options.strict ?? true;
    const own = this.stateDict();
    const missing = Object.keys(own).filter((k) => !(k in state));
    const unexpected = Object.keys(state).filter((k) => !(k in own));
    const mismatched = Object.keys(own)
      .filter((k) => k in state && state[k]!.shape.join() !== own[k]!.shape.join())
      .map((k) => `${k}: checkpoint [${state[k]!.shape.join(', ')}] vs model [${own[k]!.shape.join(', ')}]`);
    if (mismatched.length || (strict && (missing.length || unexpected.length))) {
      throw new StateDictError(missing, strict ? unexpected : [], mismatched);
    }
    noGrad(() => {
      for (const [k, t] of Object.entries(own)) {
        const src = state[k];
        if (src === undefined) continue;
        if (src.dtype === t.dtype) {
          t.copy_(src);
        } else {
          const converted = src.to({ dtype: t.dtype });
          t.copy_(converted);
          converted.dispose();
        }
      }
    });
    return { missing, unexpected };
  }

  /** Frees every parameter and buffer of this module tree. */
  dispose(): void {
    for (const m of this.modules()) {
      m.evalCache.clear();
      for (const t of m.params.values()) t.dispose();
      for (const t of m.buffers.values()) t.dispose();
    }
  }

  /** One line per module, indented like PyTorch's repr. */
  toString(): string {
    const head = `${this.constructor.name}(${this.extraRepr()})`;
    if (this.children.size === 0) return head;
    const lines = [...this.children].map(([n, c]) => `  (${n}): ${c.toString().replace(/\n/g, '\n  ')}`);
    return `${this.constructor.name}(${this.extraRepr()}\n${lines.join('\n')}\n)`;
  }

  /** Constructor arguments worth showing in toString(). */
  extraRepr(): string {
    return '';
  }
}

/** A memory layout, or 'auto' for the one measured faster for the model (preferredMemoryFormat). */
export type MemoryFormatChoice = MemoryFormat | 'auto';

/**
 * The layout a model runs fastest in on libtorch's CPU kernels: channels-last when it has convolutions
 * (4-D weights), else the default. Measured per conv kind and per model (bench/results/memory-format.md):
 * channels-last is ahead or level for dense, 1x1, depthwise and dilated convs and behind only for
 * mid-size grouped convs, where converting layouts around them would cost more than it saves; each
 * model measured (six, from Cifar-quick to HCGNet-A1) trains 1.03-1.63x faster channels-last.
 */
export function preferredMemoryFormat(model: Module): MemoryFormat {
  return model.parameters().some((p) => p.ndim === 4) ? 'channelsLast' : 'contiguous';
}

const RESERVED = new Set(['training', 'memoryFormat', 'evalCache', 'forward', 'constructor']);

function checkName(name: string, owner: Module): void {
  if (name === '' || name.includes('.')) throw new TypeError(`${owner.constructor.name}: invalid member name '${name}' (no dots, not empty)`);
  if (RESERVED.has(name) || name in Module.prototype) throw new TypeError(`${owner.constructor.name}: '${name}' is a reserved name`);
}

import { type Device, type MemoryFormat, Tensor } from '../engine/tensor.js';
import { EvalCache } from './eval-cache.js';
export type StateDict = Record<string, Tensor>;
export declare class StateDictError extends Error {
    readonly missing: string[];
    readonly unexpected: string[];
    readonly mismatched: string[];
    constructor(missing: string[], unexpected: string[], mismatched: string[], context?: string);
}
/**
 * A module with several outputs (a feature backbone's stage maps). forward() still returns one tensor;
 * forwardOutputs() returns them all, in the order of outputNames (ONNX export gives each its own output).
 */
export interface MultiOutput {
    readonly outputNames: readonly string[];
    forwardOutputs(input: Tensor): Tensor[];
}
export declare function isMultiOutput(m: Module): m is Module & MultiOutput;
/** All outputs of a module: forwardOutputs() for a multi-output module, else [forward()]. */
export declare function moduleOutputs(m: Module, input: Tensor): Tensor[];
export declare abstract class Module {
    /** Training mode (batch statistics, dropout) when true; evaluation mode when false. */
    training: boolean;
    /** Layout of the 4-D parameters and buffers, and of the inputs `formatInput` prepares (see toMemoryFormat). */
    memoryFormat: MemoryFormat;
    /** Inference-time values derived from this module's tensors (folded kernels); see nn/fusion. */
    readonly evalCache: EvalCache;
    private readonly params;
    private readonly buffers;
    private readonly children;
    abstract forward(input: Tensor): Tensor;
    /** Registers a trainable tensor (requiresGrad is set) and exposes it as `this[name]`. */
    protected addParameter(name: string, value: Tensor): Tensor;
    /** Registers a non-trainable tensor saved in the state dict (e.g. BN running statistics). */
    protected addBuffer(name: string, value: Tensor): Tensor;
    /** Registers a child module and exposes it as `this[name]`; insertion order is state-dict order. */
    addModule<M extends Module>(name: string, module: M): M;
    private replaceOwned;
    private expose;
    /** Direct children, in registration order. */
    namedChildren(): [string, Module][];
    /** This module and all descendants, depth first, with dotted paths ('' for this module). */
    namedModules(prefix?: string): Generator<[string, Module]>;
    modules(): Module[];
    /** Parameters with their dotted names, in state-dict order. */
    namedParameters(): [string, Tensor][];
    parameters(): Tensor[];
    namedBuffers(): [string, Tensor][];
    /** Total number of parameter elements (BN running statistics and other buffers excluded). */
    numParameters(): number;
    /** The module at a dotted path ('layer1.0.conv1'); throws naming the first missing part. */
    getSubmodule(path: string): Module;
    /**
     * Replaces the module at a dotted path and returns the old one (not disposed: converters copy from it
     * first). This is how converters swap blocks, e.g. a conv for an ACBlock.
     */
    setSubmodule(path: string, module: Module): Module;
    /** Calls fn on every module, children first (like torch's apply). */
    apply(fn: (m: Module) => void): this;
    train(mode?: boolean): this;
    eval(): this;
    /**
     * Moves every 4-D parameter and buffer to a memory layout, in place (optimizers keep working), and
     * remembers it. Channels-last makes libtorch's oneDNN convolutions skip reordering their inputs and
     * outputs; feed the model inputs in the same layout (formatInput; NCHW inputs also work, converted by
     * the first conv). The values, state-dict bytes and checkpoints are unchanged. 'auto' picks
     * preferredMemoryFormat(this).
     */
    toMemoryFormat(choice: MemoryFormatChoice): this;
    /**
     * Moves every parameter and buffer to `device`, in place (the tensors keep their identity, so an
     * optimizer built on them keeps working; its state is created on the new device). Memory layouts are kept.
     */
    to(device: Device): this;
    /** The device of the model's parameters (of its buffers when it has none; 'cpu' for an empty model). */
    get device(): Device;
    /** The input in this model's memory format: x itself when it already is, else a new tensor the caller owns. */
    formatInput(x: Tensor): Tensor;
    /** Parameters and buffers by dotted name. The tensors are the module's own: do not dispose them. */
    stateDict(): StateDict;
    /**
     * Copies tensors into the module's parameters and buffers (in place: optimizers keep working).
     * Strict by default: any missing, unexpected or mis-shaped key fails before anything is copied, and
     * the error lists them all.
     */
    loadStateDict(state: StateDict, options?: {
        strict?: boolean;
    }): {
        missing: string[];
        unexpected: string[];
    };
    /** Frees every parameter and buffer of this module tree. */
    dispose(): void;
    /** One line per module, indented like PyTorch's repr. */
    toString(): string;
    /** Constructor arguments worth showing in toString(). */
    extraRepr(): string;
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
export declare function preferredMemoryFormat(model: Module): MemoryFormat;

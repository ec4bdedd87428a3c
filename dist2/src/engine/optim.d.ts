import { Tensor } from './tensor.js';
export interface SGDHyperParams {
    lr: number;
    momentum: number;
    dampening: number;
    weightDecay: number;
    nesterov: boolean;
}
/** A parameter group: its own tensors and any hyper-parameters that differ from the optimizer's defaults. */
export interface ParamGroupSpec extends Partial<SGDHyperParams> {
    params: readonly Tensor[];
}
export interface ParamGroup extends SGDHyperParams {
    readonly params: readonly Tensor[];
}
/**
 * Optimizer state in a storable form: tensors by name (`state.<paramIndex>.momentum_buffer`, the index
 * counting parameters across groups in order) and JSON-serialisable hyper-parameters. Fits a
 * safetensors file directly (tensors + `__metadata__`).
 */
export interface OptimizerState {
    tensors: Record<string, Tensor>;
    meta: {
        type: 'SGD';
        paramGroups: (SGDHyperParams & {
            params: number[];
        })[];
    };
}
export declare class SGD {
    readonly paramGroups: ParamGroup[];
    /** Momentum buffers, owned by the optimizer (kept out of any scope; freed by dispose()). */
    private readonly momentumBuffers;
    constructor(params: readonly Tensor[] | readonly ParamGroupSpec[], defaults: Partial<SGDHyperParams> & {
        lr: number;
    });
    /**
     * Applies one update from the gradients currently in `.grad`; parameters without a gradient are
     * skipped. Each group is updated by one native call (torch's per-parameter arithmetic, in order).
     */
    step(): void;
    /** Clears gradients; by default drops them (like set_to_none=True), else zeroes them in place. */
    zeroGrad(setToNone?: boolean): void;
    private allParams;
    /** The state to save with a checkpoint. The tensors are the optimizer's own buffers: do not dispose them. */
    stateDict(): OptimizerState;
    /** Restores state saved by stateDict() for the same parameter layout (copies the tensors). */
    loadStateDict(state: OptimizerState): void;
    private disposeBuffers;
    /** Frees the optimizer's state tensors. */
    dispose(): void;
}

// Optimizers. SGD follows torch.optim.SGD's update exactly, including the first-step momentum buffer.
import { noGrad } from './autograd.js';
import { native, type NativeHandle } from './native.js';
import { keep, tidy } from './scope.js';
import { Tensor, zerosLike } from './tensor.js';

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
  meta: { type: 'SGD'; paramGroups: (SGDHyperParams & { params: number[] })[] };
}

function checkHyper(h: SGDHyperParams): void {
  if (!(h.lr >= 0)) throw new RangeError(`SGD: invalid learning rate ${h.lr}`);
  if (!(h.momentum >= 0)) throw new RangeError(`SGD: invalid momentum ${h.momentum}`);
  if (!(h.weightDecay >= 0)) throw new RangeError(`SGD: invalid weight decay ${h.weightDecay}`);
  if (h.nesterov && (h.momentum <= 0 || h.dampening !== 0)) throw new RangeError('SGD: nesterov needs momentum > 0 and dampening 0');
}

export class SGD {
  readonly paramGroups: ParamGroup[];
  /** Momentum buffers, owned by the optimizer (kept out of any scope; freed by dispose()). */
  private readonly momentumBuffers = new Map<Tensor, Tensor>();

  constructor(params: readonly Tensor[] | readonly ParamGroupSpec[], defaults: Partial<SGDHyperParams> & { lr: number }) {
    const base: SGDHyperParams = { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, ...defaults };
    const specs: readonly ParamGroupSpec[] = params.length > 0 && params[0] instanceof Tensor ? [{ params: params as Tensor[] }] : (params as ParamGroupSpec[]);
    const seen = new Set<Tensor>();
    this.paramGroups = specs.map((spec) => {
      const group: ParamGroup = { ...base, ...spec, params: [...spec.params] };
      checkHyper(group);
      for (const p of group.params) {
        if (seen.has(p)) throw new Error('SGD: a parameter appears in more than one group');
        seen.add(p);
      }
      return group;
    });
  }

  /**
   * Applies one update from the gradients currently in `.grad`; parameters without a gradient are
   * skipped. Each group is updated by one native call (torch's per-parameter arithmetic, in order).
   */
  step(): void {
    for (const group of this.paramGroups) {
      const buffers = group.params.map((p) => this.momentumBuffers.get(p)?.handle ?? null);
      const created = native.sgdStep(
        group.params.map((p) => p.handle), buffers, group.lr, group.momentum, group.dampening, group.weightDecay, group.nesterov,
      ) as (NativeHandle | undefined)[];
      created.forEach((handle, i) => {
        if (handle !== undefined) this.momentumBuffers.set(group.params[i]!, keep(new Tensor(handle)));
      });
    }
  }

  /** Clears gradients; by default drops them (like set_to_none=True), else zeroes them in place. */
  zeroGrad(setToNone = true): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (setToNone) {
          p.grad = undefined;
        } else {
          tidy(() => p.grad?.zero_());
        }
      }
    }
  }

  private allParams(): Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /** The state to save with a checkpoint. The tensors are the optimizer's own buffers: do not dispose them. */
  stateDict(): OptimizerState {
    const tensors: Record<string, Tensor> = {};
    this.allParams().forEach((p, i) => {
      const buf = this.momentumBuffers.get(p);
      if (buf !== undefined) tensors[`state.${i}.momentum_buffer`] = buf;
    });
    let index = 0;
    const paramGroups = this.paramGroups.map(({ params, ...hyper }) => ({ ...hyper, params: params.map(() => index++) }));
    return { tensors, meta: { type: 'SGD', paramGroups } };
  }

  /** Restores state saved by stateDict() for the same parameter layout (copies the tensors). */
  loadStateDict(state: OptimizerState): void {
    if (state.meta.type !== 'SGD') throw new Error(`SGD.loadStateDict: state is for a ${String(state.meta.type)} optimizer`);
    const groups = state.meta.paramGroups;
    if (groups.length !== this.paramGroups.length) {
      throw new Error(`SGD.loadStateDict: state has ${groups.length} parameter groups, optimizer has ${this.paramGroups.length}`);
    }
    groups.forEach((saved, i) => {
      const own = this.paramGroups[i]!;
      if (saved.params.length !== own.params.length) {
        throw new Error(`SGD.loadStateDict: group ${i} has ${saved.params.length} parameters in the state, ${own.params.length} in the optimizer`);
      }
    });
    const params = this.allParams();
    for (const name of Object.keys(state.tensors)) {
      const m = /^state\.(\d+)\.momentum_buffer$/.exec(name);
      if (m === null || Number(m[1]) >= params.length) throw new Error(`SGD.loadStateDict: unexpected state entry '${name}'`);
      const p = params[Number(m[1])]!;
      const src = state.tensors[name]!;
      if (src.shape.join() !== p.shape.join()) {
        throw new Error(`SGD.loadStateDict: '${name}' has shape [${src.shape}] but the parameter has shape [${p.shape}]`);
      }
    }
    this.disposeBuffers();
    for (const [name, src] of Object.entries(state.tensors)) {
      const p = params[Number(/^state\.(\d+)\./.exec(name)![1])]!;
      const buf = keep(zerosLike(p));
      noGrad(() => buf.copy_(src));
      this.momentumBuffers.set(p, buf);
    }
    groups.forEach((saved, i) => {
      const { params: _ignored, ...hyper } = saved;
      Object.assign(this.paramGroups[i]!, hyper);
    });
  }

  private disposeBuffers(): void {
    for (const buf of this.momentumBuffers.values()) buf.dispose();
    this.momentumBuffers.clear();
  }

  /** Frees the optimizer's state tensors. */
  dispose(): void {
    this.disposeBuffers();
  }
}

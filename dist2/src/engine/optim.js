// Optimizers. SGD follows torch.optim.SGD's update exactly, including the first-step momentum buffer.
import { noGrad } from './autograd.js';
import { native } from './native.js';
import { keep, tidy } from './scope.js';
import { Tensor, zerosLike } from './tensor.js';
function checkHyper(h) {
    if (!(h.lr >= 0))
        throw new RangeError(`SGD: invalid learning rate ${h.lr}`);
    if (!(h.momentum >= 0))
        throw new RangeError(`SGD: invalid momentum ${h.momentum}`);
    if (!(h.weightDecay >= 0))
        throw new RangeError(`SGD: invalid weight decay ${h.weightDecay}`);
    if (h.nesterov && (h.momentum <= 0 || h.dampening !== 0))
        throw new RangeError('SGD: nesterov needs momentum > 0 and dampening 0');
}
export class SGD {
    paramGroups;
    /** Momentum buffers, owned by the optimizer (kept out of any scope; freed by dispose()). */
    momentumBuffers = new Map();
    constructor(params, defaults) {
        const base = { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, ...defaults };
        const specs = params.length > 0 && params[0] instanceof Tensor ? [{ params: params }] : params;
        const seen = new Set();
        this.paramGroups = specs.map((spec) => {
            const group = { ...base, ...spec, params: [...spec.params] };
            checkHyper(group);
            for (const p of group.params) {
                if (seen.has(p))
                    throw new Error('SGD: a parameter appears in more than one group');
                seen.add(p);
            }
            return group;
        });
    }
    /**
     * Applies one update from the gradients currently in `.grad`; parameters without a gradient are
     * skipped. Each group is updated by one native call (torch's per-parameter arithmetic, in order).
     */
    step() {
        for (const group of this.paramGroups) {
            const buffers = group.params.map((p) => this.momentumBuffers.get(p)?.handle ?? null);
            const created = native.sgdStep(group.params.map((p) => p.handle), buffers, group.lr, group.momentum, group.dampening, group.weightDecay, group.nesterov);
            created.forEach((handle, i) => {
                if (handle !== undefined)
                    this.momentumBuffers.set(group.params[i], keep(new Tensor(handle)));
            });
        }
    }
    /** Clears gradients; by default drops them (like set_to_none=True), else zeroes them in place. */
    zeroGrad(setToNone = true) {
        for (const group of this.paramGroups) {
            for (const p of group.params) {
                if (setToNone) {
                    p.grad = undefined;
                }
                else {
                    tidy(() => p.grad?.zero_());
                }
            }
        }
    }
    allParams() {
        return this.paramGroups.flatMap((g) => g.params);
    }
    /** The state to save with a checkpoint. The tensors are the optimizer's own buffers: do not dispose them. */
    stateDict() {
        const tensors = {};
        this.allParams().forEach((p, i) => {
            const buf = this.momentumBuffers.get(p);
            if (buf !== undefined)
                tensors[`state.${i}.momentum_buffer`] = buf;
        });
        let index = 0;
        const paramGroups = this.paramGroups.map(({ params, ...hyper }) => ({ ...hyper, params: params.map(() => index++) }));
        return { tensors, meta: { type: 'SGD', paramGroups } };
    }
    /** Restores state saved by stateDict() for the same parameter layout (copies the tensors). */
    loadStateDict(state) {
        if (state.meta.type !== 'SGD')
            throw new Error(`SGD.loadStateDict: state is for a ${String(state.meta.type)} optimizer`);
        const groups = state.meta.paramGroups;
        if (groups.length !== this.paramGroups.length) {
            throw new Error(`SGD.loadStateDict: state has ${groups.length} parameter groups, optimizer has ${this.paramGroups.length}`);
        }
        groups.forEach((saved, i) => {
            const own = this.paramGroups[i];
            if (saved.params.length !== own.params.length) {
                throw new Error(`SGD.loadStateDict: group ${i} has ${saved.params.length} parameters in the state, ${own.params.length} in the optimizer`);
            }
        });
        const params = this.allParams();
        for (const name of Object.keys(state.tensors)) {
            const m = /^state\.(\d+)\.momentum_buffer$/.exec(name);
            if (m === null || Number(m[1]) >= params.length)
                throw new Error(`SGD.loadStateDict: unexpected state entry '${name}'`);
            const p = params[Number(m[1])];
            const src = state.tensors[name];
            if (src.shape.join() !== p.shape.join()) {
                throw new Error(`SGD.loadStateDict: '${name}' has shape [${src.shape}] but the parameter has shape [${p.shape}]`);
            }
        }
        this.disposeBuffers();
        for (const [name, src] of Object.entries(state.tensors)) {
            const p = params[Number(/^state\.(\d+)\./.exec(name)[1])];
            const buf = keep(zerosLike(p));
            noGrad(() => buf.copy_(src));
            this.momentumBuffers.set(p, buf);
        }
        groups.forEach((saved, i) => {
            const { params: _ignored, ...hyper } = saved;
            Object.assign(this.paramGroups[i], hyper);
        });
    }
    disposeBuffers() {
        for (const buf of this.momentumBuffers.values())
            buf.dispose();
        this.momentumBuffers.clear();
    }
    /** Frees the optimizer's state tensors. */
    dispose() {
        this.disposeBuffers();
    }
}
//# sourceMappingURL=optim.js.map
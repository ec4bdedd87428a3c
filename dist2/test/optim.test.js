import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as lc from '../src/engine/index.js';
import { assertClose } from './helpers.js';
const { tensor } = lc;
/** Sets p.grad to a given value (a stand-in for backward). */
function setGrad(p, values) {
    p.grad = tensor(values, { dtype: p.dtype });
}
describe('SGD', () => {
    test('plain SGD and weight decay', () => {
        const p = tensor([1, 2], { requiresGrad: true });
        const opt = new lc.SGD([p], { lr: 0.1, weightDecay: 0.5 });
        setGrad(p, [1, -1]);
        opt.step(); // p -= 0.1 * (g + 0.5 p)
        assertClose(p, [1 - 0.1 * 1.5, 2 - 0.1 * 0]);
    });
    test('momentum with dampening follows torch.optim.SGD (first step copies the gradient)', () => {
        const p = tensor([0], { dtype: 'float64', requiresGrad: true });
        const opt = new lc.SGD([p], { lr: 1, momentum: 0.9, dampening: 0.5 });
        setGrad(p, [1]);
        opt.step(); // buf = 1, p = -1
        assertClose(p, [-1], 1e-12);
        setGrad(p, [1]);
        opt.step(); // buf = 0.9 + 0.5 = 1.4, p = -2.4
        assertClose(p, [-2.4], 1e-12);
    });
    test('nesterov', () => {
        const p = tensor([0], { dtype: 'float64', requiresGrad: true });
        const opt = new lc.SGD([p], { lr: 1, momentum: 0.5, nesterov: true });
        setGrad(p, [2]);
        opt.step(); // buf = 2, d = 2 + 0.5*2 = 3
        assertClose(p, [-3], 1e-12);
        setGrad(p, [2]);
        opt.step(); // buf = 1 + 2 = 3, d = 2 + 1.5 = 3.5
        assertClose(p, [-6.5], 1e-12);
        assert.throws(() => new lc.SGD([p], { lr: 1, nesterov: true }), /nesterov needs momentum > 0/);
    });
    test('per-group learning rate and decay; parameters without grad are skipped', () => {
        const w = tensor([1], { requiresGrad: true });
        const b = tensor([1], { requiresGrad: true });
        const frozen = tensor([1], { requiresGrad: true });
        const opt = new lc.SGD([{ params: [w] }, { params: [b], lr: 0.2, weightDecay: 0 }, { params: [frozen] }], { lr: 0.1, weightDecay: 1 });
        setGrad(w, [1]);
        setGrad(b, [1]);
        opt.step();
        assertClose(w, [1 - 0.1 * 2]);
        assertClose(b, [1 - 0.2]);
        assertClose(frozen, [1]);
        assert.throws(() => new lc.SGD([{ params: [w] }, { params: [w] }], { lr: 1 }), /more than one group/);
        assert.throws(() => new lc.SGD([w], { lr: -1 }), /invalid learning rate/);
    });
    test('zeroGrad clears or zeroes gradients', () => {
        const p = tensor([1], { requiresGrad: true });
        const opt = new lc.SGD([p], { lr: 1 });
        setGrad(p, [3]);
        opt.zeroGrad(false);
        assertClose(p.grad, [0]);
        opt.zeroGrad();
        assert.equal(p.grad, undefined);
    });
    test('state round-trips through safetensors and resumes exactly', () => {
        const run = (steps, resumeAfter) => {
            lc.manualSeed(3);
            const w = lc.randn([3, 2], { dtype: 'float64', requiresGrad: true });
            let opt = new lc.SGD([w], { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 });
            const x = lc.randn([8, 2], { dtype: 'float64' });
            for (let i = 0; i < steps; i++) {
                if (i === resumeAfter) {
                    // save, build a fresh optimizer, load: the trajectory must not change
                    const state = opt.stateDict();
                    const bytes = lc.serializeSafetensors(state.tensors, { optimizer: JSON.stringify(state.meta) });
                    opt.dispose();
                    const loaded = lc.deserializeSafetensors(bytes);
                    opt = new lc.SGD([w], { lr: 123 });
                    opt.loadStateDict({ tensors: loaded.tensors, meta: JSON.parse(loaded.metadata.optimizer) });
                    assert.equal(opt.paramGroups[0].lr, 0.05);
                }
                lc.tidy(() => {
                    opt.zeroGrad();
                    x.matmul(w.T).tanh().square().sum().backward();
                    opt.step();
                });
            }
            return w;
        };
        const straight = run(6);
        const resumed = run(6, 3);
        assert.ok(straight.equal(resumed), 'resumed trajectory differs');
    });
    test('loadStateDict rejects mismatched state', () => {
        const p = tensor([1, 2], { requiresGrad: true });
        const opt = new lc.SGD([p], { lr: 1, momentum: 0.9 });
        const meta = opt.stateDict().meta;
        assert.throws(() => opt.loadStateDict({ tensors: { 'state.0.momentum_buffer': lc.zeros([3]) }, meta }), /has shape \[3\] but the parameter has shape \[2\]/);
        assert.throws(() => opt.loadStateDict({ tensors: { 'state.5.momentum_buffer': lc.zeros([2]) }, meta }), /unexpected state entry/);
        assert.throws(() => opt.loadStateDict({ tensors: {}, meta: { ...meta, paramGroups: [] } }), /0 parameter groups/);
    });
});
//# sourceMappingURL=optim.test.js.map
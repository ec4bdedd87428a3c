var __addDisposableResource = (this && this.__addDisposableResource) || function (env, value, async) {
    if (value !== null && value !== void 0) {
        if (typeof value !== "object" && typeof value !== "function") throw new TypeError("Object expected.");
        var dispose, inner;
        if (async) {
            if (!Symbol.asyncDispose) throw new TypeError("Symbol.asyncDispose is not defined.");
            dispose = value[Symbol.asyncDispose];
        }
        if (dispose === void 0) {
            if (!Symbol.dispose) throw new TypeError("Symbol.dispose is not defined.");
            dispose = value[Symbol.dispose];
            if (async) inner = dispose;
        }
        if (typeof dispose !== "function") throw new TypeError("Object not disposable.");
        if (inner) dispose = function() { try { inner.call(this); } catch (e) { return Promise.reject(e); } };
        env.stack.push({ value: value, dispose: dispose, async: async });
    }
    else if (async) {
        env.stack.push({ async: true });
    }
    return value;
};
var __disposeResources = (this && this.__disposeResources) || (function (SuppressedError) {
    return function (env) {
        function fail(e) {
            env.error = env.hasError ? new SuppressedError(e, env.error, "An error was suppressed during disposal.") : e;
            env.hasError = true;
        }
        var r, s = 0;
        function next() {
            while (r = env.stack.pop()) {
                try {
                    if (!r.async && s === 1) return s = 0, env.stack.push(r), Promise.resolve().then(next);
                    if (r.dispose) {
                        var result = r.dispose.call(r.value);
                        if (r.async) return s |= 2, Promise.resolve(result).then(next, function(e) { fail(e); return next(); });
                    }
                    else s |= 1;
                }
                catch (e) {
                    fail(e);
                }
            }
            if (s === 1) return env.hasError ? Promise.reject(env.error) : Promise.resolve();
            if (env.hasError) throw env.error;
        }
        return next();
    };
})(typeof SuppressedError === "function" ? SuppressedError : function (error, suppressed, message) {
    var e = new Error(message);
    return e.name = "SuppressedError", e.error = error, e.suppressed = suppressed, e;
});
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as lc from '../src/engine/index.js';
import { assertClose, undisposedTensors } from './helpers.js';
const { tensor } = lc;
describe('autograd', () => {
    test('backward of a scalar accumulates into leaf .grad', () => {
        const x = tensor([1, 2, 3], { requiresGrad: true });
        assert.ok(x.requiresGrad && x.isLeaf);
        const y = x.mul(x).sum(); // dy/dx = 2x
        assert.equal(y.isLeaf, false);
        assert.equal(y.gradFn, 'SumBackward0');
        y.backward();
        assertClose(x.grad, [2, 4, 6]);
        // a second graph accumulates
        x.mul(3).sum().backward();
        assertClose(x.grad, [5, 7, 9]);
        x.grad = undefined;
        assert.equal(x.grad, undefined);
    });
    test('backward with a gradient argument for non-scalar outputs', () => {
        const x = tensor([1, 2], { requiresGrad: true });
        const y = x.mul(tensor([3, 4]));
        assert.throws(() => y.backward(), /grad can be implicitly created only for scalar outputs/);
        y.backward(tensor([1, 10]));
        assertClose(x.grad, [3, 40]);
    });
    test('retainGraph allows a second backward; without it the graph is freed', () => {
        const x = tensor([2], { requiresGrad: true });
        const y = x.exp().sum();
        y.backward(undefined, { retainGraph: true });
        y.backward();
        assertClose(x.grad, [2 * Math.exp(2)], 1e-5);
        const z = x.exp().sum();
        z.backward();
        assert.throws(() => z.backward(), /Trying to backward through the graph a second time/);
    });
    test('createGraph gives higher-order gradients', () => {
        const x = tensor([3], { dtype: 'float64', requiresGrad: true });
        const y = x.pow(3).sum();
        y.backward(undefined, { createGraph: true });
        const g = x.grad; // 3x^2 = 27, differentiable
        assertClose(g, [27]);
        x.grad = undefined;
        g.sum().backward();
        assertClose(x.grad, [18]); // 6x
    });
    test('detach, requiresGrad_, retainGrad', () => {
        const x = tensor([1, 2], { requiresGrad: true });
        const d = x.detach();
        assert.equal(d.requiresGrad, false);
        const w = tensor([1, 1]).requiresGrad_();
        assert.equal(w.requiresGrad, true);
        const mid = x.mul(2).retainGrad();
        mid.sum().backward();
        assertClose(mid.grad, [1, 1]);
        assert.throws(() => lc.ones([2], { dtype: 'int64' }).requiresGrad_(), /Only Tensors of floating point/);
    });
    test('noGrad records no graph and restores the mode, even on error', () => {
        const x = tensor([1], { requiresGrad: true });
        const y = lc.noGrad(() => x.mul(2));
        assert.equal(y.requiresGrad, false);
        assert.equal(lc.isGradEnabled(), true);
        assert.throws(() => lc.noGrad(() => { throw new Error('boom'); }), /boom/);
        assert.equal(lc.isGradEnabled(), true);
        const z = lc.noGrad(() => lc.enableGrad(() => x.mul(2)));
        assert.equal(z.requiresGrad, true);
        assert.throws(() => lc.noGrad((async () => 1)), /synchronous/);
        assert.equal(lc.isGradEnabled(), true);
    });
    test("isGradEnabled (a JS mirror of the flag) agrees with libtorch's own in every scope, also after a backward and an optimizer step", () => {
        const native = () => lc.tidy(() => tensor([1], { requiresGrad: true }).mul(2).requiresGrad);
        assert.equal(lc.isGradEnabled(), native());
        lc.noGrad(() => {
            assert.equal(lc.isGradEnabled(), false);
            assert.equal(native(), false);
            lc.enableGrad(() => assert.equal(lc.isGradEnabled(), native()));
        });
        const w = tensor([1, 2], { requiresGrad: true });
        w.mul(w).sum().backward();
        new lc.SGD([w], { lr: 0.1, momentum: 0.9 }).step();
        assert.equal(lc.isGradEnabled(), true);
        assert.equal(native(), true);
    });
});
describe('tidy scopes and disposal', () => {
    test('tidy frees what it created except the result; nested results move outward', () => {
        const before = undisposedTensors();
        const outer = lc.tidy(() => {
            const a = lc.ones([4]);
            const inner = lc.tidy(() => {
                const b = a.add(1);
                return { doubled: b.mul(2), list: [b.sub(1)] };
            });
            assert.equal(inner.doubled.isDisposed, false);
            return inner.doubled.add(inner.list[0]);
        });
        assertClose(outer, [5, 5, 5, 5]);
        assert.equal(undisposedTensors(), before + 1);
        outer.dispose();
        assert.equal(undisposedTensors(), before);
    });
    test('keep exempts tensors; errors dispose everything and propagate', () => {
        const before = undisposedTensors();
        let kept;
        let leaked;
        lc.tidy(() => {
            kept = lc.keep(lc.zeros([2]));
            leaked = lc.zeros([2]);
        });
        assert.equal(kept.isDisposed, false);
        assert.equal(leaked.isDisposed, true);
        kept.dispose();
        assert.throws(() => lc.tidy(() => {
            lc.ones([3]);
            throw new Error('inside');
        }), /inside/);
        assert.equal(undisposedTensors(), before);
        assert.equal(lc.scopeDepth(), 0);
        assert.throws(() => lc.tidy((async () => 1)), /cannot manage an async function/);
        assert.equal(lc.scopeDepth(), 0);
    });
    test('disposing a view keeps the base; disposing the base keeps a view valid', () => {
        const base = lc.arange(6, undefined, 1, { dtype: 'float32' });
        const view = base.narrow(0, 2, 2);
        base.dispose();
        assert.deepEqual(view.toArray(), [2, 3]);
        view.dispose();
    });
    test('using declarations dispose at block end', () => {
        let t;
        {
            const env_1 = { stack: [], error: void 0, hasError: false };
            try {
                const scoped = __addDisposableResource(env_1, lc.ones([1]), false);
                t = scoped;
                assert.equal(t.isDisposed, false);
            }
            catch (e_1) {
                env_1.error = e_1;
                env_1.hasError = true;
            }
            finally {
                __disposeResources(env_1);
            }
        }
        assert.equal(t.isDisposed, true);
    });
    test('grad wrappers are plain references: disposing one keeps the gradient', () => {
        const x = tensor([1, 2], { requiresGrad: true });
        x.sum().backward();
        lc.tidy(() => x.grad.mul(2));
        assertClose(x.grad, [1, 1]);
    });
});
//# sourceMappingURL=autograd.test.js.map
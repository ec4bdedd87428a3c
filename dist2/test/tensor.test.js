import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as lc from '../src/engine/index.js';
import { assertClose } from './helpers.js';
const { tensor } = lc;
describe('creation', () => {
    test('nested arrays, scalars and dtypes', () => {
        const t = tensor([[1, 2, 3], [4, 5, 6]]);
        assert.deepEqual(t.shape, [2, 3]);
        assert.equal(t.dtype, 'float32');
        assert.equal(t.device, 'cpu');
        assert.deepEqual(t.toArray(), [[1, 2, 3], [4, 5, 6]]);
        assert.equal(tensor(2.5).ndim, 0);
        assert.equal(tensor(2.5).item(), 2.5);
        assert.equal(lc.scalar(7, { dtype: 'int64' }).dtype, 'int64');
        assert.deepEqual(tensor([true, false]).toArray(), [true, false]);
        assert.equal(tensor([true, false]).dtype, 'bool');
        for (const dtype of lc.DTYPES) {
            const x = tensor([[0, 1], [2, 3]], { dtype });
            assert.equal(x.dtype, dtype);
            assert.deepEqual(x.toArray(), dtype === 'bool' ? [[false, true], [true, true]] : [[0, 1], [2, 3]], dtype);
        }
        assert.throws(() => tensor([[1, 2], [3]]), /ragged/);
    });
    test('typed arrays in and out, with every dtype', () => {
        const f = lc.fromTypedArray(new Float64Array([1.5, -2, 3]), [3]);
        assert.equal(f.dtype, 'float64');
        assert.deepEqual([...f.data()], [1.5, -2, 3]);
        const i = lc.fromTypedArray(new BigInt64Array([1n, 2n, 3n, 4n]), [2, 2]);
        assert.equal(i.dtype, 'int64');
        assert.deepEqual([...i.data()], [1n, 2n, 3n, 4n]);
        assert.deepEqual(lc.fromTypedArray(new Uint8Array([0, 255])).toArray(), [0, 255]);
        assert.deepEqual(lc.fromTypedArray(new Int32Array([-5, 5]), [2], { dtype: 'float32' }).toArray(), [-5, 5]);
        // float16 round trip through raw bits: 1.0 is 0x3c00, 1.0 in bfloat16 is 0x3f80
        const half = tensor([1, -2], { dtype: 'float16' });
        assert.deepEqual([...half.data()], [0x3c00, 0xc000]);
        assert.deepEqual([...tensor([1], { dtype: 'bfloat16' }).data()], [0x3f80]);
        assert.throws(() => lc.fromBytes(new Uint8Array(3), 'float32', [1]), /byte length 3 does not match/);
    });
    test('factories', () => {
        assert.deepEqual(lc.zeros([2, 2]).toArray(), [[0, 0], [0, 0]]);
        assert.deepEqual(lc.ones([3], { dtype: 'int32' }).toArray(), [1, 1, 1]);
        assert.deepEqual(lc.full([2], 3.5).toArray(), [3.5, 3.5]);
        assert.deepEqual(lc.arange(4).toArray(), [0, 1, 2, 3]);
        assert.equal(lc.arange(4).dtype, 'int64');
        assert.deepEqual(lc.arange(1, 2, 0.25).toArray(), [1, 1.25, 1.5, 1.75]);
        assertClose(lc.linspace(0, 1, 5), [0, 0.25, 0.5, 0.75, 1]);
        assert.deepEqual(lc.eye(2).toArray(), [[1, 0], [0, 1]]);
        const u = lc.rand([1000]);
        assert.ok(u.min().item() >= 0 && u.max().item() < 1);
        const n = lc.randn([20000]);
        assert.ok(Math.abs(n.mean().item()) < 0.05 && Math.abs(n.std().item() - 1) < 0.05);
        const r = lc.randint(3, 7, [1000]);
        assert.equal(r.dtype, 'int64');
        assert.ok(r.min().item() >= 3 && r.max().item() <= 6);
        const p = lc.randperm(10);
        assert.deepEqual(p.sort(0).values.toArray(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        assert.deepEqual(lc.zerosLike(p, 'float32').toArray(), new Array(10).fill(0));
        assert.throws(() => lc.zeros([2, -1]), /shape must be an array of non-negative integers/);
        assert.throws(() => lc.zeros([2], { dtype: 'int64', requiresGrad: true }), /floating-point dtype/);
    });
    test('devices: cpu works, cuda is reported unavailable with a clear error', () => {
        assert.equal(lc.zeros([1], { device: 'cpu' }).device, 'cpu');
        if (!lc.cudaIsAvailable()) {
            assert.throws(() => lc.zeros([1], { device: 'cuda' }), /built without CUDA/);
            assert.throws(() => lc.zeros([1]).to('cuda'), /built without CUDA/);
        }
    });
});
describe('views and indexing', () => {
    const base = () => lc.arange(12, undefined, 1, { dtype: 'float32' }).reshape([3, 4]);
    test('reshape, view, permute, transpose, contiguous, flatten, squeeze', () => {
        const x = base();
        assert.deepEqual(x.view([4, 3]).shape, [4, 3]);
        assert.deepEqual(x.reshape([-1]).shape, [12]);
        const t = x.transpose(0, 1);
        assert.deepEqual(t.shape, [4, 3]);
        assert.equal(t.isContiguous(), false);
        assert.deepEqual(t.strides, [1, 4]);
        assert.deepEqual(t.contiguous().strides, [3, 1]);
        assert.throws(() => t.view([12]), /view/);
        assert.deepEqual(x.T.toArray(), t.toArray());
        assert.deepEqual(lc.zeros([2, 3, 4]).permute([2, 0, 1]).shape, [4, 2, 3]);
        assert.deepEqual(lc.zeros([2, 3, 4, 5]).flatten(1).shape, [2, 60]);
        assert.deepEqual(lc.zeros([1, 3, 1]).squeeze().shape, [3]);
        assert.deepEqual(lc.zeros([1, 3, 1]).squeeze(0).shape, [3, 1]);
        assert.deepEqual(lc.zeros([3]).unsqueeze(0).shape, [1, 3]);
        assert.equal(x.size(-1), 4);
        assert.throws(() => x.size(2), /out of range/);
    });
    test('narrow, slice, select, indexSelect, gather, scatter', () => {
        const x = base();
        assert.deepEqual(x.narrow(1, 1, 2).toArray(), [[1, 2], [5, 6], [9, 10]]);
        assert.deepEqual(x.slice(1, 0, undefined, 2).toArray(), [[0, 2], [4, 6], [8, 10]]);
        assert.deepEqual(x.slice(0, -1).toArray(), [[8, 9, 10, 11]]);
        assert.deepEqual(x.select(0, 1).toArray(), [4, 5, 6, 7]);
        assert.deepEqual(x.indexSelect(1, tensor([3, 0], { dtype: 'int64' })).toArray(), [[3, 0], [7, 4], [11, 8]]);
        assert.deepEqual(x.gather(1, tensor([[0], [2], [3]], { dtype: 'int64' })).toArray(), [[0], [6], [11]]);
        assert.deepEqual(lc.zeros([2, 3]).scatter(1, tensor([[2], [0]], { dtype: 'int64' }), lc.ones([2, 1])).toArray(), [[0, 0, 1], [1, 0, 0]]);
        // A view shares storage: writing through it changes the base.
        x.narrow(0, 0, 1).fill_(-1);
        assert.deepEqual(x.select(0, 0).toArray(), [-1, -1, -1, -1]);
        assert.throws(() => x.indexSelect(1, tensor([9], { dtype: 'int64' })), /indexSelect: .*out of .*bounds/i);
    });
    test('maskedFill, where, maskedSelect', () => {
        const x = tensor([1, -2, 3, -4]);
        const neg = x.lt(0);
        assert.deepEqual(x.maskedFill(neg, 0).toArray(), [1, 0, 3, 0]);
        assert.deepEqual(lc.where(neg, x.neg(), x).toArray(), [1, 2, 3, 4]);
        assert.deepEqual(lc.where(neg, 0, x).toArray(), [1, 0, 3, 0]);
        assert.deepEqual(lc.where(neg, x, 9).toArray(), [9, -2, 9, -4]);
        assert.deepEqual(x.maskedSelect(neg).toArray(), [-2, -4]);
        const y = x.clone();
        y.maskedFill_(neg, tensor(7));
        assert.deepEqual(y.toArray(), [1, 7, 3, 7]);
    });
    test('cat, stack, split, chunk, unbind, expand, repeat, flip', () => {
        const a = tensor([[1, 2]]);
        const b = tensor([[3, 4]]);
        assert.deepEqual(lc.cat([a, b], 0).toArray(), [[1, 2], [3, 4]]);
        assert.deepEqual(lc.cat([a, b], 1).toArray(), [[1, 2, 3, 4]]);
        assert.deepEqual(lc.stack([a, b], 0).shape, [2, 1, 2]);
        const parts = lc.arange(5).split(2);
        assert.deepEqual(parts.map((p) => p.toArray()), [[0, 1], [2, 3], [4]]);
        assert.deepEqual(lc.arange(5).split([1, 4]).map((p) => p.numel), [1, 4]);
        assert.deepEqual(lc.arange(6).chunk(3).map((p) => p.toArray()), [[0, 1], [2, 3], [4, 5]]);
        assert.deepEqual(tensor([[1, 2], [3, 4]]).unbind(1).map((p) => p.toArray()), [[1, 3], [2, 4]]);
        assert.deepEqual(tensor([[1], [2]]).expand([2, 3]).toArray(), [[1, 1, 1], [2, 2, 2]]);
        assert.deepEqual(tensor([[1], [2]]).expand([-1, 2]).toArray(), [[1, 1], [2, 2]]);
        assert.deepEqual(tensor([1, 2]).repeat([2, 2]).toArray(), [[1, 2, 1, 2], [1, 2, 1, 2]]);
        assert.deepEqual(tensor([1, 2, 3]).flip([0]).toArray(), [3, 2, 1]);
        assert.throws(() => lc.cat([a, lc.ones([1, 3])], 0), /cat: .*Sizes of tensors must match/);
    });
    test('constant pad with per-side amounts, negative amounts crop', () => {
        const x = tensor([[[[1, 2], [3, 4]]]]);
        assert.deepEqual(lc.F.pad(x, [1, 0, 0, 2], 9).toArray(), [[[[9, 1, 2], [9, 3, 4], [9, 9, 9], [9, 9, 9]]]]);
        assert.deepEqual(lc.F.pad(x, [0, -1, -1, 0]).toArray(), [[[[3]]]]);
    });
});
describe('arithmetic, math and comparisons', () => {
    test('broadcasting arithmetic and scalars', () => {
        const a = tensor([[1, 2], [3, 4]]);
        const row = tensor([10, 20]);
        assert.deepEqual(a.add(row).toArray(), [[11, 22], [13, 24]]);
        assert.deepEqual(a.add(row, 2).toArray(), [[21, 42], [23, 44]]);
        assert.deepEqual(a.sub(1).toArray(), [[0, 1], [2, 3]]);
        assert.deepEqual(a.mul(tensor([[2], [3]])).toArray(), [[2, 4], [9, 12]]);
        assert.deepEqual(a.div(2).toArray(), [[0.5, 1], [1.5, 2]]);
        assert.deepEqual(tensor([7, -7]).div(2, 'floor').toArray(), [3, -4]);
        assert.deepEqual(tensor([7, -7]).div(2, 'trunc').toArray(), [3, -3]);
        assert.deepEqual(tensor([5, -5]).remainder(3).toArray(), [2, 1]);
        assert.deepEqual(a.pow(2).toArray(), [[1, 4], [9, 16]]);
        assert.deepEqual(a.neg().toArray(), [[-1, -2], [-3, -4]]);
        // integral scalars keep integer tensors integral, as Python ints do
        const ints = tensor([1, 2], { dtype: 'int64' });
        assert.equal(ints.add(1).dtype, 'int64');
        assert.equal(ints.add(0.5).dtype, 'float32');
        assert.throws(() => a.add(lc.ones([3])), /add: The size of tensor a \(2\) must match the size of tensor b \(3\)/);
    });
    test('in-place variants modify and return the same tensor', () => {
        const a = tensor([1, 2, 3]);
        const same = a.add_(1).mul_(2).sub_(tensor([1, 1, 1]), 2).div_(2);
        assert.equal(same, a);
        assert.deepEqual(a.toArray(), [1, 2, 3]);
        a.addcmul_(tensor([1, 2, 3]), tensor([2, 2, 2]), 0.5);
        assert.deepEqual(a.toArray(), [2, 4, 6]);
        a.addcdiv_(tensor([2, 4, 6]), tensor([2, 2, 2]), -1);
        assert.deepEqual(a.toArray(), [1, 2, 3]);
        a.clamp_(1.5, 2.5);
        assert.deepEqual(a.toArray(), [1.5, 2, 2.5]);
    });
    test('matmul and kron', () => {
        assert.deepEqual(tensor([[1, 2], [3, 4]]).matmul(tensor([[5], [6]])).toArray(), [[17], [39]]);
        assert.deepEqual(lc.ones([3, 2, 4]).matmul(lc.ones([4, 5])).shape, [3, 2, 5]);
        assert.deepEqual(tensor([[1, 2], [3, 4]]).kron(tensor([[0, 1], [1, 0]])).toArray(), [
            [0, 1, 0, 2], [1, 0, 2, 0], [0, 3, 0, 4], [3, 0, 4, 0],
        ]);
        assert.deepEqual(tensor([1, 2]).kron(lc.ones([2, 2])).toArray(), [[1, 1, 2, 2], [1, 1, 2, 2]]);
        assert.deepEqual(tensor([1, 2]).outer(tensor([1, 10])).toArray(), [[1, 10], [2, 20]]);
        assert.throws(() => lc.ones([2, 3]).matmul(lc.ones([2, 3])), /matmul: mat1 and mat2 shapes cannot be multiplied \(2x3 and 2x3\)/);
    });
    test('elementwise functions', () => {
        const x = tensor([-2, -0.5, 0, 0.5, 4]);
        assert.deepEqual(x.abs().toArray(), [2, 0.5, 0, 0.5, 4]);
        assert.deepEqual(x.sign().toArray(), [-1, -1, 0, 1, 1]);
        assert.deepEqual(x.clamp(-1, 1).toArray(), [-1, -0.5, 0, 0.5, 1]);
        assert.deepEqual(x.clamp(0).toArray(), [0, 0, 0, 0.5, 4]);
        assert.deepEqual(x.clamp(undefined, 0).toArray(), [-2, -0.5, 0, 0, 0]);
        assertClose(tensor([0, 1, 2]).exp(), [1, Math.E, Math.E ** 2], 1e-6);
        assertClose(tensor([1, Math.E]).log(), [0, 1]);
        assertClose(tensor([4, 9]).sqrt(), [2, 3]);
        assertClose(tensor([4]).rsqrt(), [0.5]);
        assertClose(tensor([0, Math.PI / 2]).sin(), [0, 1]);
        assert.deepEqual(tensor([1.5, -1.5]).floor().toArray(), [1, -2]);
        assert.deepEqual(tensor([1, 0]).log().isfinite().toArray(), [true, false]);
        assert.deepEqual(tensor([0]).div(0).isnan().toArray(), [true]);
        assert.deepEqual(tensor([2, 3]).pow(tensor([3, 2])).toArray(), [8, 9]);
    });
    test('comparisons and logic', () => {
        const x = tensor([1, 2, 3]);
        assert.deepEqual(x.eq(2).toArray(), [false, true, false]);
        assert.deepEqual(x.ne(2).toArray(), [true, false, true]);
        assert.deepEqual(x.lt(2).toArray(), [true, false, false]);
        assert.deepEqual(x.le(2).toArray(), [true, true, false]);
        assert.deepEqual(x.gt(tensor([0, 2, 4])).toArray(), [true, false, false]);
        assert.deepEqual(x.ge(2).toArray(), [false, true, true]);
        assert.deepEqual(x.gt(1).logicalAnd(x.lt(3)).toArray(), [false, true, false]);
        assert.deepEqual(x.lt(2).logicalOr(x.gt(2)).logicalNot().toArray(), [false, true, false]);
        assert.ok(x.equal(tensor([1, 2, 3])));
        assert.ok(!x.equal(tensor([1, 2, 4])));
        assert.ok(x.allclose(tensor([1, 2, 3.000001])));
        assert.deepEqual(x.maximum(tensor([3, 0, 3])).toArray(), [3, 2, 3]);
        assert.deepEqual(x.minimum(tensor([3, 0, 3])).toArray(), [1, 0, 3]);
    });
});
describe('reductions', () => {
    const x = tensor([[1, 5, 3], [4, 2, 6]]);
    test('sum, mean, prod, var, std', () => {
        assert.equal(x.sum().item(), 21);
        assert.deepEqual(x.sum(0).toArray(), [5, 7, 9]);
        assert.deepEqual(x.sum([0, 1]).toArray(), 21);
        assert.deepEqual(x.sum(1, true).shape, [2, 1]);
        assert.equal(x.mean().item(), 3.5);
        assert.deepEqual(x.mean(1).toArray(), [3, 4]);
        assert.deepEqual(x.prod(1).toArray(), [15, 48]);
        // unbiased by default, as in PyTorch
        assertClose(x.var(), 3.5);
        assertClose(x.var(undefined, { correction: 0 }), 35 / 12);
        assertClose(x.var(1, { keepdim: true }), [[4], [4]]);
        assertClose(x.std(1), [2, 2]);
        assert.equal(tensor([1, 2], { dtype: 'int32' }).sum(undefined, false, 'float64').dtype, 'float64');
    });
    test('max/min with indices, argmax, norm, topk, sort, cumsum, logsumexp', () => {
        assert.equal(x.max().item(), 6);
        assert.equal(x.min().item(), 1);
        const { values, indices } = x.max(1);
        assert.deepEqual(values.toArray(), [5, 6]);
        assert.deepEqual(indices.toArray(), [1, 2]);
        assert.equal(indices.dtype, 'int64');
        assert.deepEqual(x.min(0).indices.toArray(), [0, 1, 0]);
        assert.deepEqual(x.argmax(1).toArray(), [1, 2]);
        assert.equal(x.argmax().item(), 5);
        assert.deepEqual(x.argmin(0, true).shape, [1, 3]);
        assertClose(tensor([3, 4]).norm(), 5);
        assertClose(tensor([3, -4]).norm(1), 7);
        assertClose(tensor([[3, 4], [6, 8]]).norm(2, 1), [5, 10]);
        const top = tensor([1, 9, 3, 7]).topk(2);
        assert.deepEqual(top.values.toArray(), [9, 7]);
        assert.deepEqual(top.indices.toArray(), [1, 3]);
        assert.deepEqual(tensor([1, 9, 3, 7]).topk(2, { largest: false }).values.toArray(), [1, 3]);
        assert.deepEqual(tensor([3, 1, 2]).sort(0, true).values.toArray(), [3, 2, 1]);
        assert.deepEqual(tensor([1, 2, 3]).cumsum(0).toArray(), [1, 3, 6]);
        assertClose(tensor([[0, 0]]).logsumexp(1), [Math.log(2)]);
        assert.equal(tensor([true, true]).all().item(), 1);
        assert.equal(tensor([false, false]).any().item(), 0);
    });
});
describe('errors never crash the process', () => {
    test('libtorch errors become JS errors naming the op', () => {
        assert.throws(() => lc.ones([2, 2]).view([3]), (e) => e.message.startsWith('view: ') && /shape '\[3\]' is invalid/.test(e.message));
        assert.throws(() => lc.F.conv2d(lc.ones([1, 3, 4, 4]), lc.ones([2, 4, 3, 3])), /conv2d: .*expected input.*to have 4 channels/);
        assert.throws(() => lc.ones([2]).select(0, 5), /select: select\(\): index 5 out of range/);
        assert.throws(() => lc.ones([2, 2]).backward(), /backward: .*does not require grad/);
    });
    test('bad arguments become TypeErrors', () => {
        assert.throws(() => lc.ones([2]).reshape([1.5]), { name: 'TypeError', message: /reshape: .*integers/ });
        assert.throws(() => lc.ones([2]).add('x'), { name: 'TypeError', message: /add: argument 1 must be a number/ });
        assert.throws(() => lc.zeros([1], { dtype: 'complex64' }), /unknown dtype 'complex64'/);
    });
    test('a disposed tensor cannot be used', () => {
        const t = lc.ones([2]);
        t.dispose();
        t.dispose(); // idempotent
        assert.equal(t.isDisposed, true);
        assert.throws(() => t.add(1), /add: tensor has been disposed/);
        assert.throws(() => lc.ones([2]).add(t), /tensor has been disposed/);
    });
});
//# sourceMappingURL=tensor.test.js.map
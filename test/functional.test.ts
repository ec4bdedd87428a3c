import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import * as lc from '../src/engine/index.js';
import { assertClose, maxAbsDiff } from './helpers.js';

const { F, tensor } = lc;
const f64 = (shape: number[]) => lc.randn(shape, { dtype: 'float64', requiresGrad: true });

function assertGrad(fn: (...xs: lc.Tensor[]) => lc.Tensor, inputs: lc.Tensor[], tol?: lc.GradcheckOptions): void {
  const result = lc.gradcheck(fn, inputs, tol);
  assert.ok(result.ok, `gradcheck failed: ${result.detail} (max error ${result.maxAbsError})`);
}

describe('conv2d', () => {
  test('known values: stride, padding, dilation, groups', () => {
    const x = lc.arange(16, undefined, 1, { dtype: 'float32' }).reshape([1, 1, 4, 4]);
    const ones3 = lc.ones([1, 1, 3, 3]);
    // valid 3x3 sums: top-left window 0+1+2+4+5+6+8+9+10 = 45
    assertClose(F.conv2d(x, ones3), [[[[45, 54], [81, 90]]]]);
    assertClose(F.conv2d(x, ones3, { padding: 1, stride: 2 }), [[[[10, 24], [51, 90]]]]);
    // dilation 2 on a 4x4 input with a 2x2 kernel picks x[i,j] + x[i,j+2] + x[i+2,j] + x[i+2,j+2]
    assertClose(F.conv2d(x, lc.ones([1, 1, 2, 2]), { dilation: 2 }), [[[[20, 24], [36, 40]]]]);
    assertClose(F.conv2d(x, ones3, { bias: tensor([1]) }), [[[[46, 55], [82, 91]]]]);
    // groups=2: each output channel sees only its own input channel
    const two = lc.cat([x, x.mul(10)], 1);
    const w = lc.ones([2, 1, 1, 1]);
    const y = F.conv2d(two, w, { groups: 2 });
    assert.ok(y.select(1, 0).equal(x.select(1, 0)));
    assert.ok(y.select(1, 1).equal(x.select(1, 0).mul(10)));
    // depthwise with asymmetric padding: pad first, then convolve
    assert.deepEqual(F.conv2d(F.pad(x, [1, 0, 0, 0]), lc.ones([1, 1, 1, 2])).shape, [1, 1, 4, 4]);
  });

  test('float64 finite-difference gradients', () => {
    assertGrad((x, w, b) => F.conv2d(x, w, { bias: b, padding: 1 }), [f64([2, 2, 5, 5]), f64([3, 2, 3, 3]), f64([3])]);
    assertGrad((x, w) => F.conv2d(x, w, { stride: 2, dilation: 2, padding: 2 }), [f64([1, 2, 6, 6]), f64([2, 2, 3, 3])]);
    assertGrad((x, w) => F.conv2d(x, w, { groups: 2, padding: [0, 1] }), [f64([1, 4, 4, 4]), f64([4, 2, 1, 3])]);
  });
});

describe('channelShuffle', () => {
  test('channel g·(C/G) + k moves to k·G + g, in both layouts; channels-last input stays channels-last', () => {
    const x = lc.arange(6, undefined, 1, { dtype: 'float32' }).view([1, 6, 1, 1]).expand([2, 6, 3, 4]).contiguous();
    const expected = [0, 2, 4, 1, 3, 5];
    for (const input of [x, x.contiguous('channelsLast')]) {
      const y = F.channelShuffle(input, 3);
      assert.deepEqual(y.shape, [2, 6, 3, 4]);
      assert.deepEqual([...y.select(0, 1).select(1, 2).select(1, 3).data<'float32'>()], expected);
      assert.equal(y.isContiguous('channelsLast') && !y.isContiguous(), input !== x, 'the layout is kept');
    }
  });
});


describe('1x1 conv on 1x1 maps (a matrix product)', () => {
  test('equals the same conv computed on a larger map, in both layouts, and its gradients pass gradcheck', () => {
    lc.manualSeed(4);
    const x = lc.randn([5, 12, 1, 1]);
    const weight = lc.randn([7, 12, 1, 1]);
    const bias = lc.randn([7]);
    // On a 2x2 map the conv goes to libtorch; its top-left pixel is the 1x1 map's result.
    const wide = F.conv2d(x.expand([5, 12, 2, 2]).contiguous(), weight, { bias }).narrow(2, 0, 1).narrow(3, 0, 1);
    for (const input of [x, x.contiguous('channelsLast')]) {
      const y = F.conv2d(input, weight, { bias });
      assert.deepEqual(y.shape, [5, 7, 1, 1]);
      assert.ok(maxAbsDiff(y, wide) < 1e-5);
    }
    assertGrad((a, w, b) => F.conv2d(a!, w!, { bias: b }), [f64([3, 4, 1, 1]), f64([2, 4, 1, 1]), f64([2])]);
  });
});





describe('batch norm', () => {
  test('training normalises with batch statistics and updates running stats', () => {
    const x = tensor([[1, 2], [3, 6]], { dtype: 'float64' });
    const mean = lc.zeros([2], { dtype: 'float64' });
    const variance = lc.ones([2], { dtype: 'float64' });
    const y = F.batchNorm(x, mean, variance, { training: true, momentum: 0.1, eps: 0 });
    assertClose(y, [[-1, -1], [1, 1]], 1e-9);
    // running mean <- 0.9*0 + 0.1*[2, 4]; running var uses the unbiased batch variance [2, 8]
    assertClose(mean, [0.2, 0.4], 1e-12);
    assertClose(variance, [0.9 + 0.2, 0.9 + 0.8], 1e-12);
  });

  test('eval uses running statistics, weight, bias and eps', () => {
    const x = tensor([[[[3]]], [[[5]]]]);
    const y = F.batchNorm(x, tensor([1]), tensor([4]), { weight: tensor([2]), bias: tensor([1]), eps: 0 });
    assertClose(y, [[[[3]]], [[[5]]]]); // (3-1)/2*2+1 = 3, (5-1)/2*2+1 = 5
    const z = F.batchNorm(tensor([[2]]), tensor([0]), tensor([3]), { eps: 1 });
    assertClose(z, [[1]]);
    assert.throws(() => F.batchNorm(x, undefined, undefined), /running statistics are required/);
  });

  test('float64 gradients in training mode, 2-D (BatchNorm1d) and 4-D input', () => {
    assertGrad((x, w, b) => F.batchNorm(x, undefined, undefined, { weight: w, bias: b, training: true }), [f64([4, 3, 2, 2]), f64([3]), f64([3])]);
    assertGrad((x) => F.batchNorm(x, undefined, undefined, { training: true }), [f64([5, 3])]);
  });

});

describe('pooling', () => {
  const x = lc.arange(16, undefined, 1, { dtype: 'float32' }).reshape([1, 1, 4, 4]);

  test('max pool: stride defaults to kernel, padding, ceil mode', () => {
    assertClose(F.maxPool2d(x, { kernelSize: 2 }), [[[[5, 7], [13, 15]]]]);
    assertClose(F.maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1 }), [[[[5, 7], [13, 15]]]]);
    assert.deepEqual(F.maxPool2d(x, { kernelSize: 3, stride: 2 }).shape, [1, 1, 1, 1]);
    assert.deepEqual(F.maxPool2d(x, { kernelSize: 3, stride: 2, ceilMode: true }).shape, [1, 1, 2, 2]);
  });

  test('avg pool: count_include_pad on and off, ceil mode, adaptive', () => {
    assertClose(F.avgPool2d(x, { kernelSize: 2 }), [[[[2.5, 4.5], [10.5, 12.5]]]]);
    // corner window with padding 1 covers x[0..1, 0..1] = 0+1+4+5 = 10: /9 with pad, /4 without
    assertClose(F.avgPool2d(x, { kernelSize: 3, stride: 3, padding: 1 }).slice(2, 0, 1).slice(3, 0, 1), [[[[10 / 9]]]]);
    assertClose(F.avgPool2d(x, { kernelSize: 3, stride: 3, padding: 1, countIncludePad: false }).slice(2, 0, 1).slice(3, 0, 1), [[[[2.5]]]]);
    assert.deepEqual(F.avgPool2d(x, { kernelSize: 3, stride: 2, ceilMode: true }).shape, [1, 1, 2, 2]);
    assertClose(F.adaptiveAvgPool2d(x, 1), [[[[7.5]]]]);
    assertClose(F.adaptiveAvgPool2d(x, [2, 1]), [[[[3.5], [11.5]]]]);
  });

  test('float64 gradients', () => {
    assertGrad((x) => F.maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1 }), [lc.rand([1, 2, 5, 5], { dtype: 'float64', requiresGrad: true })]);
    assertGrad((x) => F.avgPool2d(x, { kernelSize: 3, stride: 2, padding: 1, countIncludePad: false, ceilMode: true }), [f64([1, 2, 5, 5])]);
    assertGrad((x) => F.adaptiveAvgPool2d(x, 1), [f64([2, 3, 3, 3])]);
  });
});

describe('activations', () => {
  test('known values', () => {
    const x = tensor([-4, -1, 0, 1, 7]);
    assertClose(F.relu(x), [0, 0, 0, 1, 7]);
    assertClose(F.relu6(x), [0, 0, 0, 1, 6]);
    assertClose(F.sigmoid(tensor([0])), [0.5]);
    assertClose(F.tanh(tensor([0, 100])), [0, 1]);
    assertClose(F.silu(tensor([1])), [1 / (1 + Math.exp(-1))]);
    assertClose(F.hardswish(tensor([-4, 1, 4])), [0, 1 * 4 / 6, 4]);
    assertClose(F.leakyRelu(tensor([-10, 10]), 0.1), [-1, 10]);
    const y = tensor([-1, 2]);
    y.relu_();
    assertClose(y, [0, 2]);
  });

  test('softmax and log_softmax over any dim, including a spatial softmax', () => {
    const x = tensor([[1, 2, 3], [1, 1, 1]]);
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const s = e[0]! + e[1]! + e[2]!;
    assertClose(F.softmax(x, 1), [[e[0]! / s, e[1]! / s, e[2]! / s], [1 / 3, 1 / 3, 1 / 3]]);
    assertClose(F.softmax(x, 0).sum(0), [1, 1, 1]);
    assertClose(F.logSoftmax(x, -1), [[Math.log(e[0]! / s), Math.log(e[1]! / s), Math.log(e[2]! / s)], [-Math.log(3), -Math.log(3), -Math.log(3)]]);
    // spatial softmax: each channel's H*W map sums to 1
    const maps = lc.randn([2, 3, 4, 4]);
    const spatial = F.softmax(maps.flatten(2), -1).reshape([2, 3, 4, 4]);
    assertClose(spatial.sum([2, 3]), [[1, 1, 1], [1, 1, 1]], 1e-5);
  });

  test('float64 gradients', () => {
    assertGrad((x) => F.softmax(x, 1), [f64([3, 4])]);
    assertGrad((x) => F.logSoftmax(x, 0), [f64([3, 4])]);
    assertGrad((x) => F.sigmoid(x).mul(F.tanh(x)), [f64([5])]);
    assertGrad((x) => F.hardswish(x), [f64([6])], { atol: 1e-4 });
  });

  test('dropout: scales kept elements, zeroes the rest, identity in eval', () => {
    const x = lc.ones([10000]);
    const y = F.dropout(x, 0.3, true);
    const kept = y.ne(0).sum().item();
    assert.ok(Math.abs(kept / 10000 - 0.7) < 0.03, `kept fraction ${kept / 10000}`);
    assertClose(y.maskedSelect(y.ne(0)).mean(), 1 / 0.7, 1e-5);
    assert.ok(F.dropout(x, 0.3, false).equal(x));
    assert.throws(() => F.dropout(x, 1.5), /dropout probability must be in \[0, 1\]/);
  });
});

describe('losses', () => {
  const logits = tensor([[2, 1, 0], [0, 0, 3]], { dtype: 'float64' });
  const target = tensor([0, 2], { dtype: 'int64' });
  const lse = (row: number[]) => Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
  const nll0 = lse([2, 1, 0]) - 2;
  const nll1 = lse([0, 0, 3]) - 3;

  test('cross-entropy with class indices, reductions and label smoothing', () => {
    assertClose(F.crossEntropy(logits, target), (nll0 + nll1) / 2, 1e-12);
    assertClose(F.crossEntropy(logits, target, { reduction: 'sum' }), nll0 + nll1, 1e-12);
    assertClose(F.crossEntropy(logits, target, { reduction: 'none' }), [nll0, nll1], 1e-12);
    // smoothing s: (1-s) * nll + s * mean over classes of -log p
    const s = 0.1;
    const meanNeg = (row: number[]) => row.reduce((acc, v) => acc + (lse(row) - v), 0) / 3;
    const expected = ((1 - s) * nll0 + s * meanNeg([2, 1, 0]) + (1 - s) * nll1 + s * meanNeg([0, 0, 3])) / 2;
    assertClose(F.crossEntropy(logits, target, { labelSmoothing: s }), expected, 1e-12);
    assert.throws(() => F.crossEntropy(logits, target, { labelSmoothing: 2 }), /labelSmoothing must be in \[0, 1\]/);
    // Off-target smoothing (HCGNet's ImageNet recipe): q = 1 - s on the target, s/(K-1) on each other class.
    const offTarget = (row: number[], t: number): number => row.reduce((acc, v, j) => acc + (j === t ? 1 - s : s / 2) * (lse(row) - v), 0);
    assertClose(F.crossEntropy(logits, target, { labelSmoothing: s, labelSmoothingStyle: 'offTarget' }), (offTarget([2, 1, 0], 0) + offTarget([0, 0, 3], 2)) / 2, 1e-12);
    assert.throws(() => F.crossEntropy(logits, tensor([0, 5], { dtype: 'int64' })), /crossEntropy: .*out of bounds/i);
  });

  test('cross-entropy with soft targets (mixup) equals the index form for one-hot targets', () => {
    const soft = F.oneHot(target, 3).to('float64');
    assertClose(F.crossEntropy(logits, soft), (nll0 + nll1) / 2, 1e-12);
    const mixed = tensor([[0.5, 0.5, 0], [0, 0.25, 0.75]], { dtype: 'float64' });
    const expected = (0.5 * (lse([2, 1, 0]) - 2) + 0.5 * (lse([2, 1, 0]) - 1) + 0.25 * (lse([0, 0, 3]) - 0) + 0.75 * (lse([0, 0, 3]) - 3)) / 2;
    assertClose(F.crossEntropy(logits, mixed), expected, 1e-12);
  });

  test('nll_loss, one_hot, mse', () => {
    assertClose(F.nllLoss(F.logSoftmax(logits, 1), target), (nll0 + nll1) / 2, 1e-12);
    assert.deepEqual(F.oneHot(tensor([2, 0], { dtype: 'int64' }), 3).toArray(), [[0, 0, 1], [1, 0, 0]]);
    assert.deepEqual(F.oneHot(tensor([1], { dtype: 'int64' })).shape, [1, 2]);
    assertClose(F.mseLoss(tensor([1, 2]), tensor([2, 4])), 2.5);
  });

  test('float64 gradients of cross-entropy (indices, smoothing, soft targets)', () => {
    const t = tensor([1, 0, 3], { dtype: 'int64' });
    assertGrad((x) => F.crossEntropy(x, t), [f64([3, 4])]);
    assertGrad((x) => F.crossEntropy(x, t, { labelSmoothing: 0.2 }), [f64([3, 4])]);
    const soft = F.softmax(lc.randn([3, 4], { dtype: 'float64' }), 1);
    assertGrad((x) => F.crossEntropy(x, soft), [f64([3, 4])]);
  });

  test('linear: known values and gradients', () => {
    assertClose(F.linear(tensor([[1, 2]]), tensor([[1, 0], [1, 1], [0, 2]]), tensor([0, 1, -1])), [[1, 4, 3]]);
    assertGrad((x, w, b) => F.linear(x, w, b), [f64([2, 3]), f64([4, 3]), f64([4])]);
  });
});

describe('kron and the straight-through estimator (DGConv building blocks)', () => {
  test('kron gradients', () => {
    assertGrad((a, b) => a.kron(b), [f64([2, 2]), f64([2, 3])]);
  });

  test('straight-through: forward value of the hard function, gradient of the identity', () => {
    const gate = tensor([-0.3, 0.2, 0.7], { dtype: 'float64', requiresGrad: true });
    const binary = gate.gt(0).to('float64');
    const out = F.straightThrough(binary, gate);
    assert.deepEqual(out.toArray(), [0, 1, 1]);
    out.mul(tensor([1, 2, 3], { dtype: 'float64' })).sum().backward();
    assert.deepEqual(gate.grad!.toArray(), [1, 2, 3]);
    // the detached branch must not leak into the graph: a second backward through it is not needed
    assert.equal(out.gradFn, 'AddBackward0');
  });
});

// leanconv's channels-last batch norm kernel (training and eval) against libtorch and float64 batch norm.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import * as lc from '../src/engine/index.js';
import { maxAbsDiff } from './helpers.js';

const { F } = lc;

describe("leanconv's channels-last batch norm", () => {
  // leanconv's own channels-last training kernel (engine nativeKernel) against libtorch's, on the same data.
  function runBatchNorm(useKernel: boolean, x0: lc.Tensor, g: lc.Tensor, affine: boolean, relu: boolean) {
    const previous = lc.nativeKernel('channelsLastBatchNorm', useKernel);
    try {
      const c = x0.size(1);
      const x = x0.detach().requiresGrad_(true);
      const weight = affine ? lc.linspace(0.5, 1.5, c).requiresGrad_(true) : undefined;
      const bias = affine ? lc.linspace(-1, 1, c).requiresGrad_(true) : undefined;
      const runningMean = lc.zeros([c]);
      const runningVar = lc.ones([c]);
      const y = F.batchNorm(x, runningMean, runningVar, { weight, bias, training: true, momentum: 0.3, relu });
      const node = y.gradFn;
      y.backward(g);
      return { y, node, dx: x.grad!, dw: weight?.grad, db: bias?.grad, runningMean, runningVar };
    } finally {
      lc.nativeKernel('channelsLastBatchNorm', previous);
    }
  }

  test("leanconv's channels-last kernel: same outputs, gradients and running stats as libtorch's", () => {
    // [3, 12, 5, 7]: 105 rows of 12 channels, not a whole number of the kernel's 6-row units (tail rows);
    // [4, 70, 3, 3]: wider than a unit; both with a mean far from 0 (the variance is computed as E[x²] − E[x]²).
    for (const shape of [[3, 12, 5, 7], [4, 70, 3, 3]]) {
      lc.manualSeed(1);
      const x0 = lc.randn(shape).mul(3).add(5).contiguous('channelsLast');
      const g = lc.randn(shape).contiguous('channelsLast');
      for (const affine of [true, false]) {
        for (const relu of [false, true]) {
          const ours = runBatchNorm(true, x0, g, affine, relu);
          const theirs = runBatchNorm(false, x0, g, affine, relu);
          const what = `[${shape.join(', ')}] affine=${affine} relu=${relu}`;
          assert.match(ours.node ?? '', /ChannelsLastBatchNorm/, `${what}: leanconv's kernel ran`);
          assert.doesNotMatch(theirs.node ?? '', /ChannelsLastBatchNorm/);
          assert.ok(ours.y.isContiguous('channelsLast') && ours.dx.isContiguous('channelsLast'), `${what}: layout kept`);
          assert.ok(maxAbsDiff(ours.y, theirs.y) < 1e-5, `${what}: output`);
          assert.ok(maxAbsDiff(ours.runningMean, theirs.runningMean) < 1e-5 && maxAbsDiff(ours.runningVar, theirs.runningVar) < 1e-4, `${what}: running stats`);
          if (relu) {
            // Where libtorch's output is within rounding of 0 the two may pick different sides of the ReLU;
            // compare the input gradient where both outputs are clearly positive or clearly zero.
            const clear = theirs.y.abs().gt(1e-4).logicalOr(theirs.y.eq(0)).logicalAnd(ours.y.gt(0).eq(theirs.y.gt(0)));
            assert.ok(maxAbsDiff(ours.dx.mul(clear), theirs.dx.mul(clear)) < 1e-4, `${what}: input gradient`);
          } else {
            assert.ok(maxAbsDiff(ours.dx, theirs.dx) < 1e-4, `${what}: input gradient`);
          }
          if (affine) {
            assert.ok(maxAbsDiff(ours.dw!, theirs.dw!) < 1e-3 && maxAbsDiff(ours.db!, theirs.db!) < 1e-3, `${what}: weight and bias gradients`);
          }
        }
      }
    }
  });

  test("the channels-last kernel's gradients match float64 batch norm on the same values", () => {
    // gradcheck needs float64, which the kernel does not take: check its float32 gradients against the
    // float64 libtorch batch norm of the same values instead.
    lc.manualSeed(2);
    const x0 = lc.randn([2, 5, 3, 4]).contiguous('channelsLast');
    const g = lc.randn([2, 5, 3, 4]).contiguous('channelsLast');
    const ours = runBatchNorm(true, x0, g, true, false);
    const x64 = x0.double().requiresGrad_(true);
    const w64 = lc.linspace(0.5, 1.5, 5, { dtype: 'float64' }).requiresGrad_(true);
    const b64 = lc.linspace(-1, 1, 5, { dtype: 'float64' }).requiresGrad_(true);
    F.batchNorm(x64, undefined, undefined, { weight: w64, bias: b64, training: true }).backward(g.double());
    assert.ok(maxAbsDiff(ours.dx.double(), x64.grad!) < 1e-5);
    assert.ok(maxAbsDiff(ours.dw!.double(), w64.grad!) < 1e-5);
    assert.ok(maxAbsDiff(ours.db!.double(), b64.grad!) < 1e-5);
  });

  test("eval mode without gradients: leanconv's one-pass kernel gives libtorch's outputs", () => {
    for (const shape of [[3, 12, 5, 7], [4, 70, 3, 3]]) {
      lc.manualSeed(3);
      const c = shape[1]!;
      const x = lc.randn(shape).mul(3).add(5).contiguous('channelsLast');
      const runningMean = lc.randn([c]).add(5);
      const runningVar = lc.rand([c]).mul(9).add(0.5);
      for (const affine of [true, false]) {
        for (const relu of [false, true]) {
          const options = { weight: affine ? lc.linspace(-1.5, 1.5, c) : undefined, bias: affine ? lc.linspace(-1, 1, c) : undefined, eps: 1e-3, relu };
          const run = (useKernel: boolean) => {
            const previous = lc.nativeKernel('channelsLastBatchNorm', useKernel);
            try {
              const before = lc.nativeKernelRuns('channelsLastBatchNorm');
              const y = F.batchNorm(x, runningMean, runningVar, options);
              return { y, ran: lc.nativeKernelRuns('channelsLastBatchNorm') - before };
            } finally {
              lc.nativeKernel('channelsLastBatchNorm', previous);
            }
          };
          const ours = run(true);
          const theirs = run(false);
          const what = `[${shape.join(', ')}] affine=${affine} relu=${relu}`;
          assert.equal(ours.ran, 1, `${what}: leanconv's kernel ran`);
          assert.equal(theirs.ran, 0);
          assert.ok(ours.y.isContiguous('channelsLast'), `${what}: layout kept`);
          assert.ok(maxAbsDiff(ours.y, theirs.y) < 1e-5, `${what}: output`);
        }
      }
    }
    // A gradient to record (eval-mode BN in an attack or in fine-tuning) leaves the op to libtorch's autograd.
    const x = lc.randn([2, 3, 4, 4]).contiguous('channelsLast').requiresGrad_(true);
    const before = lc.nativeKernelRuns('channelsLastBatchNorm');
    const y = F.batchNorm(x, lc.zeros([3]), lc.ones([3]), { relu: true });
    assert.equal(lc.nativeKernelRuns('channelsLastBatchNorm'), before);
    assert.ok(y.gradFn !== undefined);
    lc.noGrad(() => F.batchNorm(x, lc.zeros([3]), lc.ones([3])));
    assert.equal(lc.nativeKernelRuns('channelsLastBatchNorm'), before + 1, 'without gradient recording it is ours again');
  });

  test('inputs the channels-last kernel does not take go to libtorch: NCHW, float64, eval mode, 1x1 maps', () => {
    const cases: [string, lc.Tensor, boolean][] = [
      ['NCHW', lc.randn([4, 3, 5, 5]), true],
      ['float64', lc.randn([4, 3, 5, 5], { dtype: 'float64' }).contiguous('channelsLast'), true],
      ['eval', lc.randn([4, 3, 5, 5]).contiguous('channelsLast'), false],
      ['1x1 map (both layouts agree)', lc.randn([4, 3, 1, 1]).contiguous('channelsLast'), true],
    ];
    for (const [what, x, training] of cases) {
      const y = F.batchNorm(x.detach().requiresGrad_(true), lc.zeros([3], { dtype: x.dtype }), lc.ones([3], { dtype: x.dtype }), { training });
      assert.doesNotMatch(y.gradFn ?? '', /ChannelsLastBatchNorm/, what);
    }
    assert.throws(() => lc.nativeKernel('fastConv' as 'channelsLastBatchNorm'), /unknown kernel 'fastConv'/);
  });
});

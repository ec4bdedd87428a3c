// leanconv's attention-pool kernel (HCGNet's) against its definition and libtorch.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import * as lc from '../src/engine/index.js';
import { maxAbsDiff } from './helpers.js';
import { assertGrad, cpuHasKernel, f64, runWith } from './support/kernels.js';

const { F } = lc;

describe('attentionPool2d', () => {
  /** Σ_p softmax_p(w·x_p + b) · x_p by its definition, with plain ops. */
  const reference = (x: lc.Tensor, w: lc.Tensor, b?: lc.Tensor): lc.Tensor => {
    const [n, c, h, wd] = x.shape as [number, number, number, number];
    let logits = x.mul(w.view([1, c, 1, 1])).sum(1).view([n, h * wd]);
    if (b) logits = logits.add(b);
    const weights = F.softmax(logits, 1).view([n, 1, h, wd]);
    return x.mul(weights).sum([2, 3]).view([n, c, 1, 1]);
  };

  test('equals its definition on channels-last (kernel) and NCHW input, for channel counts with vector tails and over 32', () => {
    for (const [n, c, h, w] of [[3, 12, 8, 8], [2, 1, 5, 7], [2, 5, 4, 4], [1, 37, 6, 3], [2, 70, 2, 2]]) {
      lc.manualSeed(c!);
      const x = lc.randn([n!, c!, h!, w!]).mul(3);
      const weight = lc.randn([1, c!, 1, 1]);
      for (const bias of [lc.randn([1]), undefined]) {
        const expected = reference(x, weight, bias);
        // Logits of magnitude ~3·√C make the softmax weights carry float rounding into an output of magnitude ~3.
        const tolerance = 1e-5 * Math.max(1, expected.abs().max().item());
        const { y, runs } = runWith('attentionPool', true, () => lc.noGrad(() => F.attentionPool2d(x.contiguous('channelsLast'), weight, bias)));
        assert.equal(runs, cpuHasKernel ? 1 : 0, `[${n}, ${c}, ${h}, ${w}]: the kernel ran`);
        assert.deepEqual(y.shape, [n, c, 1, 1]);
        assert.ok(maxAbsDiff(y, expected) < tolerance, `[${n}, ${c}, ${h}, ${w}] channels-last: ${maxAbsDiff(y, expected)}`);
        const nchw = F.attentionPool2d(x, weight, bias);
        assert.ok(maxAbsDiff(nchw, expected) < tolerance, `[${n}, ${c}, ${h}, ${w}] NCHW: ${maxAbsDiff(nchw, expected)}`);
      }
    }
  });

  test('gradients (libtorch ops when recorded) pass gradcheck; bad shapes are named', () => {
    assertGrad((x, w, b) => F.attentionPool2d(x!, w!, b), [f64([2, 3, 3, 2]), f64([1, 3, 1, 1]), f64([1])]);
    const x = lc.randn([2, 4, 3, 3]);
    assert.throws(() => F.attentionPool2d(x, lc.randn([5])), /weight needs one value per input channel \(4\), got 5/);
    assert.throws(() => F.attentionPool2d(x, lc.randn([4]), lc.randn([2])), /bias needs one value, got 2/);
    assert.throws(() => F.attentionPool2d(lc.randn([4, 3]), lc.randn([3])), /expected a 4-D input/);
  });
});

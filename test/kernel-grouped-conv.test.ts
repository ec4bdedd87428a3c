// leanconv's channels-last grouped conv kernel (inference) against libtorch.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import * as lc from '../src/engine/index.js';
import { maxAbsDiff } from './helpers.js';
import { cpuHasKernel, kernelAndLibtorch, runWith } from './support/kernels.js';

const { F } = lc;

describe("leanconv's channels-last grouped conv (inference)", () => {
  const run = (useKernel: boolean, fn: () => lc.Tensor) => runWith('groupedConv', useKernel, fn);

  test("same outputs as libtorch: HCGNet's squeeze-cell shapes, ResNeXt's, odd widths of blocks, with and without bias", () => {
    // [N, C, H, W, out channels, groups]: outputs per group 3, 6, 9 (HCGNet), 2 (ResNeXt 32 groups), 8, 12;
    // image sizes whose vectors of 8 pixels do not fill whole blocks (7x8, 5x16, 3x8), a non-square map.
    const cases = [[2, 48, 16, 16, 12, 4], [2, 96, 8, 8, 24, 4], [3, 144, 8, 8, 36, 4], [2, 64, 8, 16, 64, 32],
      [2, 32, 5, 16, 32, 4], [1, 36, 7, 8, 12, 4], [2, 24, 3, 8, 12, 2], [2, 72, 9, 8, 36, 3]];
    for (const [n, c, h, w, cout, groups] of cases) {
      lc.manualSeed(7);
      const x = lc.randn([n!, c!, h!, w!]).contiguous('channelsLast');
      const weight = lc.randn([cout!, c! / groups!, 3, 3]);
      for (const bias of [lc.randn([cout!]), undefined]) {
        const what = `[${[n, c, h, w].join(', ')}] -> ${cout}, ${groups} groups, bias=${bias !== undefined}`;
        const { ours, theirs } = kernelAndLibtorch('groupedConv', () => lc.noGrad(() => F.conv2d(x, weight, { bias, padding: 1, groups })), what);
        // Float rounding grows with the 9·Ci terms of each sum; a wrong tap or channel would be off by O(1).
        const tolerance = 4e-5 * Math.max(1, theirs.abs().max().item());
        assert.ok(maxAbsDiff(ours, theirs) < tolerance, `${what}: output (max |diff| ${maxAbsDiff(ours, theirs)})`);
      }
    }
  });

  test('convs it does not take go to libtorch: gradient recorded, NCHW, strided, unpadded, dilated, 1x1, depthwise, wide groups, ragged rows, float64, bad bias', () => {
    const x = lc.randn([2, 16, 8, 8]).contiguous('channelsLast');
    const w = lc.randn([8, 4, 3, 3]);
    const runs = (fn: () => lc.Tensor) => run(true, fn).runs;
    const noGrad = (input: lc.Tensor, weight: lc.Tensor, options: lc.F.Conv2dOptions) => runs(() => lc.noGrad(() => F.conv2d(input, weight, options)));
    assert.equal(noGrad(x, w, { padding: 1, groups: 4 }), cpuHasKernel ? 1 : 0, 'the reference case');
    assert.equal(runs(() => F.conv2d(x, w.detach().requiresGrad_(true), { padding: 1, groups: 4 })), 0, 'weight gradient recorded');
    assert.equal(runs(() => F.conv2d(x.detach().requiresGrad_(true), w, { padding: 1, groups: 4 })), 0, 'input gradient recorded');
    assert.equal(noGrad(x.contiguous(), w, { padding: 1, groups: 4 }), 0, 'NCHW');
    assert.equal(noGrad(x, w, { padding: 1, groups: 4, stride: 2 }), 0, 'strided');
    assert.equal(noGrad(x, w, { groups: 4 }), 0, 'no padding');
    assert.equal(noGrad(x, w, { padding: 2, dilation: 2, groups: 4 }), 0, 'dilated');
    assert.equal(noGrad(x, lc.randn([8, 4, 1, 1]), { groups: 4 }), 0, '1x1');
    assert.equal(noGrad(x, lc.randn([16, 1, 3, 3]), { padding: 1, groups: 16 }), 0, 'depthwise');
    assert.equal(noGrad(x, lc.randn([64, 8, 3, 3]), { padding: 1, groups: 2 }), 0, '32 outputs per group');
    assert.equal(noGrad(lc.randn([2, 16, 6, 6]).contiguous('channelsLast'), w, { padding: 1, groups: 4 }), 0, 'rows of 6 pixels');
    assert.equal(noGrad(x.to({ dtype: 'float64' }), w.to({ dtype: 'float64' }), { padding: 1, groups: 4 }), 0, 'float64');
    assert.throws(() => noGrad(x, w, { bias: lc.randn([9]), padding: 1, groups: 4 }), /bias|size|shape/i, "a bias of the wrong size gets libtorch's error");
  });
});

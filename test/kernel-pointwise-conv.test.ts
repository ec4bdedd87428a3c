// leanconv's channels-last 1x1 conv kernel and pre-activated convs (inference) against libtorch.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import * as lc from '../src/engine/index.js';
import { maxAbsDiff } from './helpers.js';
import { cpuHasKernel, kernelAndLibtorch, runWith } from './support/kernels.js';

const { F, tensor } = lc;

describe("leanconv's channels-last 1x1 conv and pre-activated convs (inference)", () => {
  const run = (useKernel: boolean, fn: () => lc.Tensor) => runWith('pointwiseConv', useKernel, fn);
  /** Float rounding grows with the terms of each sum; a wrong channel or row would be off by O(1). */
  const close = (ours: lc.Tensor, theirs: lc.Tensor, what: string) => {
    assert.deepEqual(ours.shape, theirs.shape, what);
    const tolerance = 1e-5 * Math.max(1, theirs.abs().max().item());
    assert.ok(maxAbsDiff(ours, theirs) < tolerance, `${what}: max |diff| ${maxAbsDiff(ours, theirs)}`);
  };

  test('1x1 conv: same outputs as libtorch for row and output-channel tails, with and without bias, and on a channel prefix of a wider tensor', () => {
    // [N, C, H, W, out channels]: outputs of whole 16-channel panels, 8, tails of 5 and 21 and 90; pixel counts
    // that leave 1-5 rows after the blocks of 6 and of 96; 3 to 300 input channels.
    const cases = [[2, 24, 8, 8, 48], [1, 3, 5, 7, 5], [3, 13, 5, 7, 21], [2, 120, 9, 9, 90], [1, 300, 4, 4, 8], [2, 37, 11, 13, 144]];
    for (const [n, c, h, w, cout] of cases) {
      lc.manualSeed(3);
      const x = lc.randn([n!, c!, h!, w!]).contiguous('channelsLast');
      const weight = lc.randn([cout!, c!, 1, 1]);
      for (const bias of [lc.randn([cout!]), undefined]) {
        const what = `[${[n, c, h, w].join(', ')}] -> ${cout}, bias=${bias !== undefined}`;
        const { ours, theirs } = kernelAndLibtorch('pointwiseConv', () => lc.noGrad(() => F.conv2d(x, weight, { bias })), what);
        close(ours, theirs, what);
      }
    }
    // The first 10 of 32 channels of a channels-last tensor: rows of 32 floats, read in place.
    const wide = lc.randn([2, 32, 6, 8]).contiguous('channelsLast');
    const prefix = wide.narrow(1, 0, 10);
    const weight = lc.randn([12, 10, 1, 1]);
    const ours = run(true, () => lc.noGrad(() => F.conv2d(prefix, weight)));
    assert.equal(ours.runs, cpuHasKernel ? 1 : 0, 'a channel prefix runs the kernel');
    close(ours.y, F.conv2d(prefix.contiguous('channelsLast'), weight), 'channel prefix');
  });

  test('grouped 1x1 convs: same outputs as libtorch, including groups of 3 outputs and of more than one panel', () => {
    for (const [n, c, h, w, cout, groups] of [[2, 24, 8, 8, 16, 4], [1, 12, 5, 7, 9, 3], [2, 64, 4, 6, 96, 2]]) {
      lc.manualSeed(9);
      const x = lc.randn([n!, c!, h!, w!]).contiguous('channelsLast');
      const weight = lc.randn([cout!, c! / groups!, 1, 1]);
      const bias = lc.randn([cout!]);
      const conv = () => lc.noGrad(() => F.conv2d(x, weight, { bias, groups }));
      const ours = run(true, conv);
      assert.equal(ours.runs, cpuHasKernel ? 1 : 0);
      close(ours.y, run(false, conv).y, `[${[n, c, h, w].join(', ')}] -> ${cout}, ${groups} groups`);
    }
  });

  test('1x1 convs it does not take go to libtorch: gradient recorded, NCHW, strided, padded, 3x3, float64', () => {
    const x = lc.randn([2, 16, 6, 6]).contiguous('channelsLast');
    const w = lc.randn([8, 16, 1, 1]);
    const runs = (fn: () => lc.Tensor) => run(true, fn).runs;
    const noGrad = (input: lc.Tensor, weight: lc.Tensor, options: lc.F.Conv2dOptions = {}) => runs(() => lc.noGrad(() => F.conv2d(input, weight, options)));
    assert.equal(noGrad(x, w), cpuHasKernel ? 1 : 0, 'the reference case');
    assert.equal(runs(() => F.conv2d(x, w.detach().requiresGrad_(true))), 0, 'weight gradient recorded');
    assert.equal(noGrad(x.contiguous(), w), 0, 'NCHW');
    assert.equal(noGrad(x, w, { stride: 2 }), 0, 'strided');
    assert.equal(noGrad(x, w, { padding: 1 }), 0, 'padded');
    assert.equal(noGrad(x, lc.randn([8, 16, 3, 3]), { padding: 1 }), 0, '3x3');
    assert.equal(noGrad(x.to({ dtype: 'float64' }), w.to({ dtype: 'float64' })), 0, 'float64');
  });

  test('affineReluConv2d equals conv2d(relu(x·scale + shift)) in every path: 1x1 and grouped kernels, dense 3x3, NCHW, with gradients', () => {
    lc.manualSeed(5);
    // [C, out channels, kernel, groups, padding]: the 1x1 kernel, the grouped kernel, then libtorch after a BN-ReLU pass.
    const cases = [[24, 20, 1, 1, 0], [16, 8, 3, 4, 1], [12, 6, 3, 1, 1], [12, 12, 3, 12, 2]];
    const kernels: (lc.NativeKernel | undefined)[] = ['pointwiseConv', 'groupedConv', undefined, undefined];
    for (const [i, [c, cout, k, groups, padding]] of cases.entries()) {
      const x = lc.randn([2, c!, 8, 8]);
      const scale = lc.randn([c!]);
      const shift = lc.randn([c!]);
      const weight = lc.randn([cout!, c! / groups!, k!, k!]);
      const options = { padding, groups, dilation: padding === 2 ? 2 : 1 };
      const reference = F.conv2d(x.mul(scale.view([1, -1, 1, 1])).add(shift.view([1, -1, 1, 1])).relu(), weight, options);
      for (const format of ['channelsLast', 'contiguous'] as const) {
        const what = `${k}x${k}, ${groups} groups, ${format}`;
        const { y, runs } = runWith(kernels[i] ?? 'pointwiseConv', true, () => lc.noGrad(() => F.affineReluConv2d(x.contiguous(format), scale, shift, weight, options)));
        if (kernels[i]) assert.equal(runs, cpuHasKernel && format === 'channelsLast' ? 1 : 0, `${what}: ${kernels[i]} ran`);
        close(y, reference, what);
      }
    }
    // With a gradient to record it runs libtorch's ops, so gradients reach the input and the affine map.
    const x = lc.randn([2, 6, 5, 5]).requiresGrad_(true);
    const scale = lc.rand([6]).add(0.5).requiresGrad_(true);
    const shift = lc.randn([6]).requiresGrad_(true);
    const weight = lc.randn([4, 6, 1, 1]);
    F.affineReluConv2d(x, scale, shift, weight).sum().backward();
    const x2 = x.detach().requiresGrad_(true);
    const scale2 = scale.detach().requiresGrad_(true);
    F.conv2d(x2.mul(scale2.view([1, -1, 1, 1])).add(shift.detach().view([1, -1, 1, 1])).relu(), weight).sum().backward();
    close(x.grad!, x2.grad!, 'input gradient');
    close(scale.grad!, scale2.grad!, 'scale gradient');
    assert.ok(shift.grad !== undefined, 'shift gradient');
    assert.throws(() => F.affineReluConv2d(lc.randn([1, 6, 4, 4]), lc.ones([5]), lc.zeros([6]), weight), /scale and shift need one value per input channel \(6\)/);
  });

  test('affineReluConv2d with inputIndex gathers the input channels first (CondenseNet), in the kernel and in libtorch', () => {
    lc.manualSeed(8);
    const x = lc.randn([2, 10, 6, 8]);
    const index = tensor([7, 2, 2, 9, 0, 5, 1, 8], { dtype: 'int64' });
    const scale = lc.randn([8]);
    const shift = lc.randn([8]);
    const weight = lc.randn([12, 2, 1, 1]);
    const picked = x.indexSelect(1, index);
    const reference = F.conv2d(picked.mul(scale.view([1, -1, 1, 1])).add(shift.view([1, -1, 1, 1])).relu(), weight, { groups: 4 });
    for (const format of ['channelsLast', 'contiguous'] as const) {
      const { y, runs } = run(true, () => lc.noGrad(() => F.affineReluConv2d(x.contiguous(format), scale, shift, weight, { groups: 4, inputIndex: index })));
      assert.equal(runs, cpuHasKernel && format === 'channelsLast' ? 1 : 0, `${format}: the kernel ran`);
      close(y, reference, `gathered, ${format}`);
    }
    assert.throws(() => F.affineReluConv2d(x, scale, shift, weight, { groups: 4, inputIndex: tensor([0, 1, 2, 3, 4, 5, 6, 10], { dtype: 'int64' }) }), /index holds channels outside \[0, 10\)/);
    assert.throws(() => F.affineReluConv2d(x, scale, shift, weight, { groups: 4, inputIndex: tensor([0, 1, 2, 3, 4, 5, 6, 7]) }), /index must be a 1-D int64 tensor/);
  });
});

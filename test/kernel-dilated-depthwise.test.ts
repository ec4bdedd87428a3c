// leanconv's dilated depthwise conv kernel against libtorch.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import * as lc from '../src/engine/index.js';
import { maxAbsDiff } from './helpers.js';

const { F } = lc;

describe("leanconv's dilated depthwise conv (phase-split weight gradient)", () => {
  function run(useKernel: boolean, x0: lc.Tensor, w0: lc.Tensor, b0: lc.Tensor | undefined, padding: number, dilation: number) {
    const previous = lc.nativeKernel('dilatedDepthwiseConv', useKernel);
    try {
      const x = x0.detach().requiresGrad_(true);
      const w = w0.detach().requiresGrad_(true);
      const b = b0?.detach().requiresGrad_(true);
      const y = F.conv2d(x, w, { bias: b, padding, dilation, groups: x0.size(1) });
      const node = y.gradFn;
      y.square().sum().backward();
      return { y, node, dx: x.grad!, dw: w.grad!, db: b?.grad };
    } finally {
      lc.nativeKernel('dilatedDepthwiseConv', previous);
    }
  }

  test('same output and gradients as libtorch for dilation 2 and 3, with and without bias, kernel 3 and 5', () => {
    // [input shape, kernel, padding, dilation]: HCGNet's 3x3 dilation 2 'same' conv, a non-square map, dilation 3
    // with a 5x5 kernel, and a 'valid' conv (padding 0) whose output is smaller than the input.
    const cases: [number[], number, number, number][] = [[[2, 6, 8, 8], 3, 2, 2], [[3, 4, 6, 10], 3, 2, 2], [[2, 5, 12, 9], 5, 6, 3], [[2, 3, 10, 10], 3, 0, 2]];
    for (const [shape, k, padding, dilation] of cases) {
      lc.manualSeed(4);
      const x0 = lc.randn(shape).contiguous('channelsLast');
      const w0 = lc.randn([shape[1]!, 1, k, k]);
      for (const b0 of [lc.randn([shape[1]!]), undefined]) {
        const what = `[${shape.join(', ')}] k${k} p${padding} d${dilation} bias=${b0 !== undefined}`;
        const ours = run(true, x0, w0, b0, padding, dilation);
        const theirs = run(false, x0, w0, b0, padding, dilation);
        assert.match(ours.node ?? '', /DilatedDepthwiseConv/, `${what}: leanconv's kernel ran`);
        assert.doesNotMatch(theirs.node ?? '', /DilatedDepthwiseConv/);
        assert.ok(maxAbsDiff(ours.y, theirs.y) < 1e-5, `${what}: output`);
        assert.ok(maxAbsDiff(ours.dx, theirs.dx) < 1e-4, `${what}: input gradient`);
        assert.ok(maxAbsDiff(ours.dw, theirs.dw) < 1e-3 * Math.max(1, theirs.dw.abs().max().item()), `${what}: weight gradient`);
        if (b0) assert.ok(maxAbsDiff(ours.db!, theirs.db!) < 1e-3, `${what}: bias gradient`);
      }
    }
  });

  test('convs it does not take go to libtorch: undilated, strided, NCHW, not depthwise, uneven phases, no weight gradient', (t) => {
    // Switched on: its default depends on the CPU (off with AVX-512).
    const previous = lc.nativeKernel('dilatedDepthwiseConv', true);
    t.after(() => lc.nativeKernel('dilatedDepthwiseConv', previous));
    const x = lc.randn([2, 4, 8, 8]).contiguous('channelsLast');
    const w = lc.randn([4, 1, 3, 3]).requiresGrad_(true);
    const node = (input: lc.Tensor, weight: lc.Tensor, options: lc.F.Conv2dOptions) => F.conv2d(input, weight, options).gradFn ?? '';
    assert.match(node(x, w, { padding: 2, dilation: 2, groups: 4 }), /DilatedDepthwiseConv/);
    assert.doesNotMatch(node(x, w, { padding: 1, groups: 4 }), /DilatedDepthwiseConv/, 'undilated');
    assert.doesNotMatch(node(x, w, { padding: 2, dilation: 2, groups: 4, stride: 2 }), /DilatedDepthwiseConv/, 'strided');
    assert.doesNotMatch(node(x.contiguous(), w, { padding: 2, dilation: 2, groups: 4 }), /DilatedDepthwiseConv/, 'NCHW');
    assert.doesNotMatch(node(x, lc.randn([4, 2, 3, 3]).requiresGrad_(true), { padding: 2, dilation: 2, groups: 2 }), /DilatedDepthwiseConv/, 'grouped');
    assert.doesNotMatch(node(lc.randn([2, 4, 9, 9]).contiguous('channelsLast'), w, { padding: 2, dilation: 2, groups: 4 }), /DilatedDepthwiseConv/, 'odd size');
    assert.doesNotMatch(node(x.requiresGrad_(true), w.detach(), { padding: 2, dilation: 2, groups: 4 }), /DilatedDepthwiseConv/, 'frozen weight');
  });
});

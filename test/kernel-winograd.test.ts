// leanconv's Winograd 3x3 conv kernel (channels-last, forward and gradients) against libtorch.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import * as lc from '../src/engine/index.js';
import { maxAbsDiff } from './helpers.js';
import { cpuHasKernel, kernelAndLibtorch, runWith } from './support/kernels.js';

const { F } = lc;

describe("leanconv's Winograd 3x3 conv (channels-last, forward and gradients)", () => {
  const run = (useKernel: boolean, fn: () => lc.Tensor) => runWith('winogradConv', useKernel, fn);
  /** Winograd's transforms round differently from a direct conv; a wrong tap, tile or channel is off by O(1). */
  const close = (ours: lc.Tensor, theirs: lc.Tensor, what: string, relative = 2e-5) => {
    assert.deepEqual(ours.shape, theirs.shape, what);
    const tolerance = relative * Math.max(1, theirs.abs().max().item());
    assert.ok(maxAbsDiff(ours, theirs) < tolerance, `${what}: max |diff| ${maxAbsDiff(ours, theirs)} (tolerance ${tolerance})`);
  };
  // [N, C, H, W, out channels]: ResNet-20's three widths, odd and non-square maps (tiles cut by the border), a 2x3
  // map, 8 to 64 channels, more outputs than inputs (panels of 16 plus a half panel), and one wider than F(4x4, 3x3) takes.
  const cases = [[2, 16, 32, 32, 16], [2, 32, 16, 16, 32], [3, 64, 8, 8, 64], [2, 8, 7, 5, 24], [1, 16, 2, 3, 8], [3, 24, 9, 14, 40],
    [1, 136, 5, 6, 144]];

  /** Runs body with F(4x4, 3x3) tiles on or off; returns how many convs ran with them. */
  const withTiles = (large: boolean, body: () => void): number => {
    const previous = lc.nativeKernel('winogradLargeTiles', large);
    try {
      const before = lc.nativeKernelRuns('winogradLargeTiles');
      body();
      return lc.nativeKernelRuns('winogradLargeTiles') - before;
    } finally {
      lc.nativeKernel('winogradLargeTiles', previous);
    }
  };
  /** F(4x4, 3x3) takes convs of up to 128 channels in and out; wider ones keep F(2x2, 3x3). */
  const takesLargeTiles = (cin: number, cout: number): boolean => cpuHasKernel && cin <= 128 && cout <= 128;
  const tileName = (large: boolean): string => (large ? 'F(4x4, 3x3)' : 'F(2x2, 3x3)');

  for (const large of [true, false]) {
    test(`inference by ${tileName(large)}: same outputs as libtorch, with and without bias, and with the fused epilogue relu(conv + residual)`, () => {
      for (const [n, c, h, w, cout] of cases) {
        const ran = withTiles(large, () => {
          lc.manualSeed(11);
          const x = lc.randn([n!, c!, h!, w!]).contiguous('channelsLast');
          const weight = lc.randn([cout!, c!, 3, 3]).mul(0.2);
          const residual = lc.randn([n!, cout!, h!, w!]).contiguous('channelsLast');
          for (const bias of [lc.randn([cout!]), undefined]) {
            const what = `[${[n, c, h, w].join(', ')}] -> ${cout}, bias=${bias !== undefined}`;
            const { ours, theirs } = kernelAndLibtorch('winogradConv', () => lc.noGrad(() => F.conv2d(x, weight, { bias, padding: 1 })), what);
            close(ours, theirs, what);
            const fused = run(true, () => lc.noGrad(() => F.conv2d(x, weight, { bias, padding: 1, residual, relu: true })));
            assert.equal(fused.runs, cpuHasKernel ? 1 : 0, `${what}: the epilogue runs in the kernel`);
            close(fused.y, theirs.add(residual).relu(), `${what}, epilogue`);
            assert.ok(fused.y.min().item() >= 0, 'ReLU applied');
          }
        });
        // Two convs with the kernel per bias: plain and with the epilogue.
        assert.equal(ran, large && takesLargeTiles(c!, cout!) ? 4 : 0, `[${[n, c, h, w].join(', ')}] -> ${cout}: convs by ${tileName(true)}`);
      }
    });
  }

  for (const large of [true, false]) {
    test(`training by ${tileName(large)}: output, input, weight and bias gradients equal libtorch's`, (t) => {
      // Switched on, whatever the environment says.
      const previous = lc.nativeKernel('winogradConvTraining', true);
      t.after(() => lc.nativeKernel('winogradConvTraining', previous));
      for (const [n, c, h, w, cout] of cases) {
        lc.manualSeed(12);
        const x0 = lc.randn([n!, c!, h!, w!]).contiguous('channelsLast');
        const w0 = lc.randn([cout!, c!, 3, 3]).mul(0.2).contiguous('channelsLast');
        const b0 = lc.randn([cout!]);
        const g = lc.randn([n!, cout!, h!, w!]).contiguous('channelsLast');
        const step = (useKernel: boolean) => {
          const x = x0.detach().requiresGrad_(true), weight = w0.detach().requiresGrad_(true), bias = b0.detach().requiresGrad_(true);
          const { y, runs } = run(useKernel, () => {
            const out = F.conv2d(x, weight, { bias, padding: 1 });
            out.backward(g);
            return out;
          });
          return { y, runs, gx: x.grad!, gw: weight.grad!, gb: bias.grad! };
        };
        let ours: ReturnType<typeof step> | undefined;
        const ran = withTiles(large, () => void (ours = step(true)));
        const theirs = step(false);
        const what = `[${[n, c, h, w].join(', ')}] -> ${cout}`;
        assert.equal(ours!.runs, cpuHasKernel ? 1 : 0, `${what}: leanconv's kernel ran`);
        // The forward, the input gradient and the weight gradient.
        assert.equal(ran, large && takesLargeTiles(c!, cout!) ? 3 : 0, `${what}: convs by ${tileName(true)}`);
        close(ours!.y, theirs.y, `${what}: output`);
        close(ours!.gx, theirs.gx, `${what}: input gradient`);
        // The weight gradient sums over every pixel of the batch, so its rounding grows with N·H·W.
        close(ours!.gw, theirs.gw, `${what}: weight gradient`, 1e-4);
        close(ours!.gb, theirs.gb, `${what}: bias gradient`, 1e-4);
        assert.ok(ours!.gx.isContiguous('channelsLast'), `${what}: channels-last input gradient`);
        assert.ok(ours!.gw.isContiguous('channelsLast'), `${what}: the weight gradient keeps the weight's layout`);
      }
    });
  }

  test("a changed weight is transformed again (the kernel caches each weight's transform by version)", () => {
    const x = lc.randn([2, 16, 8, 8]).contiguous('channelsLast');
    const weight = lc.randn([16, 16, 3, 3]);
    const conv = () => lc.noGrad(() => F.conv2d(x, weight, { padding: 1 }));
    const before = run(true, conv).y;
    close(run(true, conv).y, before, 'the same weight again');
    lc.noGrad(() => weight.mul_(-2));
    const after = run(true, conv);
    assert.equal(after.runs, cpuHasKernel ? 1 : 0);
    close(after.y, before.mul(-2), 'after an in-place change of the weight');
    close(after.y, run(false, conv).y, 'and libtorch agrees');
  });

  test('convs it does not take go to libtorch: NCHW, strided, unpadded, dilated, grouped, 5x5, channels not multiples of 8 or over 256, float64; a wrong residual is an error', () => {
    const x = lc.randn([2, 16, 8, 8]).contiguous('channelsLast');
    const w = lc.randn([16, 16, 3, 3]);
    const runs = (input: lc.Tensor, weight: lc.Tensor, options: lc.F.Conv2dOptions) => run(true, () => lc.noGrad(() => F.conv2d(input, weight, options))).runs;
    assert.equal(runs(x, w, { padding: 1 }), cpuHasKernel ? 1 : 0, 'the reference case');
    assert.equal(runs(x.contiguous(), w, { padding: 1 }), 0, 'NCHW');
    assert.equal(runs(x, w, { padding: 1, stride: 2 }), 0, 'strided');
    assert.equal(runs(x, w, {}), 0, 'no padding');
    assert.equal(runs(x, w, { padding: 2, dilation: 2 }), 0, 'dilated');
    assert.equal(runs(x, lc.randn([16, 8, 3, 3]), { padding: 1, groups: 2 }), 0, 'grouped');
    assert.equal(runs(x, lc.randn([16, 16, 5, 5]), { padding: 1 }), 0, '5x5');
    assert.equal(runs(lc.randn([2, 12, 8, 8]).contiguous('channelsLast'), lc.randn([16, 12, 3, 3]), { padding: 1 }), 0, '12 input channels');
    assert.equal(runs(x, lc.randn([12, 16, 3, 3]), { padding: 1 }), 0, '12 output channels');
    assert.equal(runs(x, lc.randn([264, 16, 3, 3]), { padding: 1 }), 0, 'more than 256 output channels');
    assert.equal(runs(lc.randn([1, 264, 4, 4]).contiguous('channelsLast'), lc.randn([16, 264, 3, 3]), { padding: 1 }), 0, 'more than 256 input channels');
    assert.equal(runs(x.to({ dtype: 'float64' }), w.to({ dtype: 'float64' }), { padding: 1 }), 0, 'float64');
    // The epilogue outside the kernel: a stride-2 conv with a residual of its output's shape.
    const strided = lc.noGrad(() => F.conv2d(x, w, { padding: 1, stride: 2, residual: lc.ones([2, 16, 4, 4]), relu: true }));
    close(strided, lc.noGrad(() => F.conv2d(x, w, { padding: 1, stride: 2 }).add(1).relu()), 'epilogue after a libtorch conv');
    assert.throws(() => lc.noGrad(() => F.conv2d(x, w, { padding: 1, residual: lc.ones([2, 16, 4, 4]) })), /residual has shape \[2, 16, 4, 4\].*output \[2, 16, 8, 8\]/);
  });

  test('winogradConvTraining: off, a conv that records gradients goes to libtorch while inference takes the kernel; on, it trains', (t) => {
    const previous = lc.nativeKernel('winogradConvTraining', false);
    t.after(() => lc.nativeKernel('winogradConvTraining', previous));
    const x = lc.randn([2, 32, 8, 8]).contiguous('channelsLast');
    const w = lc.randn([32, 32, 3, 3]).requiresGrad_(true);
    const training = run(true, () => F.conv2d(x, w, { padding: 1 }));
    assert.equal(training.runs, 0);
    assert.doesNotMatch(training.y.gradFn ?? '', /Winograd/);
    assert.equal(run(true, () => lc.noGrad(() => F.conv2d(x, w, { padding: 1 }))).runs, cpuHasKernel ? 1 : 0);
    lc.nativeKernel('winogradConvTraining', true);
    const trains = run(true, () => F.conv2d(x, w, { padding: 1 }));
    assert.equal(trains.runs, cpuHasKernel ? 1 : 0);
    if (cpuHasKernel) assert.match(trains.y.gradFn ?? '', /Winograd/);
  });

  test('with gradients recorded the epilogue is differentiable ops after the conv', () => {
    const x = lc.randn([2, 8, 6, 6]).contiguous('channelsLast').requiresGrad_(true);
    const w = lc.randn([8, 8, 3, 3]).requiresGrad_(true);
    const r = lc.randn([2, 8, 6, 6]).requiresGrad_(true);
    F.conv2d(x, w, { padding: 1, residual: r, relu: true }).sum().backward();
    const x2 = x.detach().requiresGrad_(true), w2 = w.detach().requiresGrad_(true), r2 = r.detach().requiresGrad_(true);
    F.conv2d(x2, w2, { padding: 1 }).add(r2).relu().sum().backward();
    close(r.grad!, r2.grad!, 'residual gradient');
    close(x.grad!, x2.grad!, 'input gradient');
    close(w.grad!, w2.grad!, 'weight gradient', 1e-4);
  });
});

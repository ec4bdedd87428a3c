import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import * as lc from '../src/engine/index.js';
import { assertClose, maxAbsDiff } from './helpers.js';
const { F, tensor } = lc;
const f64 = (shape) => lc.randn(shape, { dtype: 'float64', requiresGrad: true });
function assertGrad(fn, inputs, tol) {
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
describe("leanconv's dilated depthwise conv (phase-split weight gradient)", () => {
    function run(useKernel, x0, w0, b0, padding, dilation) {
        const previous = lc.nativeKernel('dilatedDepthwiseConv', useKernel);
        try {
            const x = x0.detach().requiresGrad_(true);
            const w = w0.detach().requiresGrad_(true);
            const b = b0?.detach().requiresGrad_(true);
            const y = F.conv2d(x, w, { bias: b, padding, dilation, groups: x0.size(1) });
            const node = y.gradFn;
            y.square().sum().backward();
            return { y, node, dx: x.grad, dw: w.grad, db: b?.grad };
        }
        finally {
            lc.nativeKernel('dilatedDepthwiseConv', previous);
        }
    }
    test('same output and gradients as libtorch for dilation 2 and 3, with and without bias, kernel 3 and 5', () => {
        // [input shape, kernel, padding, dilation]: HCGNet's 3x3 dilation 2 'same' conv, a non-square map, dilation 3
        // with a 5x5 kernel, and a 'valid' conv (padding 0) whose output is smaller than the input.
        const cases = [[[2, 6, 8, 8], 3, 2, 2], [[3, 4, 6, 10], 3, 2, 2], [[2, 5, 12, 9], 5, 6, 3], [[2, 3, 10, 10], 3, 0, 2]];
        for (const [shape, k, padding, dilation] of cases) {
            lc.manualSeed(4);
            const x0 = lc.randn(shape).contiguous('channelsLast');
            const w0 = lc.randn([shape[1], 1, k, k]);
            for (const b0 of [lc.randn([shape[1]]), undefined]) {
                const what = `[${shape.join(', ')}] k${k} p${padding} d${dilation} bias=${b0 !== undefined}`;
                const ours = run(true, x0, w0, b0, padding, dilation);
                const theirs = run(false, x0, w0, b0, padding, dilation);
                assert.match(ours.node ?? '', /DilatedDepthwiseConv/, `${what}: leanconv's kernel ran`);
                assert.doesNotMatch(theirs.node ?? '', /DilatedDepthwiseConv/);
                assert.ok(maxAbsDiff(ours.y, theirs.y) < 1e-5, `${what}: output`);
                assert.ok(maxAbsDiff(ours.dx, theirs.dx) < 1e-4, `${what}: input gradient`);
                assert.ok(maxAbsDiff(ours.dw, theirs.dw) < 1e-3 * Math.max(1, theirs.dw.abs().max().item()), `${what}: weight gradient`);
                if (b0)
                    assert.ok(maxAbsDiff(ours.db, theirs.db) < 1e-3, `${what}: bias gradient`);
            }
        }
    });
    test('convs it does not take go to libtorch: undilated, strided, NCHW, not depthwise, uneven phases, no weight gradient', (t) => {
        // Switched on: its default depends on the CPU (off with AVX-512).
        const previous = lc.nativeKernel('dilatedDepthwiseConv', true);
        t.after(() => lc.nativeKernel('dilatedDepthwiseConv', previous));
        const x = lc.randn([2, 4, 8, 8]).contiguous('channelsLast');
        const w = lc.randn([4, 1, 3, 3]).requiresGrad_(true);
        const node = (input, weight, options) => F.conv2d(input, weight, options).gradFn ?? '';
        assert.match(node(x, w, { padding: 2, dilation: 2, groups: 4 }), /DilatedDepthwiseConv/);
        assert.doesNotMatch(node(x, w, { padding: 1, groups: 4 }), /DilatedDepthwiseConv/, 'undilated');
        assert.doesNotMatch(node(x, w, { padding: 2, dilation: 2, groups: 4, stride: 2 }), /DilatedDepthwiseConv/, 'strided');
        assert.doesNotMatch(node(x.contiguous(), w, { padding: 2, dilation: 2, groups: 4 }), /DilatedDepthwiseConv/, 'NCHW');
        assert.doesNotMatch(node(x, lc.randn([4, 2, 3, 3]).requiresGrad_(true), { padding: 2, dilation: 2, groups: 2 }), /DilatedDepthwiseConv/, 'grouped');
        assert.doesNotMatch(node(lc.randn([2, 4, 9, 9]).contiguous('channelsLast'), w, { padding: 2, dilation: 2, groups: 4 }), /DilatedDepthwiseConv/, 'odd size');
        assert.doesNotMatch(node(x.requiresGrad_(true), w.detach(), { padding: 2, dilation: 2, groups: 4 }), /DilatedDepthwiseConv/, 'frozen weight');
    });
});
// The conv kernels need AVX2 and FMA; on other CPUs every conv goes to libtorch and only that is checked.
const cpuHasKernel = process.arch === 'x64' && /\bavx2\b/.test(cpuFlags()) && /\bfma\b/.test(cpuFlags());
/** Whether leanconv's kernels run their AVX-512 code: the CPU has it and ONEDNN_MAX_CPU_ISA does not cap it (see runtime.ts). */
const avx512Cpu = ['avx512f', 'avx512bw', 'avx512vl', 'avx512dq'].every((f) => new RegExp(`\\b${f}\\b`).test(cpuFlags()));
const oneDnnCap = process.env.ONEDNN_MAX_CPU_ISA || process.env.DNNL_MAX_CPU_ISA || '';
const avx512Core = avx512Cpu && !/^(SSE|AVX$|AVX2)/i.test(oneDnnCap);
function cpuFlags() {
    try {
        return readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags')) ?? '';
    }
    catch {
        return '';
    }
}
/** fn's output with one of leanconv's kernels on or off, and how many calls ran that kernel. */
function runWith(kernel, useKernel, fn) {
    const previous = lc.nativeKernel(kernel, useKernel);
    try {
        const before = lc.nativeKernelRuns(kernel);
        const y = fn();
        return { y, runs: lc.nativeKernelRuns(kernel) - before };
    }
    finally {
        lc.nativeKernel(kernel, previous);
    }
}
/**
 * conv with one of leanconv's kernels and with libtorch's: asserts that the kernel ran (on CPUs that have it) and
 * kept the output channels-last; returns both outputs.
 */
function kernelAndLibtorch(kernel, conv, what) {
    const ours = runWith(kernel, true, conv);
    const theirs = runWith(kernel, false, conv);
    assert.equal(ours.runs, cpuHasKernel ? 1 : 0, `${what}: leanconv's kernel ran`);
    assert.equal(theirs.runs, 0);
    assert.deepEqual(ours.y.shape, theirs.y.shape, what);
    assert.ok(ours.y.isContiguous('channelsLast'), `${what}: channels-last output`);
    return { ours: ours.y, theirs: theirs.y };
}
describe('channelShuffle', () => {
    test('channel g·(C/G) + k moves to k·G + g, in both layouts; channels-last input stays channels-last', () => {
        const x = lc.arange(6, undefined, 1, { dtype: 'float32' }).view([1, 6, 1, 1]).expand([2, 6, 3, 4]).contiguous();
        const expected = [0, 2, 4, 1, 3, 5];
        for (const input of [x, x.contiguous('channelsLast')]) {
            const y = F.channelShuffle(input, 3);
            assert.deepEqual(y.shape, [2, 6, 3, 4]);
            assert.deepEqual([...y.select(0, 1).select(1, 2).select(1, 3).data()], expected);
            assert.equal(y.isContiguous('channelsLast') && !y.isContiguous(), input !== x, 'the layout is kept');
        }
    });
});
describe('attentionPool2d', () => {
    /** Σ_p softmax_p(w·x_p + b) · x_p by its definition, with plain ops. */
    const reference = (x, w, b) => {
        const [n, c, h, wd] = x.shape;
        let logits = x.mul(w.view([1, c, 1, 1])).sum(1).view([n, h * wd]);
        if (b)
            logits = logits.add(b);
        const weights = F.softmax(logits, 1).view([n, 1, h, wd]);
        return x.mul(weights).sum([2, 3]).view([n, c, 1, 1]);
    };
    test('equals its definition on channels-last (kernel) and NCHW input, for channel counts with vector tails and over 32', () => {
        for (const [n, c, h, w] of [[3, 12, 8, 8], [2, 1, 5, 7], [2, 5, 4, 4], [1, 37, 6, 3], [2, 70, 2, 2]]) {
            lc.manualSeed(c);
            const x = lc.randn([n, c, h, w]).mul(3);
            const weight = lc.randn([1, c, 1, 1]);
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
        assertGrad((x, w, b) => F.attentionPool2d(x, w, b), [f64([2, 3, 3, 2]), f64([1, 3, 1, 1]), f64([1])]);
        const x = lc.randn([2, 4, 3, 3]);
        assert.throws(() => F.attentionPool2d(x, lc.randn([5])), /weight needs one value per input channel \(4\), got 5/);
        assert.throws(() => F.attentionPool2d(x, lc.randn([4]), lc.randn([2])), /bias needs one value, got 2/);
        assert.throws(() => F.attentionPool2d(lc.randn([4, 3]), lc.randn([3])), /expected a 4-D input/);
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
        assertGrad((a, w, b) => F.conv2d(a, w, { bias: b }), [f64([3, 4, 1, 1]), f64([2, 4, 1, 1]), f64([2])]);
    });
});
describe("leanconv's channels-last grouped conv (inference)", () => {
    const run = (useKernel, fn) => runWith('groupedConv', useKernel, fn);
    test("same outputs as libtorch: HCGNet's squeeze-cell shapes, ResNeXt's, odd widths of blocks, with and without bias", () => {
        // [N, C, H, W, out channels, groups]: outputs per group 3, 6, 9 (HCGNet), 2 (ResNeXt 32 groups), 8, 12;
        // image sizes whose vectors of 8 pixels do not fill whole blocks (7x8, 5x16, 3x8), a non-square map.
        const cases = [[2, 48, 16, 16, 12, 4], [2, 96, 8, 8, 24, 4], [3, 144, 8, 8, 36, 4], [2, 64, 8, 16, 64, 32],
            [2, 32, 5, 16, 32, 4], [1, 36, 7, 8, 12, 4], [2, 24, 3, 8, 12, 2], [2, 72, 9, 8, 36, 3]];
        for (const [n, c, h, w, cout, groups] of cases) {
            lc.manualSeed(7);
            const x = lc.randn([n, c, h, w]).contiguous('channelsLast');
            const weight = lc.randn([cout, c / groups, 3, 3]);
            for (const bias of [lc.randn([cout]), undefined]) {
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
        const runs = (fn) => run(true, fn).runs;
        const noGrad = (input, weight, options) => runs(() => lc.noGrad(() => F.conv2d(input, weight, options)));
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
describe("leanconv's channels-last 1x1 conv and pre-activated convs (inference)", () => {
    const run = (useKernel, fn) => runWith('pointwiseConv', useKernel, fn);
    /** Float rounding grows with the terms of each sum; a wrong channel or row would be off by O(1). */
    const close = (ours, theirs, what) => {
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
            const x = lc.randn([n, c, h, w]).contiguous('channelsLast');
            const weight = lc.randn([cout, c, 1, 1]);
            for (const bias of [lc.randn([cout]), undefined]) {
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
            const x = lc.randn([n, c, h, w]).contiguous('channelsLast');
            const weight = lc.randn([cout, c / groups, 1, 1]);
            const bias = lc.randn([cout]);
            const conv = () => lc.noGrad(() => F.conv2d(x, weight, { bias, groups }));
            const ours = run(true, conv);
            assert.equal(ours.runs, cpuHasKernel ? 1 : 0);
            close(ours.y, run(false, conv).y, `[${[n, c, h, w].join(', ')}] -> ${cout}, ${groups} groups`);
        }
    });
    test('1x1 convs it does not take go to libtorch: gradient recorded, NCHW, strided, padded, 3x3, float64', () => {
        const x = lc.randn([2, 16, 6, 6]).contiguous('channelsLast');
        const w = lc.randn([8, 16, 1, 1]);
        const runs = (fn) => run(true, fn).runs;
        const noGrad = (input, weight, options = {}) => runs(() => lc.noGrad(() => F.conv2d(input, weight, options)));
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
        const kernels = ['pointwiseConv', 'groupedConv', undefined, undefined];
        for (const [i, [c, cout, k, groups, padding]] of cases.entries()) {
            const x = lc.randn([2, c, 8, 8]);
            const scale = lc.randn([c]);
            const shift = lc.randn([c]);
            const weight = lc.randn([cout, c / groups, k, k]);
            const options = { padding, groups, dilation: padding === 2 ? 2 : 1 };
            const reference = F.conv2d(x.mul(scale.view([1, -1, 1, 1])).add(shift.view([1, -1, 1, 1])).relu(), weight, options);
            for (const format of ['channelsLast', 'contiguous']) {
                const what = `${k}x${k}, ${groups} groups, ${format}`;
                const { y, runs } = runWith(kernels[i] ?? 'pointwiseConv', true, () => lc.noGrad(() => F.affineReluConv2d(x.contiguous(format), scale, shift, weight, options)));
                if (kernels[i])
                    assert.equal(runs, cpuHasKernel && format === 'channelsLast' ? 1 : 0, `${what}: ${kernels[i]} ran`);
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
        close(x.grad, x2.grad, 'input gradient');
        close(scale.grad, scale2.grad, 'scale gradient');
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
        for (const format of ['channelsLast', 'contiguous']) {
            const { y, runs } = run(true, () => lc.noGrad(() => F.affineReluConv2d(x.contiguous(format), scale, shift, weight, { groups: 4, inputIndex: index })));
            assert.equal(runs, cpuHasKernel && format === 'channelsLast' ? 1 : 0, `${format}: the kernel ran`);
            close(y, reference, `gathered, ${format}`);
        }
        assert.throws(() => F.affineReluConv2d(x, scale, shift, weight, { groups: 4, inputIndex: tensor([0, 1, 2, 3, 4, 5, 6, 10], { dtype: 'int64' }) }), /index holds channels outside \[0, 10\)/);
        assert.throws(() => F.affineReluConv2d(x, scale, shift, weight, { groups: 4, inputIndex: tensor([0, 1, 2, 3, 4, 5, 6, 7]) }), /index must be a 1-D int64 tensor/);
    });
});
describe("leanconv's Winograd 3x3 conv (channels-last, forward and gradients)", () => {
    const run = (useKernel, fn) => runWith('winogradConv', useKernel, fn);
    /** Winograd's transforms round differently from a direct conv; a wrong tap, tile or channel is off by O(1). */
    const close = (ours, theirs, what, relative = 2e-5) => {
        assert.deepEqual(ours.shape, theirs.shape, what);
        const tolerance = relative * Math.max(1, theirs.abs().max().item());
        assert.ok(maxAbsDiff(ours, theirs) < tolerance, `${what}: max |diff| ${maxAbsDiff(ours, theirs)} (tolerance ${tolerance})`);
    };
    // [N, C, H, W, out channels]: ResNet-20's three widths, odd and non-square maps (tiles cut by the border), a 2x3
    // map, 8 to 64 channels, more outputs than inputs (panels of 16 plus a half panel), and one wider than F(4x4, 3x3) takes.
    const cases = [[2, 16, 32, 32, 16], [2, 32, 16, 16, 32], [3, 64, 8, 8, 64], [2, 8, 7, 5, 24], [1, 16, 2, 3, 8], [3, 24, 9, 14, 40],
        [1, 136, 5, 6, 144]];
    /** Runs body with F(4x4, 3x3) tiles on or off; returns how many convs ran with them. */
    const withTiles = (large, body) => {
        const previous = lc.nativeKernel('winogradLargeTiles', large);
        try {
            const before = lc.nativeKernelRuns('winogradLargeTiles');
            body();
            return lc.nativeKernelRuns('winogradLargeTiles') - before;
        }
        finally {
            lc.nativeKernel('winogradLargeTiles', previous);
        }
    };
    /** F(4x4, 3x3) takes convs of up to 128 channels in and out; wider ones keep F(2x2, 3x3). */
    const takesLargeTiles = (cin, cout) => cpuHasKernel && cin <= 128 && cout <= 128;
    const tileName = (large) => (large ? 'F(4x4, 3x3)' : 'F(2x2, 3x3)');
    for (const large of [true, false]) {
        test(`inference by ${tileName(large)}: same outputs as libtorch, with and without bias, and with the fused epilogue relu(conv + residual)`, () => {
            for (const [n, c, h, w, cout] of cases) {
                const ran = withTiles(large, () => {
                    lc.manualSeed(11);
                    const x = lc.randn([n, c, h, w]).contiguous('channelsLast');
                    const weight = lc.randn([cout, c, 3, 3]).mul(0.2);
                    const residual = lc.randn([n, cout, h, w]).contiguous('channelsLast');
                    for (const bias of [lc.randn([cout]), undefined]) {
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
                assert.equal(ran, large && takesLargeTiles(c, cout) ? 4 : 0, `[${[n, c, h, w].join(', ')}] -> ${cout}: convs by ${tileName(true)}`);
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
                const x0 = lc.randn([n, c, h, w]).contiguous('channelsLast');
                const w0 = lc.randn([cout, c, 3, 3]).mul(0.2).contiguous('channelsLast');
                const b0 = lc.randn([cout]);
                const g = lc.randn([n, cout, h, w]).contiguous('channelsLast');
                const step = (useKernel) => {
                    const x = x0.detach().requiresGrad_(true), weight = w0.detach().requiresGrad_(true), bias = b0.detach().requiresGrad_(true);
                    const { y, runs } = run(useKernel, () => {
                        const out = F.conv2d(x, weight, { bias, padding: 1 });
                        out.backward(g);
                        return out;
                    });
                    return { y, runs, gx: x.grad, gw: weight.grad, gb: bias.grad };
                };
                let ours;
                const ran = withTiles(large, () => void (ours = step(true)));
                const theirs = step(false);
                const what = `[${[n, c, h, w].join(', ')}] -> ${cout}`;
                assert.equal(ours.runs, cpuHasKernel ? 1 : 0, `${what}: leanconv's kernel ran`);
                // The forward, the input gradient and the weight gradient.
                assert.equal(ran, large && takesLargeTiles(c, cout) ? 3 : 0, `${what}: convs by ${tileName(true)}`);
                close(ours.y, theirs.y, `${what}: output`);
                close(ours.gx, theirs.gx, `${what}: input gradient`);
                // The weight gradient sums over every pixel of the batch, so its rounding grows with N·H·W.
                close(ours.gw, theirs.gw, `${what}: weight gradient`, 1e-4);
                close(ours.gb, theirs.gb, `${what}: bias gradient`, 1e-4);
                assert.ok(ours.gx.isContiguous('channelsLast'), `${what}: channels-last input gradient`);
                assert.ok(ours.gw.isContiguous('channelsLast'), `${what}: the weight gradient keeps the weight's layout`);
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
        const runs = (input, weight, options) => run(true, () => lc.noGrad(() => F.conv2d(input, weight, options))).runs;
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
        if (cpuHasKernel)
            assert.match(trains.y.gradFn ?? '', /Winograd/);
    });
    test('with gradients recorded the epilogue is differentiable ops after the conv', () => {
        const x = lc.randn([2, 8, 6, 6]).contiguous('channelsLast').requiresGrad_(true);
        const w = lc.randn([8, 8, 3, 3]).requiresGrad_(true);
        const r = lc.randn([2, 8, 6, 6]).requiresGrad_(true);
        F.conv2d(x, w, { padding: 1, residual: r, relu: true }).sum().backward();
        const x2 = x.detach().requiresGrad_(true), w2 = w.detach().requiresGrad_(true), r2 = r.detach().requiresGrad_(true);
        F.conv2d(x2, w2, { padding: 1 }).add(r2).relu().sum().backward();
        close(r.grad, r2.grad, 'residual gradient');
        close(x.grad, x2.grad, 'input gradient');
        close(w.grad, w2.grad, 'weight gradient', 1e-4);
    });
});
describe("the kernels' AVX2 code on a CPU with AVX-512", () => {
    // With oneDNN capped at AVX2 (which caps leanconv's kernels too) this machine runs what an AVX2-only machine runs:
    // the 6 x 16 register blocks, 8-float transforms and the dilated conv's kernel.
    test("leanconv's kernel tests pass again under ONEDNN_MAX_CPU_ISA=AVX2", { skip: !avx512Core && 'needs a CPU with AVX-512 (the run above was the AVX2 code)' }, () => {
        // Without NODE_TEST_CONTEXT, which would make the child report to this runner instead of printing.
        const { NODE_TEST_CONTEXT: _, ...env } = process.env;
        const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap', "--test-name-pattern=leanconv's", fileURLToPath(import.meta.url)], { encoding: 'utf8', env: { ...env, ONEDNN_MAX_CPU_ISA: 'AVX2' } });
        assert.equal(r.status, 0, r.stdout.split('\n').filter((l) => /not ok|Error|error:|\d !==/.test(l)).join('\n'));
        const passed = Number(/^# pass (\d+)/m.exec(r.stdout)?.[1]);
        assert.ok(passed >= 15, `${passed} tests passed`);
        assert.match(r.stdout, /^# fail 0$/m);
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
    // leanconv's own channels-last training kernel (engine nativeKernel) against libtorch's, on the same data.
    function runBatchNorm(useKernel, x0, g, affine, relu) {
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
            return { y, node, dx: x.grad, dw: weight?.grad, db: bias?.grad, runningMean, runningVar };
        }
        finally {
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
                    }
                    else {
                        assert.ok(maxAbsDiff(ours.dx, theirs.dx) < 1e-4, `${what}: input gradient`);
                    }
                    if (affine) {
                        assert.ok(maxAbsDiff(ours.dw, theirs.dw) < 1e-3 && maxAbsDiff(ours.db, theirs.db) < 1e-3, `${what}: weight and bias gradients`);
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
        assert.ok(maxAbsDiff(ours.dx.double(), x64.grad) < 1e-5);
        assert.ok(maxAbsDiff(ours.dw.double(), w64.grad) < 1e-5);
        assert.ok(maxAbsDiff(ours.db.double(), b64.grad) < 1e-5);
    });
    test("eval mode without gradients: leanconv's one-pass kernel gives libtorch's outputs", () => {
        for (const shape of [[3, 12, 5, 7], [4, 70, 3, 3]]) {
            lc.manualSeed(3);
            const c = shape[1];
            const x = lc.randn(shape).mul(3).add(5).contiguous('channelsLast');
            const runningMean = lc.randn([c]).add(5);
            const runningVar = lc.rand([c]).mul(9).add(0.5);
            for (const affine of [true, false]) {
                for (const relu of [false, true]) {
                    const options = { weight: affine ? lc.linspace(-1.5, 1.5, c) : undefined, bias: affine ? lc.linspace(-1, 1, c) : undefined, eps: 1e-3, relu };
                    const run = (useKernel) => {
                        const previous = lc.nativeKernel('channelsLastBatchNorm', useKernel);
                        try {
                            const before = lc.nativeKernelRuns('channelsLastBatchNorm');
                            const y = F.batchNorm(x, runningMean, runningVar, options);
                            return { y, ran: lc.nativeKernelRuns('channelsLastBatchNorm') - before };
                        }
                        finally {
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
        const cases = [
            ['NCHW', lc.randn([4, 3, 5, 5]), true],
            ['float64', lc.randn([4, 3, 5, 5], { dtype: 'float64' }).contiguous('channelsLast'), true],
            ['eval', lc.randn([4, 3, 5, 5]).contiguous('channelsLast'), false],
            ['1x1 map (both layouts agree)', lc.randn([4, 3, 1, 1]).contiguous('channelsLast'), true],
        ];
        for (const [what, x, training] of cases) {
            const y = F.batchNorm(x.detach().requiresGrad_(true), lc.zeros([3], { dtype: x.dtype }), lc.ones([3], { dtype: x.dtype }), { training });
            assert.doesNotMatch(y.gradFn ?? '', /ChannelsLastBatchNorm/, what);
        }
        assert.throws(() => lc.nativeKernel('fastConv'), /unknown kernel 'fastConv'/);
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
        const s = e[0] + e[1] + e[2];
        assertClose(F.softmax(x, 1), [[e[0] / s, e[1] / s, e[2] / s], [1 / 3, 1 / 3, 1 / 3]]);
        assertClose(F.softmax(x, 0).sum(0), [1, 1, 1]);
        assertClose(F.logSoftmax(x, -1), [[Math.log(e[0] / s), Math.log(e[1] / s), Math.log(e[2] / s)], [-Math.log(3), -Math.log(3), -Math.log(3)]]);
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
    const lse = (row) => Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
    const nll0 = lse([2, 1, 0]) - 2;
    const nll1 = lse([0, 0, 3]) - 3;
    test('cross-entropy with class indices, reductions and label smoothing', () => {
        assertClose(F.crossEntropy(logits, target), (nll0 + nll1) / 2, 1e-12);
        assertClose(F.crossEntropy(logits, target, { reduction: 'sum' }), nll0 + nll1, 1e-12);
        assertClose(F.crossEntropy(logits, target, { reduction: 'none' }), [nll0, nll1], 1e-12);
        // smoothing s: (1-s) * nll + s * mean over classes of -log p
        const s = 0.1;
        const meanNeg = (row) => row.reduce((acc, v) => acc + (lse(row) - v), 0) / 3;
        const expected = ((1 - s) * nll0 + s * meanNeg([2, 1, 0]) + (1 - s) * nll1 + s * meanNeg([0, 0, 3])) / 2;
        assertClose(F.crossEntropy(logits, target, { labelSmoothing: s }), expected, 1e-12);
        assert.throws(() => F.crossEntropy(logits, target, { labelSmoothing: 2 }), /labelSmoothing must be in \[0, 1\]/);
        // Off-target smoothing (HCGNet's ImageNet recipe): q = 1 - s on the target, s/(K-1) on each other class.
        const offTarget = (row, t) => row.reduce((acc, v, j) => acc + (j === t ? 1 - s : s / 2) * (lse(row) - v), 0);
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
        assert.deepEqual(gate.grad.toArray(), [1, 2, 3]);
        // the detached branch must not leak into the graph: a second backward through it is not needed
        assert.equal(out.gradFn, 'AddBackward0');
    });
});
//# sourceMappingURL=functional.test.js.map
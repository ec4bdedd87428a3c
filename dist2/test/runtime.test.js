import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import * as lc from '../src/engine/index.js';
describe('runtime', () => {
    test('a seed makes init, dropout and shuffling repeatable', () => {
        const draw = () => {
            lc.manualSeed(42);
            return [lc.randn([5]).toArray(), lc.F.dropout(lc.ones([20]), 0.5).toArray(), lc.randperm(10).toArray(), lc.rand([3]).toArray()];
        };
        const a = draw();
        assert.deepEqual(draw(), a);
        lc.manualSeed(43);
        assert.notDeepEqual(lc.randn([5]).toArray(), a[0]);
        lc.manualSeed(2n ** 63n);
    });
    test('the generator state saves and restores the random stream exactly', () => {
        lc.manualSeed(7);
        lc.randn([10]);
        const state = lc.getRngState();
        assert.ok(state instanceof Uint8Array && state.length > 100);
        const next = lc.randn([4]).toArray();
        lc.randn([100]);
        lc.setRngState(state);
        assert.deepEqual(lc.randn([4]).toArray(), next);
        assert.throws(() => lc.setRngState(new Uint8Array(3)), /setRngState: .*RNG state/i);
    });
    test('thread count is set from the available cores and can be changed', () => {
        assert.equal(lc.getNumThreads(), lc.defaultNumThreads());
        lc.setNumThreads(1);
        assert.equal(lc.getNumThreads(), 1);
        lc.setNumThreads(lc.defaultNumThreads());
        assert.throws(() => lc.setNumThreads(0), /positive integer/);
    });
    test('build facts name libtorch, BLAS, oneDNN, OpenMP and CUDA', () => {
        const info = lc.buildInfo();
        assert.match(info.torchVersion, /^\d+\.\d+\.\d+/);
        assert.equal(typeof info.mkldnn, 'boolean');
        assert.equal(typeof info.cuda, 'boolean');
        assert.equal(info.threads, lc.getNumThreads());
        assert.notEqual(info.blas, 'unknown', `BLAS not detected: ${info.blasPath}`);
        assert.match(info.config, /PyTorch built with/);
        assert.match(info.libtorchPath ?? '', /\/libtorch_cpu\.so/, 'the loaded libtorch is named');
        if (!info.cuda)
            assert.deepEqual([info.cudnn, info.cudaDevices], [false, 0]);
        assert.equal(info.gloo, true, 'built with Gloo (libgloo-dev): distributed training on CPU');
    });
});
describe('native kernel switches', () => {
    // Kernels that lost to oneDNN's AVX-512 code start off on such CPUs; their variables override that.
    const flags = (() => {
        try {
            return readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags')) ?? '';
        }
        catch {
            return '';
        }
    })();
    const has = (flag) => new RegExp(`\\b${flag}\\b`).test(flags);
    const switchIn = (kernel, variable, value, extra = {}) => {
        const env = { ...process.env, ...extra };
        if (value === undefined)
            delete env[variable];
        else
            env[variable] = value;
        const engine = new URL('../src/engine/index.js', import.meta.url).href;
        const r = spawnSync(process.execPath, ['--input-type=module', '-e', `import * as lc from '${engine}'; console.log(lc.nativeKernel('${kernel}'))`], { encoding: 'utf8', env });
        assert.equal(r.status, 0, r.stderr);
        return r.stdout.trim();
    };
    test('defaults follow the CPU (AVX-512: no dilated-conv kernel) and oneDNN\'s ISA cap; 0 and 1 force a kernel', { skip: process.arch !== 'x64' && 'x86-64 only' }, () => {
        const avx2 = has('avx2') && has('fma');
        const avx512Core = ['avx512f', 'avx512bw', 'avx512vl', 'avx512dq'].every(has);
        const cases = [
            ['winogradConv', 'LEANCONV_NATIVE_WINOGRAD_CONV', avx2],
            ['winogradConvTraining', 'LEANCONV_NATIVE_WINOGRAD_CONV_TRAINING', avx2],
            ['winogradLargeTiles', 'LEANCONV_NATIVE_WINOGRAD_LARGE_TILES', avx2],
            ['dilatedDepthwiseConv', 'LEANCONV_NATIVE_DILATED_CONV', !avx512Core],
            ['channelsLastBatchNorm', 'LEANCONV_NATIVE_BATCHNORM', true],
        ];
        for (const [kernel, variable, expected] of cases) {
            assert.equal(switchIn(kernel, variable, undefined), String(expected), `${kernel} by default`);
            assert.equal(switchIn(kernel, variable, '0'), 'false', `${variable}=0`);
            assert.equal(switchIn(kernel, variable, '1'), 'true', `${variable}=1`);
        }
        // oneDNN capped below AVX-512 caps leanconv's kernels too: the AVX2 defaults.
        const caps = [{ ONEDNN_MAX_CPU_ISA: 'AVX2' }, { DNNL_MAX_CPU_ISA: 'avx2_vnni' }];
        for (const cap of caps) {
            assert.equal(switchIn('dilatedDepthwiseConv', 'LEANCONV_NATIVE_DILATED_CONV', undefined, cap), 'true', JSON.stringify(cap));
        }
        const noCap = { ONEDNN_MAX_CPU_ISA: 'AVX512_CORE' };
        assert.equal(switchIn('dilatedDepthwiseConv', 'LEANCONV_NATIVE_DILATED_CONV', undefined, noCap), String(!avx512Core), 'AVX512_CORE');
    });
});
//# sourceMappingURL=runtime.test.js.map
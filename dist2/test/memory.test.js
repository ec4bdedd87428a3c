// A long training-like loop must not grow native memory: tensors freed by tidy, the allocator tuned
// against fragmentation, and nothing accumulating per step.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as lc from '../src/engine/index.js';
import { undisposedTensors } from './helpers.js';
const { F } = lc;
test('resident memory stays flat over thousands of training steps', () => {
    lc.manualSeed(0);
    const p = (shape) => lc.randn(shape).mul_(0.1).requiresGrad_();
    const params = { c1: p([16, 1, 3, 3]), c2: p([32, 16, 3, 3]), fc: p([10, 32 * 7 * 7]), g: lc.ones([16]).requiresGrad_(), b: lc.zeros([16]).requiresGrad_() };
    const runningMean = lc.zeros([16]);
    const runningVar = lc.ones([16]);
    const opt = new lc.SGD(Object.values(params), { lr: 0.01, momentum: 0.9, weightDecay: 5e-4 });
    const x = lc.randn([32, 1, 28, 28]);
    const y = lc.randint(0, 10, [32]);
    const step = () => lc.tidy(() => {
        let h = F.conv2d(x, params.c1, { padding: 1 });
        h = F.relu(F.batchNorm(h, runningMean, runningVar, { weight: params.g, bias: params.b, training: true }));
        h = F.maxPool2d(h, { kernelSize: 2 });
        h = F.maxPool2d(F.relu(F.conv2d(h, params.c2, { padding: 1 })), { kernelSize: 2 });
        const loss = F.crossEntropy(F.linear(h.flatten(1), params.fc), y, { labelSmoothing: 0.1 });
        opt.zeroGrad();
        loss.backward();
        opt.step();
        return loss.item();
    });
    const live = undisposedTensors();
    for (let i = 0; i < 300; i++)
        step(); // warm-up: allocator pools, autograd buffers, optimizer state
    const warm = process.memoryUsage().rss;
    const liveWarm = undisposedTensors();
    let peak = warm;
    for (let i = 0; i < 2700; i++) {
        step();
        if (i % 100 === 0)
            peak = Math.max(peak, process.memoryUsage().rss);
        if (process.env.LEANCONV_TRACE_RSS && i % 300 === 0)
            console.log(`step ${i}: rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(1)} MB`);
    }
    const end = process.memoryUsage().rss;
    const mb = (n) => (n / 2 ** 20).toFixed(1);
    console.log(`rss after warm-up ${mb(warm)} MB, end ${mb(end)} MB, peak ${mb(peak)} MB`);
    assert.equal(undisposedTensors(), liveWarm, 'tensor handles leaked per step');
    assert.ok(liveWarm - live <= 5, `optimizer state only: ${liveWarm - live} new handles`);
    assert.ok(peak - warm < 20 * 2 ** 20, `RSS grew by ${mb(peak - warm)} MB over 2700 steps`);
});
test('the garbage collector frees tensors nobody disposed, even inside a synchronous loop', () => {
    // 2000 x 4 MiB = 8 GB if nothing were freed before the loop ends. Native bytes are reported to V8 and
    // the finalizers run during collection, so memory is reclaimed without yielding to the event loop.
    const start = process.memoryUsage().rss;
    const collectedBefore = lc.memoryStats().collectedTensors;
    const undisposedBefore = undisposedTensors();
    let peak = start;
    for (let i = 0; i < 2000; i++) {
        lc.zeros([1024, 1024]);
        if (i % 50 === 0)
            peak = Math.max(peak, process.memoryUsage().rss);
    }
    console.log(`undisposed 4 MiB tensors: rss peak ${((peak - start) / 2 ** 20).toFixed(0)} MB above start`);
    // The README cites 76-128 MB measured; 256 MB leaves headroom for a noisy machine, and fails long before 8 GB.
    assert.ok(peak - start < 256 * 2 ** 20, `RSS rose ${((peak - start) / 2 ** 20).toFixed(0)} MB`);
    // The collector's frees are counted as such, and the leak count stays exact however many it freed.
    assert.ok(lc.memoryStats().collectedTensors - collectedBefore > 1000, 'most of the forgotten tensors were collected');
    assert.equal(undisposedTensors() - undisposedBefore, 2000);
});
test('varying batch sizes do not fragment memory: the caching allocator bounds it', () => {
    assert.equal(lc.allocatorStats().caching, true);
    const w = lc.randn([32, 16, 3, 3]).requiresGrad_();
    const step = (batch) => lc.tidy(() => {
        const y = lc.F.conv2d(lc.randn([batch, 16, 24, 24]), w, { padding: 1 });
        y.square().mean().backward();
        w.grad = undefined;
    });
    for (let i = 0; i < 200; i++)
        step(16 + ((i * 37) % 112));
    const warm = process.memoryUsage().rss;
    let peak = warm;
    for (let i = 0; i < 1000; i++) {
        step(16 + ((i * 53) % 112));
        if (i % 50 === 0)
            peak = Math.max(peak, process.memoryUsage().rss);
    }
    const stats = lc.allocatorStats();
    console.log(`varying batches: rss ${(warm / 2 ** 20).toFixed(0)} -> peak ${(peak / 2 ** 20).toFixed(0)} MB, cache ${(stats.cachedBytes / 2 ** 20).toFixed(0)} MB`);
    assert.ok(stats.cachedBytes <= stats.cacheLimitBytes);
    assert.ok(peak - warm < 64 * 2 ** 20, `RSS grew ${((peak - warm) / 2 ** 20).toFixed(0)} MB after warm-up`);
    lc.emptyCache();
    assert.equal(lc.allocatorStats().cachedBytes, 0);
});
test('a repeated step that needs blocks of different sizes at different times stops mapping memory', () => {
    // Blocks are reused by exact size. A step that frees a large block and then needs a smaller one holds
    // both sizes' blocks at different times: with the cache bounded by the peak bytes in use, one of them
    // was given back and mapped again on every step (page faults each time). Untouched empty tensors map
    // address space without faulting pages in, so the sizes can exceed the 1 GiB floor cheaply.
    const GiB = 2 ** 30;
    const step = () => {
        lc.empty([(1.25 * GiB) / 4]).dispose();
        lc.empty([(0.25 * GiB) / 4]).dispose();
    };
    step();
    step();
    const before = lc.allocatorStats();
    for (let i = 0; i < 5; i++)
        step();
    const after = lc.allocatorStats();
    console.log(`alternating 1.25/0.25 GiB: mapped ${after.mappedBlocks - before.mappedBlocks}, unmapped ${after.unmappedBlocks - before.unmappedBlocks} blocks in 5 steps; cache limit ${(after.cacheLimitBytes / GiB).toFixed(2)} GiB`);
    assert.equal(after.mappedBlocks - before.mappedBlocks, 0, 'every block came from the cache');
    assert.equal(after.unmappedBlocks - before.unmappedBlocks, 0);
    // The cache may exceed the peak in use, but by at most 30% of it.
    assert.ok(after.cacheLimitBytes <= Math.max(GiB, 1.3 * after.peakInUseBytes));
    assert.ok(after.cachedBytes <= after.cacheLimitBytes);
    // A new phase (the trainer starts one before and after each evaluation) forgets these sizes:
    // the bound falls back to the 1 GiB floor and the cache gives back what is above it.
    lc.startAllocatorPhase();
    const phase = lc.allocatorStats();
    assert.equal(phase.cacheLimitBytes, GiB);
    assert.ok(phase.cachedBytes <= GiB, `cached ${phase.cachedBytes} bytes after a new phase`);
    assert.ok(phase.unmappedBlocks > after.unmappedBlocks, 'blocks above the floor were given back');
    lc.emptyCache();
});
test('disposed memory that will be needed again does not make V8 collect: the collector stays out of the loop', async () => {
    // A training step's activations rise and fall. Reporting the fall at once made every next rise a
    // "growth" that triggered a full collection; now V8 only hears about growth past what it knows.
    const { PerformanceObserver, constants } = await import('node:perf_hooks');
    let major = 0;
    const observer = new PerformanceObserver((list) => {
        for (const e of list.getEntries())
            if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)
                major++;
    });
    observer.observe({ entryTypes: ['gc'] });
    const before = lc.memoryStats().reportedBytes;
    for (let step = 0; step < 30; step++) {
        // 30 "steps" of 96 MiB of activations, all disposed: 2.9 GB of rises and falls in all.
        lc.tidy(() => {
            for (let i = 0; i < 24; i++)
                lc.zeros([1024, 1024]);
        });
    }
    const reported = lc.memoryStats().reportedBytes;
    await new Promise((r) => setTimeout(r, 50)); // gc entries are delivered asynchronously
    observer.disconnect();
    console.log(`30 x 96 MiB allocated and disposed: ${major} major collections; V8 told of ${((reported - before) / 2 ** 20).toFixed(0)} MiB more`);
    assert.ok(major <= 5, `${major} major collections (reporting every change: 23 here)`);
    assert.ok(reported - before <= 100 * 2 ** 20, 'at most the peak was reported, not each rise');
});
//# sourceMappingURL=memory.test.js.map
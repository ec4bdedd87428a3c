// One measurement pass of the engine benchmark (bench/engine.ts runs it interleaved with PyTorch).
// Prints one JSON object: case name -> milliseconds (median of the timed repetitions).
import { readFileSync } from 'node:fs';
import * as lc from '../src/engine/index.js';
const { F } = lc;
const cases = JSON.parse(readFileSync(new URL('../../bench/engine-cases.json', import.meta.url), 'utf8'));
const reps = Number(process.env.BENCH_REPS ?? 10);
function time(fn, warmup = 3) {
    for (let i = 0; i < warmup; i++)
        fn();
    const samples = [];
    for (let i = 0; i < reps; i++) {
        const t = process.hrtime.bigint();
        fn();
        samples.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    samples.sort((a, b) => a - b);
    return samples[Math.floor(samples.length / 2)];
}
const results = {};
lc.manualSeed(0);
for (const c of cases.conv) {
    const x = lc.randn([c.batch, c.cin, c.size, c.size]).requiresGrad_();
    const w = lc.randn([c.cout, c.cin, 3, 3]).requiresGrad_();
    results[`${c.name} fwd`] = time(() => lc.noGrad(() => lc.tidy(() => { F.conv2d(x, w, { stride: c.stride, padding: 1 }); })));
    results[`${c.name} fwd+bwd`] = time(() => lc.tidy(() => {
        F.conv2d(x, w, { stride: c.stride, padding: 1 }).sum().backward();
        x.grad = undefined;
        w.grad = undefined;
    }));
}
const params = [];
const conv = (cout, cin, k) => {
    const w = lc.randn([cout, cin, k, k]).mul_(Math.sqrt(2 / (cin * k * k))).requiresGrad_();
    params.push(w);
    return w;
};
const bn = (c) => {
    const g = lc.ones([c]).requiresGrad_();
    const b = lc.zeros([c]).requiresGrad_();
    params.push(g, b);
    return { g, b, m: lc.zeros([c]), v: lc.ones([c]) };
};
const bnF = (x, p) => F.batchNorm(x, p.m, p.v, { weight: p.g, bias: p.b, training: true });
const stem = { w: conv(16, 3, 3), bn: bn(16) };
const blocks = [];
let cin = 16;
for (const [stage, width] of [16, 32, 64].entries()) {
    for (let i = 0; i < 3; i++) {
        const stride = stage > 0 && i === 0 ? 2 : 1;
        const block = { w1: conv(width, cin, 3), b1: bn(width), w2: conv(width, width, 3), b2: bn(width), stride,
            proj: stride !== 1 || cin !== width ? { w: conv(width, cin, 1), bn: bn(width) } : undefined };
        blocks.push(block);
        cin = width;
    }
}
const fcW = lc.randn([10, 64]).mul_(0.1).requiresGrad_();
const fcB = lc.zeros([10]).requiresGrad_();
params.push(fcW, fcB);
// Applies f and releases the input: intermediates are freed as soon as they are consumed, as Python's
// reference counting does, so memory is reused while it is still in cache. (Autograd keeps whatever it
// needs for backward; disposing a handle never frees storage the graph still references.)
const then = (x, f) => {
    const y = f(x);
    x.dispose();
    return y;
};
function resnet20(x) {
    let h = then(then(F.conv2d(x, stem.w, { padding: 1 }), (t) => bnF(t, stem.bn)), F.relu);
    for (const b of blocks) {
        let out = then(F.conv2d(h, b.w1, { stride: b.stride, padding: 1 }), (t) => bnF(t, b.b1));
        out = then(then(then(out, F.relu), (t) => F.conv2d(t, b.w2, { padding: 1 })), (t) => bnF(t, b.b2));
        const shortcut = b.proj ? then(F.conv2d(h, b.proj.w, { stride: b.stride }), (t) => bnF(t, b.proj.bn)) : h;
        const sum = out.add(shortcut);
        out.dispose();
        shortcut.dispose();
        if (shortcut !== h)
            h.dispose();
        h = then(sum, F.relu);
    }
    return then(then(then(h, (t) => F.adaptiveAvgPool2d(t, 1)), (t) => t.flatten(1)), (t) => F.linear(t, fcW, fcB));
}
const opt = new lc.SGD(params, { lr: 0.1, momentum: 0.9, weightDecay: 1e-4 });
const images = lc.randn([cases.resnet.batch, 3, 32, 32]);
const labels = lc.randint(0, 10, [cases.resnet.batch]);
results[cases.resnet.name] = time(() => lc.tidy(() => {
    opt.zeroGrad();
    F.crossEntropy(resnet20(images), labels).backward();
    opt.step();
}));
results['ResNet-20 inference bs128'] = time(() => lc.noGrad(() => lc.tidy(() => { resnet20(images); })));
// Per-op overhead: a tiny op where the call path dominates the arithmetic, in three patterns. "freed at
// once" is what a loop that disposes (or PyTorch's refcount) does; "20,000 alive" keeps every result until
// the end (one tidy around the loop; a Python list), where allocation and freeing no longer stay in cache;
// the in-place op allocates nothing, so it is the call itself.
const a = lc.ones([1]);
const b = lc.ones([1]);
const n = 20000;
results['per-op overhead (us): add 1-element, freed at once'] = time(() => { for (let i = 0; i < n; i++)
    a.add(b).dispose(); }) * 1000 / n;
results['per-op overhead (us): add 1-element, 20,000 alive'] = time(() => lc.tidy(() => { for (let i = 0; i < n; i++)
    a.add(b); })) * 1000 / n;
results['per-op overhead (us): add_ 1-element, in place'] = time(() => { for (let i = 0; i < n; i++)
    a.add_(b); }) * 1000 / n;
console.log(JSON.stringify(results));
//# sourceMappingURL=engine-worker.js.map
// Allocator benchmark: a conv-net training loop whose batch size varies from step to step (as with a last
// partial batch or interleaved evaluation), run under three allocator settings in separate processes:
//   caching  - leanconv's caching allocator (the default)
//   mmap128k - libtorch's allocator with glibc's mmap threshold fixed at 128 KiB
//   glibc    - libtorch's allocator with glibc's default (dynamic) threshold
// Reports ms/step and RSS after each 300 steps.  npm run build && node dist/bench/allocator.js [--steps 1500]
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
const { values: args } = parseArgs({ options: { steps: { type: 'string', default: '1500' }, worker: { type: 'boolean', default: false } } });
const steps = Number(args.steps);
if (args.worker) {
    const lc = await import('../src/engine/index.js');
    const { F } = lc;
    lc.manualSeed(0);
    const p = (s) => lc.randn(s).mul_(0.1).requiresGrad_();
    const w = { c1: p([32, 1, 3, 3]), c2: p([64, 32, 3, 3]), fc: p([10, 64 * 7 * 7]) };
    const opt = new lc.SGD(Object.values(w), { lr: 0.01, momentum: 0.9 });
    const data = lc.randn([6000, 1, 28, 28]);
    const labels = lc.randint(0, 10, [6000]);
    const rss = [];
    const start = process.hrtime.bigint();
    for (let i = 0; i < steps; i++) {
        lc.tidy(() => {
            const idx = lc.randint(0, 6000, [64 + ((i * 37) % 128)]);
            let h = F.maxPool2d(F.relu(F.conv2d(data.indexSelect(0, idx), w.c1, { padding: 1 })), { kernelSize: 2 });
            h = F.maxPool2d(F.relu(F.conv2d(h, w.c2, { padding: 1 })), { kernelSize: 2 });
            const loss = F.crossEntropy(F.linear(h.flatten(1), w.fc), labels.indexSelect(0, idx));
            opt.zeroGrad();
            loss.backward();
            opt.step();
        });
        if ((i + 1) % 300 === 0)
            rss.push(Math.round(process.memoryUsage().rss / 2 ** 20));
    }
    const msPerStep = Number(process.hrtime.bigint() - start) / 1e6 / steps;
    console.log(JSON.stringify({ msPerStep, rss }));
}
else {
    const settings = {
        caching: {},
        mmap128k: { LEANCONV_ALLOCATOR: 'system', LEANCONV_MMAP_THRESHOLD: String(128 * 1024) },
        glibc: { LEANCONV_ALLOCATOR: 'system', LEANCONV_MMAP_THRESHOLD: '0' },
    };
    const lines = [
        '# Allocator benchmark: conv-net training with a varying batch size (64..191)',
        '',
        `Command: \`node dist/bench/allocator.js --steps ${steps}\`; ${new Date().toISOString()}`,
        '',
        '| allocator | ms/step | RSS (MB) after every 300 steps |',
        '|---|---:|---|',
    ];
    for (const [name, env] of Object.entries(settings)) {
        const out = execFileSync(process.execPath, [new URL(import.meta.url).pathname, '--worker', '--steps', String(steps)], {
            env: { ...process.env, ...env }, encoding: 'utf8',
        });
        const r = JSON.parse(out);
        lines.push(`| ${name} | ${r.msPerStep.toFixed(1)} | ${r.rss.join(', ')} |`);
        process.stderr.write(`${lines[lines.length - 1]}\n`);
    }
    mkdirSync(new URL('../../bench/results/', import.meta.url), { recursive: true });
    writeFileSync(new URL('../../bench/results/allocator.md', import.meta.url), `${lines.join('\n')}\n`);
    console.log(lines.join('\n'));
}
//# sourceMappingURL=allocator.js.map
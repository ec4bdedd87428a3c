// Training benchmark: images/s of training steps and inference at CIFAR size (Cifar-quick, ResNet-20/56 by
// default; condensenet86, hcgnet_a1 and the +acb forms on request), leanconv vs PyTorch eager (Debian
// python3-torch, same libtorch) in its default layout and in channels-last, same threads and batch.
// Every (model, framework) runs in its own process so peak RSS is its own; runs alternate between the
// frameworks over several rounds (the machines are shared and noisy) and the table shows medians.
//   npm run bench:train -- [--rounds 5] [--batch 128] [--threads N] [--steps 10] [--warmup 3]
// Writes bench/results/<out>.md and <out>.json (--out, default train). Needs: apt-get install python3-torch.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { buildInfo, defaultNumThreads } from '../src/engine/index.js';
const { values: args } = parseArgs({
    options: {
        rounds: { type: 'string', default: '5' }, batch: { type: 'string', default: '128' }, threads: { type: 'string' },
        steps: { type: 'string', default: '10' }, warmup: { type: 'string', default: '3' }, models: { type: 'string', default: 'cifar_quick,resnet20,resnet56' },
        out: { type: 'string', default: 'train' },
    },
});
const rounds = Number(args.rounds);
const threads = Number(args.threads ?? defaultNumThreads());
const models = args.models.split(',');
const root = new URL('../../', import.meta.url).pathname;
const env = { ...process.env, LEANCONV_THREADS: String(threads), BENCH_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
const argv = (m) => [m, args.batch, args.warmup, args.steps];
// leanconv runs as users get it (layout 'auto'); PyTorch runs with its defaults (NCHW) and with
// channels-last applied by hand (model and input .to(memory_format=torch.channels_last)).
const FRAMEWORKS = ['leanconv', 'torch', 'torchCl'];
const runs = Object.fromEntries(models.map((m) => [m, { leanconv: [], torch: [], torchCl: [] }]));
const run = (fw, m) => JSON.parse(fw === 'leanconv'
    ? execFileSync(process.execPath, [`${root}dist/bench/train-worker.js`, ...argv(m)], { env, encoding: 'utf8' })
    : execFileSync('/usr/bin/python3', [`${root}bench/train_torch.py`, ...argv(fw === 'torchCl' ? `${m}+cl` : m)], { env, encoding: 'utf8' }));
for (let r = 0; r < rounds; r++) {
    for (const m of models) {
        // Rotate the order so no framework always runs first (or right after another's process).
        const order = FRAMEWORKS.map((_, i) => FRAMEWORKS[(i + r) % FRAMEWORKS.length]);
        for (const fw of order)
            runs[m][fw].push(run(fw, m));
    }
    process.stderr.write(`round ${r + 1}/${rounds} done\n`);
}
const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const batch = Number(args.batch);
const rows = models.map((m) => {
    const pick = (fw) => {
        const med = (k) => median(runs[m][fw].map((x) => x[k]));
        return { train: (1000 * batch) / med('train_ms'), infer: (1000 * batch) / med('infer_ms'), rss: med('peak_rss_mb') };
    };
    const [ours, torch, torchCl] = [pick('leanconv'), pick('torch'), pick('torchCl')];
    return {
        model: m, leanconv: ours, torch, torchCl,
        trainRatio: ours.train / torch.train, trainRatioCl: ours.train / torchCl.train, inferRatio: ours.infer / torch.infer, inferRatioCl: ours.infer / torchCl.infer,
    };
});
const info = buildInfo();
const f = (v) => v.toFixed(0);
const x = (v) => v.toFixed(2);
const table = [
    '# Training benchmark: leanconv vs PyTorch eager (same libtorch)',
    '',
    // An ISA cap (ONEDNN_MAX_CPU_ISA=AVX2: what an AVX2 machine runs, for both frameworks) is part of the command.
    `Command: \`${process.env.ONEDNN_MAX_CPU_ISA ? `ONEDNN_MAX_CPU_ISA=${process.env.ONEDNN_MAX_CPU_ISA} ` : ''}npm run bench:train -- --rounds ${rounds} --batch ${batch} --threads ${threads} --steps ${args.steps} --warmup ${args.warmup} --models ${models.join(',')} --out ${args.out}\``,
    `Date: ${new Date().toISOString()}; CPU: ${cpus()[0]?.model} x ${cpus().length}; libtorch ${info.torchVersion}; BLAS: ${info.blas}; threads: ${threads}; input 3x32x32, batch ${batch}.`,
    `Each cell: median over ${rounds} rounds (one process per model and framework, order rotated each round) of the median of ${args.steps} timed steps after ${args.warmup} warm-up steps.`,
    'A training step is forward + cross-entropy + backward + SGD (momentum) update; inference is an eval-mode forward without gradients.',
    "leanconv runs with its defaults (layout 'auto': channels-last for conv models; eval-mode BN folding). PyTorch: defaults (NCHW), and channels-last by hand (CL).",
    'Ratio = leanconv img/s / PyTorch img/s (>= 1.0: leanconv at least as fast).',
    '',
    '| model | train leanconv | train PyTorch | train PyTorch CL | ratio | ratio vs CL | infer leanconv | infer PyTorch | infer PyTorch CL | ratio | ratio vs CL | peak RSS leanconv | peak RSS PyTorch |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.model} | ${f(r.leanconv.train)} | ${f(r.torch.train)} | ${f(r.torchCl.train)} | ${x(r.trainRatio)} | ${x(r.trainRatioCl)} | ` +
        `${f(r.leanconv.infer)} | ${f(r.torch.infer)} | ${f(r.torchCl.infer)} | ${x(r.inferRatio)} | ${x(r.inferRatioCl)} | ${f(r.leanconv.rss)} MB | ${f(r.torch.rss)} MB |`),
    '',
    'img/s in every throughput column.',
    '',
];
mkdirSync(`${root}bench/results`, { recursive: true });
writeFileSync(`${root}bench/results/${args.out}.md`, table.join('\n'));
writeFileSync(`${root}bench/results/${args.out}.json`, JSON.stringify({ threads, rounds, batch, runs, rows }, null, 2));
console.log(table.join('\n'));
//# sourceMappingURL=train.js.map
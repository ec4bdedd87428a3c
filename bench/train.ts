// Training benchmark: images/s of training steps and inference at CIFAR size (Cifar-quick, ResNet-20/56 by
// default; condensenet86 and condensenet86+cl, channels-last in both frameworks, on request), leanconv vs
// PyTorch eager (Debian python3-torch, same libtorch), same threads and batch.
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
const models = args.models!.split(',');
const root = new URL('../../', import.meta.url).pathname;
const env = { ...process.env, LEANCONV_THREADS: String(threads), BENCH_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
const argv = (m: string) => [m, args.batch!, args.warmup!, args.steps!];

interface Run { train_ms: number; infer_ms: number; peak_rss_mb: number }
const runs: Record<string, { leanconv: Run[]; torch: Run[] }> = Object.fromEntries(models.map((m) => [m, { leanconv: [], torch: [] }]));
const run = (fw: 'leanconv' | 'torch', m: string): Run => JSON.parse(fw === 'leanconv'
  ? execFileSync(process.execPath, [`${root}dist/bench/train-worker.js`, ...argv(m)], { env, encoding: 'utf8' })
  : execFileSync('/usr/bin/python3', [`${root}bench/train_torch.py`, ...argv(m)], { env, encoding: 'utf8' })) as Run;

for (let r = 0; r < rounds; r++) {
  for (const m of models) {
    const order: ('leanconv' | 'torch')[] = r % 2 === 0 ? ['leanconv', 'torch'] : ['torch', 'leanconv'];
    for (const fw of order) runs[m]![fw].push(run(fw, m));
  }
  process.stderr.write(`round ${r + 1}/${rounds} done\n`);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const batch = Number(args.batch);
const rows = models.map((m) => {
  const pick = (fw: 'leanconv' | 'torch', k: keyof Run) => median(runs[m]![fw].map((x) => x[k]));
  const ours = { train: (1000 * batch) / pick('leanconv', 'train_ms'), infer: (1000 * batch) / pick('leanconv', 'infer_ms'), rss: pick('leanconv', 'peak_rss_mb') };
  const theirs = { train: (1000 * batch) / pick('torch', 'train_ms'), infer: (1000 * batch) / pick('torch', 'infer_ms'), rss: pick('torch', 'peak_rss_mb') };
  return { model: m, leanconv: ours, torch: theirs, trainRatio: ours.train / theirs.train, inferRatio: ours.infer / theirs.infer };
});

const info = buildInfo();
const f = (v: number) => v.toFixed(0);
const table = [
  '# Training benchmark: leanconv vs PyTorch eager (same libtorch)',
  '',
  `Command: \`npm run bench:train -- --rounds ${rounds} --batch ${batch} --threads ${threads} --steps ${args.steps} --warmup ${args.warmup} --models ${models.join(',')} --out ${args.out}\``,
  `Date: ${new Date().toISOString()}; CPU: ${cpus()[0]?.model} x ${cpus().length}; libtorch ${info.torchVersion}; BLAS: ${info.blas}; threads: ${threads}; input 3x32x32, batch ${batch}.`,
  `Each cell: median over ${rounds} interleaved rounds (one process per model and framework) of the median of ${args.steps} timed steps after ${args.warmup} warm-up steps.`,
  'A training step is forward + cross-entropy + backward + SGD (momentum) update. Ratio = leanconv img/s / PyTorch img/s (>= 1.0: leanconv at least as fast).',
  '',
  '| model | train img/s leanconv | train img/s PyTorch | train ratio | infer img/s leanconv | infer img/s PyTorch | infer ratio | peak RSS leanconv | peak RSS PyTorch |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.model} | ${f(r.leanconv.train)} | ${f(r.torch.train)} | ${r.trainRatio.toFixed(2)} | ${f(r.leanconv.infer)} | ${f(r.torch.infer)} | ${r.inferRatio.toFixed(2)} | ${f(r.leanconv.rss)} MB | ${f(r.torch.rss)} MB |`),
  '',
  // A '+cl' row runs both frameworks in channels-last; against the plain row's PyTorch it shows what
  // leanconv's --channels-last gains over the reference code as its users run it (NCHW).
  ...rows.filter((r) => r.model.endsWith('+cl') && rows.some((p) => p.model === r.model.slice(0, -3))).map((r) => {
    const plain = rows.find((p) => p.model === r.model.slice(0, -3))!;
    return `${r.model.slice(0, -3)}: leanconv channels-last vs PyTorch default layout: training ${(r.leanconv.train / plain.torch.train).toFixed(2)}x, inference ${(r.leanconv.infer / plain.torch.infer).toFixed(2)}x.`;
  }),
  '',
];
mkdirSync(`${root}bench/results`, { recursive: true });
writeFileSync(`${root}bench/results/${args.out}.md`, table.join('\n'));
writeFileSync(`${root}bench/results/${args.out}.json`, JSON.stringify({ threads, rounds, batch, runs, rows }, null, 2));
console.log(table.join('\n'));

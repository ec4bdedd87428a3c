// Engine benchmark: leanconv vs PyTorch eager (Debian python3-torch: the same libtorch 1.13) on conv2d
// forward / forward+backward at CIFAR shapes, a ResNet-20 training step, and per-op call overhead.
// Runs alternate between the two in separate processes (the machines are shared and noisy), each
// process reports per-case medians, and the table shows the median over rounds.
//   npm run bench:engine -- [--rounds 5] [--threads N] [--reps 10]
// Writes bench/results/engine.md and engine.json. Needs: apt-get install python3-torch.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { buildInfo, defaultNumThreads } from '../src/engine/index.js';
import { median } from './common.js';
const { values: args } = parseArgs({
    options: { rounds: { type: 'string', default: '5' }, threads: { type: 'string' }, reps: { type: 'string', default: '10' } },
});
const rounds = Number(args.rounds);
const threads = Number(args.threads ?? defaultNumThreads());
const root = new URL('../../', import.meta.url).pathname;
const env = { ...process.env, LEANCONV_THREADS: String(threads), BENCH_THREADS: String(threads), BENCH_REPS: args.reps, OMP_NUM_THREADS: String(threads) };
const runs = { leanconv: [], torch: [] };
const runLeanconv = () => JSON.parse(execFileSync(process.execPath, [`${root}dist/bench/engine-worker.js`], { env, encoding: 'utf8' }));
const runTorch = () => JSON.parse(execFileSync('/usr/bin/python3', [`${root}bench/engine_torch.py`], { env, encoding: 'utf8' }));
for (let r = 0; r < rounds; r++) {
    // alternate which goes first so neither always runs on a warmer (or busier) machine
    if (r % 2 === 0) {
        runs.leanconv.push(runLeanconv());
        runs.torch.push(runTorch());
    }
    else {
        runs.torch.push(runTorch());
        runs.leanconv.push(runLeanconv());
    }
    process.stderr.write(`round ${r + 1}/${rounds} done\n`);
}
const names = Object.keys(runs.leanconv[0]);
const rows = names.map((name) => {
    const ours = median(runs.leanconv.map((r) => r[name]));
    const theirs = median(runs.torch.map((r) => r[name]));
    return { name, leanconv: ours, torch: theirs, ratio: theirs / ours };
});
const info = buildInfo();
const unit = (name) => (name.startsWith('per-op') ? 'us' : 'ms');
const table = [
    `# Engine benchmark: leanconv vs PyTorch eager (same libtorch)`,
    '',
    `Command: \`npm run bench:engine -- --rounds ${rounds} --threads ${threads} --reps ${args.reps}\``,
    `Date: ${new Date().toISOString()}; CPU: ${cpus()[0]?.model} x ${cpus().length}; libtorch ${info.torchVersion}; BLAS: ${info.blas}; threads: ${threads}.`,
    `Each cell is the median over ${rounds} interleaved rounds of per-process medians of ${args.reps} timed repetitions.`,
    `Ratio = PyTorch time / leanconv time: >= 1.0 means leanconv is at least as fast.`,
    '',
    '| case | leanconv | PyTorch | ratio |',
    '|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.name} | ${r.leanconv.toFixed(r.leanconv < 1 ? 3 : 2)} ${unit(r.name)} | ${r.torch.toFixed(r.torch < 1 ? 3 : 2)} ${unit(r.name)} | ${r.ratio.toFixed(2)} |`),
    '',
];
mkdirSync(`${root}bench/results`, { recursive: true });
writeFileSync(`${root}bench/results/engine.md`, table.join('\n'));
writeFileSync(`${root}bench/results/engine.json`, JSON.stringify({ threads, rounds, runs, rows }, null, 2));
console.log(table.join('\n'));
//# sourceMappingURL=engine.js.map
// Data-parallel training on one machine: `leanconv train` with 1 process using every core, against
// `--nproc N` processes splitting the cores (and the global batch), with and without SyncBatchNorm. On
// a machine with few cores this measures the cost of data parallelism (gradient all-reduce, buffer
// broadcasts, SyncBN's extra collectives, N processes' overhead), not a speed-up: the cores are the same.
// Rounds interleave the variants; medians of the second epoch's training images/s (the first warms up).
//
// node dist/bench/distributed.js [--models cifar_quick,resnet20] [--rounds 3] [--nproc 2] [--subset 2048] [--batch 64]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from './common.js';
const here = dirname(fileURLToPath(import.meta.url));
const CLI = join(here, '..', 'src', 'cli', 'main.js');
const { values } = parseArgs({
    options: {
        models: { type: 'string', default: 'cifar_quick,resnet20' },
        rounds: { type: 'string', default: '3' },
        nproc: { type: 'string', default: '2' },
        subset: { type: 'string', default: '2048' },
        batch: { type: 'string', default: '64' },
        out: { type: 'string', default: 'distributed' },
    },
});
const models = values.models.split(',');
const rounds = Number(values.rounds);
const nproc = Number(values.nproc);
const cores = availableParallelism();
const variants = [
    { name: `1 process x ${cores} threads`, args: [], threads: cores },
    { name: `${nproc} processes x ${Math.max(1, Math.floor(cores / nproc))} threads`, args: ['--nproc', String(nproc)], threads: Math.max(1, Math.floor(cores / nproc)) },
    { name: `${nproc} processes, SyncBN`, args: ['--nproc', String(nproc), '--sync-bn'], threads: Math.max(1, Math.floor(cores / nproc)) },
];
const scratch = mkdtempSync(join(tmpdir(), 'leanconv-bench-dist-'));
let runId = 0;
function trainImagesPerSecond(model, variant) {
    const runName = `r${runId++}`;
    const args = [CLI, 'train', '-m', model, '--train-subset', values.subset, '-e', '2', '--eval-every', '2', '-b', values.batch, '--no-augment',
        '--out-dir', scratch, '--run-name', runName, '-q', ...variant.args];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, LEANCONV_THREADS: String(variant.threads) } });
    if (r.status !== 0)
        throw new Error(`${variant.name} failed:\n${r.stderr}`);
    const lines = readFileSync(join(scratch, runName, 'log.jsonl'), 'utf8').trim().split('\n');
    return JSON.parse(lines[1]).imagesPerSecond;
}
const rows = [];
for (const model of models) {
    const samples = variants.map(() => []);
    for (let round = 0; round < rounds; round++) {
        for (const [i, v] of variants.entries())
            samples[i].push(trainImagesPerSecond(model, v));
        process.stderr.write(`${model}: round ${round + 1}/${rounds}\n`);
    }
    const medians = samples.map(median);
    for (const [i, v] of variants.entries()) {
        rows.push(`| ${model} | ${v.name} | ${medians[i].toFixed(0)} | ${(medians[i] / medians[0]).toFixed(2)} | ${samples[i].map((s) => s.toFixed(0)).join(', ')} |`);
    }
}
const command = `node dist/bench/distributed.js --models ${values.models} --rounds ${rounds} --nproc ${nproc} --subset ${values.subset} --batch ${values.batch}`;
const report = [
    `# Data-parallel training on one machine`, '',
    `\`${command}\` on ${cores} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${new Date().toISOString().slice(0, 10)}.`,
    `Training images/s of epoch 2 (global batch ${values.batch}, ${values.subset} Fashion-MNIST images, no augmentation); medians of ${rounds} interleaved rounds.`, '',
    '| model | variant | img/s | vs 1 process | rounds |', '|---|---|---:|---:|---|', ...rows, '',
].join('\n');
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/${values.out}.md`;
writeFileSync(file, report);
process.stdout.write(`${report}\nwritten to ${file}\n`);
//# sourceMappingURL=distributed.js.map
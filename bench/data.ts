// The image pipeline on real photos: leanconv's DataLoader over an image folder against torchvision's ImageFolder +
// DataLoader with Pillow (Debian's python3-torchvision, bench/data_torch.py) on the same files, same transforms, batch
// size and worker count. Rounds interleave the variants; medians. Then the loader's share of a ResNet-18 training
// step at 224 (the data wait `leanconv train` reports, and the loader's CPU time per batch against the step's).
//
// npm run bench:data -- [--dir DIR] [--per-class 250] [--rounds 5] [--batch 50] [--workers 2] [--out data]
// Without --dir it makes the folder with bench/make_photos.py (sudo apt-get install plasma-workspace-wallpapers).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import '../src/papers/index.js';
import { DataLoader, loadImageFolder, type TransformSpec } from '../src/data/index.js';
import { median } from './common.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const CLI = join(here, '..', 'src', 'cli', 'main.js');
const PYTHON = '/usr/bin/python3';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    'per-class': { type: 'string', default: '250' },
    rounds: { type: 'string', default: '5' },
    batch: { type: 'string', default: '50' },
    workers: { type: 'string', default: '2' },
    'train-steps': { type: 'string', default: '8' },
    out: { type: 'string', default: 'data' },
  },
});
const rounds = Number(values.rounds);
const batch = Number(values.batch);
const workers = Number(values.workers);

const scratch = mkdtempSync(join(tmpdir(), 'leanconv-bench-data-'));
const dir = values.dir ?? join(scratch, 'photos');
if (values.dir === undefined) {
  const made = spawnSync(PYTHON, [join(root, 'bench', 'make_photos.py'), dir, '--per-class', values['per-class']!], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`bench/make_photos.py failed:\n${made.stderr}`);
}
const dataset = loadImageFolder(dir);

const NORMALIZE: TransformSpec = { name: 'normalize', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
const PIPELINES: Record<string, TransformSpec[]> = {
  train: [{ name: 'randomResizedCrop', size: 224 }, { name: 'horizontalFlip' }, NORMALIZE],
  eval: [{ name: 'resize', size: 256 }, { name: 'centerCrop', size: 224 }, NORMALIZE],
};

interface EpochRates { first: number; steady: number }

/** leanconv: a fresh loader (its worker start-up counted in the first epoch), two epochs. */
async function leanconv(pipeline: string, nativeImages = true): Promise<EpochRates> {
  const start = performance.now();
  const loader = new DataLoader(dataset, { batchSize: batch, shuffle: true, seed: 1, transforms: PIPELINES[pipeline], workers, nativeImages });
  const rates: number[] = [];
  let t = start;
  for (const epoch of [0, 1]) {
    let n = 0;
    for await (const b of loader.epoch(epoch)) {
      n += b.labels.shape[0]!;
      b.images.dispose();
      b.labels.dispose();
    }
    const now = performance.now();
    rates.push(n / ((now - t) / 1000));
    t = now;
  }
  await loader.close();
  return { first: rates[0]!, steady: rates[1]! };
}

function torchvision(pipeline: string): EpochRates {
  const r = spawnSync(PYTHON, [join(root, 'bench', 'data_torch.py'), dir, pipeline, String(batch), String(workers)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench/data_torch.py failed:\n${r.stderr}`);
  const epochs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { imagesPerSecond: number });
  return { first: epochs[0]!.imagesPerSecond, steady: epochs[1]!.imagesPerSecond };
}

type Variant = 'leanconv' | 'torchvision' | 'leanconv float (sharp + JS transforms)';
const results: Record<string, Record<Variant, EpochRates[]>> = {};
for (let r = 0; r < rounds; r++) {
  for (const pipeline of Object.keys(PIPELINES)) {
    const row = (results[pipeline] ??= { leanconv: [], torchvision: [], 'leanconv float (sharp + JS transforms)': [] });
    row.leanconv.push(await leanconv(pipeline));
    row.torchvision.push(torchvision(pipeline));
    if (r < 2) row['leanconv float (sharp + JS transforms)'].push(await leanconv(pipeline, false));
    console.error(`round ${r + 1}/${rounds} ${pipeline}: leanconv ${row.leanconv.at(-1)!.steady.toFixed(0)} img/s, torchvision ${row.torchvision.at(-1)!.steady.toFixed(0)} img/s`);
  }
}

// The loader's share of training: `leanconv train` on the photos, ResNet-18 at 224, a few steps.
const trainSubset = batch * Number(values['train-steps']);
const runs = join(scratch, 'runs');
const train = spawnSync(process.execPath, [CLI, 'train', '-m', 'resnet18', '-d', 'folder', '--data-dir', dir, '-b', String(batch), '-e', '1',
  '--train-subset', String(trainSubset), '--workers', String(workers), '--out-dir', runs, '--run-name', 'r18', '-q', '--eval-every', '1', '--eval-batch-size', '100'], { encoding: 'utf8' });
if (train.status !== 0) throw new Error(`leanconv train failed:\n${train.stderr}`);
const epoch = JSON.parse(readFileSync(join(runs, 'r18', 'log.jsonl'), 'utf8').trim().split('\n')[0]!) as { imagesPerSecond: number; dataWait: number };
const stepSeconds = batch / epoch.imagesPerSecond;
const loaderCpuSecondsPerBatch = (workers * batch) / median(results.train!.leanconv.map((e) => e.steady));

const summary = Object.fromEntries(Object.entries(results).map(([pipeline, row]) => [pipeline, Object.fromEntries(Object.entries(row).map(([variant, rates]) => [variant, {
  firstEpoch: median(rates.map((e) => e.first)), steadyEpoch: median(rates.map((e) => e.steady)), rounds: rates.length,
}]))]));
const json = {
  command: `npm run bench:data -- ${process.argv.slice(2).join(' ')}`.trim(), date: new Date().toISOString(), cpu: cpus()[0]?.model, cores: availableParallelism(),
  images: dataset.length, batch, workers, rounds, results: summary,
  training: { model: 'resnet18', input: 224, batch, stepSeconds, dataWait: epoch.dataWait, loaderCpuSecondsPerBatch, loaderShareOfStep: loaderCpuSecondsPerBatch / stepSeconds },
};
const outDir = join(root, 'bench', 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, `${values.out}.json`), `${JSON.stringify(json, null, 2)}\n`);

const fmt = (v: number): string => v.toFixed(0);
const lines = [
  `# Image pipeline: leanconv vs torchvision + Pillow`, '',
  `\`${json.command}\` on ${json.cpu} (${json.cores} cores), ${json.date.slice(0, 10)}: ${dataset.length} real photos (500x375 and 375x500 JPEG crops,`,
  `quality 90, of Debian's plasma-workspace-wallpapers, bench/make_photos.py), batch ${batch}, ${workers} workers each. Images/s, medians`,
  `of ${rounds} interleaved rounds; "first epoch" counts the workers' start-up, "steady" is the next epoch (torchvision with`,
  `persistent workers). Per core: divided by the ${workers} workers.`, '',
  '| pipeline | variant | first epoch | steady epoch | steady per core | vs torchvision (steady) |', '|---|---|---|---|---|---|',
  ...Object.entries(summary).flatMap(([pipeline, row]) => Object.entries(row).map(([variant, s]) =>
    `| ${pipeline} | ${variant} | ${fmt(s.firstEpoch)} | ${fmt(s.steadyEpoch)} | ${fmt(s.steadyEpoch / workers)} | ${(s.steadyEpoch / row.torchvision.steadyEpoch).toFixed(2)}x |`)),
  '', `train = RandomResizedCrop(224) + flip + normalize; eval = Resize(256) + CenterCrop(224) + normalize.`, '',
  `## The loader's share of a training step`, '',
  `\`leanconv train -m resnet18 -d folder\` on these photos (224, batch ${batch}, ${workers} workers, ${trainSubset} images): a step takes`,
  `${stepSeconds.toFixed(2)} s; the loader's CPU time per batch is ${(loaderCpuSecondsPerBatch * 1000).toFixed(0)} ms (${(100 * json.training.loaderShareOfStep).toFixed(1)}% of a step),`,
  `and the run reported a data wait of ${(100 * epoch.dataWait).toFixed(1)}% (time the step loop waited for the next batch).`,
];
writeFileSync(join(outDir, `${values.out}.md`), `${lines.join('\n')}\n`);
console.log(lines.join('\n'));
if (existsSync(scratch)) spawnSync('rm', ['-rf', scratch]);

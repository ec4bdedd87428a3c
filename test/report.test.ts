import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import '../src/papers/index.js';
import { loadModel } from '../src/convert/checkpoint.js';
import { confusionMatrix, predictClasses } from '../src/train/metrics.js';
import { Progress, train, type TrainHooks } from '../src/train/index.js';
import { readRun, writeReport } from '../src/report/index.js';
import { confusionSpec, curveSpec, renderSvg } from '../src/report/charts.js';
import { getDatasetSpec } from '../src/data/datasets.js';
import { DataLoader } from '../src/data/loader.js';
import { writeMnistDir , tempDir } from './helpers.js';

const tmp = (): string => tempDir('lc-report-');
const silent: TrainHooks = { progress: new Progress(process.stderr, 15, false), log: () => undefined };

describe('training report', () => {
  test('charts: the split legend draws its line samples, one epoch gets the tick 1, cell text contrasts with the cell', async () => {
    const points = ['train', 'test'].map((split, i) => ({ run: 'r', split, epoch: 1, value: i }));
    const curve = await renderSvg(curveSpec('loss', 'loss', points));
    const legendSymbols = [...curve.matchAll(/role-legend-symbol[^>]*><path [^>]*d="M-[\d.]+,0L[\d.]+,0"[^>]*>/g)].map((m) => m[0]);
    assert.equal(legendSymbols.length, 2, 'a line sample for train and for test');
    for (const symbol of legendSymbols) assert.match(symbol, /stroke="#555"/, symbol);
    assert.ok(!curve.includes('1.000000'), 'no fractional epoch tick');
    assert.match(curve, />1<\/text>/);
    // A large off-diagonal count sits on a dark cell (white text); a zero on the diagonal on a light one (black).
    const confusion = await renderSvg(confusionSpec('c', ['a', 'b'], [[0, 900], [2, 5]]));
    const textColour = (value: number): string => new RegExp(`count: ${value}"[^>]*fill="([a-z#0-9]+)"[^>]*>${value}</text>`).exec(confusion)?.[1] ?? 'none';
    assert.equal(textColour(900), 'white');
    assert.equal(textColour(0), 'black');
    assert.equal(textColour(2), 'black');
  });

  test('confusion matrix counts [true][predicted]', () => {
    assert.deepEqual(confusionMatrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3), [[1, 1, 0], [0, 1, 0], [1, 0, 2]]);
  });

  test('two runs overlaid; the first evaluated: confusion matrix, per-class accuracy and misclassified images that agree with the model', async () => {
    const data = tmp();
    writeMnistDir(data, 48, 16, 4);
    const out = tmp();
    const base = { model: 'cifar_quick', dataset: 'mnist', dataDir: data, batchSize: 16, evalBatchSize: 16, workers: 0, threads: 1, seed: 1, outDir: out };
    await train({ ...base, epochs: 2, lr: 0.01, runName: 'baseline' }, silent);
    await train({ ...base, epochs: 1, lr: 0.05, runName: 'other' }, silent);
    const dir = join(out, 'report');
    const r = await writeReport([join(out, 'baseline'), join(out, 'other')], { outDir: dir, misclassified: 5 });

    const html = readFileSync(r.html, 'utf8');
    for (const f of ['loss.svg', 'accuracy.svg', 'lr.svg', 'confusion.svg', 'per-class.svg']) {
      assert.match(html, new RegExp(`src="${f.replace('.', '\\.')}"`), `the page shows ${f}`);
      assert.match(readFileSync(join(dir, f), 'utf8'), /^<svg[\s\S]*<\/svg>$/, `${f} is an SVG document`);
    }
    // Both runs are in the curves' legend and the summary table.
    const loss = readFileSync(join(dir, 'loss.svg'), 'utf8');
    assert.ok(loss.includes('baseline') && loss.includes('other'));
    assert.match(html, /<td>baseline<\/td><td>cifar_quick<\/td><td>mnist<\/td><td>2<\/td>/);

    // The evaluation must agree with predicting the test split directly with the run's best checkpoint.
    const { model } = loadModel(join(out, 'baseline', 'best.safetensors'));
    const testSet = getDatasetSpec('mnist').load(data, 'test');
    const { dataTransforms } = await import('../src/train/index.js');
    const loader = new DataLoader(testSet, { batchSize: 16, transforms: dataTransforms(getDatasetSpec('mnist'), testSet, [1, 16, 16], false).eval, workers: 0 });
    const predicted = await predictClasses(model, loader);
    await loader.close();
    model.dispose();
    const wrong = [...predicted.keys()].filter((i) => predicted[i] !== testSet.labels[i]);
    assert.ok(wrong.length >= 5, `a barely trained model gets some wrong (${wrong.length})`);
    assert.equal(r.evaluation!.misclassified, wrong.length);
    assert.ok(Math.abs(r.evaluation!.top1 - (48 - wrong.length) / 48) < 1e-9);
    const shown = readdirSync(dir).filter((f) => f.startsWith('misclassified-')).map((f) => Number(/\d+/.exec(f)![0])).sort((a, b) => a - b);
    assert.deepEqual(shown, wrong.slice(0, 5));
    for (const i of shown) {
      assert.match(html, new RegExp(`#${i}<br><b>${testSet.classes[predicted[i]!]}</b><br>true: ${testSet.classes[testSet.labels[i]!]}`));
      assert.deepEqual([...readFileSync(join(dir, `misclassified-${i}.png`)).subarray(1, 4)], [0x50, 0x4e, 0x47], 'a PNG file');
    }
  });

  test('a training-form run (ACNet) is evaluated in its deploy form too', async () => {
    const data = tmp();
    writeMnistDir(data, 32, 16, 4, { randomPixels: 3 });
    const out = tmp();
    await train({ model: 'cifar_quick', dataset: 'mnist', dataDir: data, batchSize: 16, evalBatchSize: 16, workers: 0, threads: 1, seed: 1, outDir: out, epochs: 1, lr: 0.01, acb: true, runName: 'acb' }, silent);
    const r = await writeReport([join(out, 'acb')], { outDir: join(out, 'report'), misclassified: 2 });
    const html = readFileSync(r.html, 'utf8');
    assert.match(html, /Its deploy form \(converted as <code>leanconv convert<\/code> does\): top-1 [\d.]+%; \d+ of 32 predictions identical/);
    assert.ok(r.evaluation!.deployTop1 !== undefined && Math.abs(r.evaluation!.deployTop1 - r.evaluation!.top1) <= 1 / 32, 'the fused form predicts (nearly) the same');
  });

  test('clear errors for a directory that is not a run and a torn log', () => {
    const dir = tmp();
    assert.throws(() => readRun(dir), /not a run directory \(config\.json is missing\)/);
    writeFileSync(join(dir, 'config.json'), '{}');
    writeFileSync(join(dir, 'log.jsonl'), '{"epoch":1,"lr":0.1,"train":{"loss":1,"top1":0.5}}\n{"epoch":2,"lr"');
    assert.throws(() => readRun(dir), /log\.jsonl:2: not an epoch record/);
  });
});

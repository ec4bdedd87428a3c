// Training reports: one HTML page plus SVG charts for one or more run directories. Curves come from each
// run's log.jsonl (loss, accuracy and learning rate per epoch, runs overlaid); the test-set confusion
// matrix, per-class accuracy and a grid of misclassified images come from evaluating the first run's
// checkpoint on the test split it was trained on.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

import { type Dataset, readSampleBytes } from '../data/datasets.js';
import { buildModel, deployedCopy, formLabel } from '../convert/form.js';
import { configForm, type TrainConfig } from '../train/config.js';
import { trainingFormBlocks } from '../convert/reparameterize.js';
import { DataLoader } from '../data/loader.js';
import type { Module } from '../nn/module.js';
import { loadModel, readCheckpointMeta } from '../convert/checkpoint.js';
import { confusionMatrix, predictClasses } from '../train/metrics.js';
import { checkpointEvalSplit } from '../train/eval-split.js';
import { confusionSpec, curveSpec, type EpochPoint, perClassSpec, renderSvg } from './charts.js';

export class ReportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportError';
  }
}

/** One epoch line of a run's log.jsonl (the fields the report draws). */
interface EpochLine {
  epoch: number;
  lr: number;
  train: { loss: number; top1: number };
  test?: { loss: number; top1: number };
  seconds?: number;
}

export interface RunLog {
  name: string;
  dir: string;
  config: Record<string, unknown>;
  epochs: EpochLine[];
}

/** Reads a run directory's config.json and log.jsonl, with errors that name the file and line. */
export function readRun(dir: string): RunLog {
  const configPath = join(dir, 'config.json');
  const logPath = join(dir, 'log.jsonl');
  for (const p of [configPath, logPath]) if (!existsSync(p)) throw new ReportError(`${dir}: not a run directory (${basename(p)} is missing)`);
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new ReportError(`${configPath}: not valid JSON (${(err as Error).message})`);
  }
  const epochs = readFileSync(logPath, 'utf8').split('\n').filter((l) => l.trim() !== '').map((line, i) => {
    try {
      const e = JSON.parse(line) as EpochLine;
      if (typeof e.epoch !== 'number' || typeof e.train?.loss !== 'number') throw new Error('no epoch or train loss');
      return e;
    } catch (err) {
      throw new ReportError(`${logPath}:${i + 1}: not an epoch record (${(err as Error).message})`);
    }
  });
  if (epochs.length === 0) throw new ReportError(`${logPath}: no epochs recorded yet`);
  return { name: basename(resolve(dir)), dir, config, epochs };
}

export interface Evaluation {
  run: string;
  checkpoint: string;
  dataset: string;
  classes: string[];
  labels: Int32Array;
  predicted: Int32Array;
  /** For a training-form checkpoint (ACNet, CondenseNet, DGConv): the predictions of its deploy form. */
  deployPredicted?: Int32Array;
}

/** The first checkpoint of a run that exists: best, then last. */
export function runCheckpoint(dir: string): string | undefined {
  return ['best.safetensors', 'last.safetensors'].map((f) => join(dir, f)).find((p) => existsSync(p));
}

/** Evaluates a checkpoint on the test split it was trained on, keeping every prediction. */
export async function evaluateForReport(run: RunLog, checkpoint: string, dataDir?: string): Promise<{ evaluation: Evaluation; dataset: Dataset }> {
  const { dataset, testSet, transforms } = checkpointEvalSplit(checkpoint, readCheckpointMeta(checkpoint), { dataDir });
  const { model, meta } = loadModel(checkpoint);
  model.toMemoryFormat('auto');
  const loader = new DataLoader(testSet, { batchSize: 500, transforms });
  let deployed: Module | undefined;
  try {
    const predicted = await predictClasses(model, loader);
    // The model a user ships is the deploy form: the report evaluates it too.
    let deployPredicted: Int32Array | undefined;
    if (trainingFormBlocks(model).length > 0) {
      deployed = deployedCopy(model, () => buildModel(meta.model, meta.modelOptions, meta.form)).toMemoryFormat('auto');
      deployPredicted = await predictClasses(deployed, loader);
    }
    return { evaluation: { run: run.name, checkpoint, dataset, classes: testSet.classes, labels: testSet.labels, predicted, deployPredicted }, dataset: testSet };
  } finally {
    await loader.close();
    model.dispose();
    deployed?.dispose();
  }
}

/** A dataset image as a PNG, scaled up (nearest neighbour) to at least 84 pixels high. */
async function imagePng(dataset: Dataset, index: number): Promise<Buffer> {
  const sharp = ((await import('sharp')) as unknown as { default: typeof import('sharp') }).default;
  let base;
  if (dataset.kind === 'memory') {
    const [channels, height, width] = dataset.shape;
    const size = channels * height * width;
    base = sharp(Buffer.from(dataset.images.subarray(index * size, (index + 1) * size)), { raw: { width, height, channels: channels as 1 | 3 } });
  } else {
    base = sharp(readSampleBytes(dataset, index));
  }
  return base.resize({ height: 84, kernel: 'nearest', withoutEnlargement: false }).png().toBuffer();
}

export interface ReportOptions {
  outDir: string;
  /** Dataset directory for the evaluation (default: the one the run recorded). */
  dataDir?: string;
  /** Misclassified images shown (default 40). */
  misclassified?: number;
  /** Skip evaluating a checkpoint (curves only). */
  curvesOnly?: boolean;
}

export interface ReportResult {
  html: string;
  files: string[];
  evaluation?: { run: string; top1: number; misclassified: number; /** The deploy form's, for a training-form checkpoint. */ deployTop1?: number };
}

const escape = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** Writes index.html and its SVG/PNG files into options.outDir for the given run directories. */
export async function writeReport(runDirs: string[], options: ReportOptions): Promise<ReportResult> {
  if (runDirs.length === 0) throw new ReportError('no run directories given');
  const runs = runDirs.map(readRun);
  const names = new Set<string>();
  for (const r of runs) {
    let name = r.name;
    for (let i = 2; names.has(name); i++) name = `${r.name} (${i})`;
    names.add(name);
    r.name = name;
  }
  mkdirSync(options.outDir, { recursive: true });
  const files: string[] = [];
  const write = (name: string, data: string | Buffer): string => {
    const path = join(options.outDir, name);
    writeFileSync(path, data);
    files.push(path);
    return name;
  };

  const perSplit = (pick: (e: EpochLine, split: 'train' | 'test') => number | undefined): EpochPoint[] =>
    runs.flatMap((r) => r.epochs.flatMap((e) => (['train', 'test'] as const).flatMap((split) => {
      const value = pick(e, split);
      return value === undefined ? [] : [{ run: r.name, epoch: e.epoch, split, value }];
    })));
  const charts = [
    write('loss.svg', await renderSvg(curveSpec('Loss', 'cross-entropy', perSplit((e, s) => e[s]?.loss)))),
    write('accuracy.svg', await renderSvg(curveSpec('Top-1 accuracy', 'top-1', perSplit((e, s) => e[s]?.top1), { percent: true }))),
    write('lr.svg', await renderSvg(curveSpec('Learning rate (end of epoch)', 'learning rate', runs.flatMap((r) => r.epochs.map((e) => ({ run: r.name, epoch: e.epoch, value: e.lr })))))),
  ];

  const summary = runs.map((r) => {
    const last = r.epochs[r.epochs.length - 1]!;
    const best = Math.max(...r.epochs.map((e) => e.test?.top1 ?? -1));
    const seconds = r.epochs.reduce((a, e) => a + (e.seconds ?? 0), 0);
    return `<tr><td>${escape(r.name)}</td><td>${escape(String(r.config.model ?? '?'))}${runFormLabel(r.config)}</td><td>${escape(String(r.config.dataset ?? '?'))}</td>` +
      `<td>${r.epochs.length}</td><td>${last.test ? (100 * last.test.top1).toFixed(2) + '%' : '-'}</td><td>${best >= 0 ? (100 * best).toFixed(2) + '%' : '-'}</td>` +
      `<td>${(seconds / 60).toFixed(1)} min</td></tr>`;
  }).join('\n');

  let evaluationHtml = '';
  let evaluation: ReportResult['evaluation'];
  const checkpoint = options.curvesOnly ? undefined : runCheckpoint(runs[0]!.dir);
  if (checkpoint !== undefined) {
    const { evaluation: ev, dataset } = await evaluateForReport(runs[0]!, checkpoint, options.dataDir);
    const k = ev.classes.length;
    const matrix = confusionMatrix(ev.labels, ev.predicted, k);
    const perClass = matrix.map((row, i) => row[i]! / Math.max(1, row.reduce((a, b) => a + b, 0)));
    const correct = matrix.reduce((a, row, i) => a + row[i]!, 0);
    const wrong: number[] = [];
    for (let i = 0; i < ev.labels.length; i++) if (ev.labels[i] !== ev.predicted[i]) wrong.push(i);
    const shown = wrong.slice(0, options.misclassified ?? 40);
    const figures: string[] = [];
    for (const i of shown) {
      const png = write(`misclassified-${i}.png`, await imagePng(dataset, i));
      figures.push(`<figure><img src="${png}" alt="test image ${i}"><figcaption>#${i}<br><b>${escape(ev.classes[ev.predicted[i]!]!)}</b><br>true: ${escape(ev.classes[ev.labels[i]!]!)}</figcaption></figure>`);
    }
    const confusion = write('confusion.svg', await renderSvg(confusionSpec(`Confusion matrix (${ev.dataset} test, ${ev.labels.length} images)`, ev.classes, matrix)));
    const perClassChart = write('per-class.svg', await renderSvg(perClassSpec('Per-class accuracy', ev.classes, perClass)));
    evaluation = { run: ev.run, top1: correct / ev.labels.length, misclassified: wrong.length };
    let deployHtml = '';
    if (ev.deployPredicted) {
      const n = ev.labels.length;
      const deployTop1 = ev.labels.reduce((a, label, i) => a + (ev.deployPredicted![i] === label ? 1 : 0), 0) / n;
      const same = ev.predicted.reduce((a, p, i) => a + (ev.deployPredicted![i] === p ? 1 : 0), 0);
      evaluation.deployTop1 = deployTop1;
      deployHtml = `\n<p>Its deploy form (converted as <code>leanconv convert</code> does): top-1 ${(100 * deployTop1).toFixed(2)}%; ${same} of ${n} predictions identical to the training form's.</p>`;
    }
    evaluationHtml = `<h2>Test set: ${escape(ev.run)}</h2>
<p>${escape(resolve(ev.checkpoint))} on the ${escape(ev.dataset)} test split: top-1 ${(100 * evaluation.top1).toFixed(2)}%, ${wrong.length} of ${ev.labels.length} images misclassified.</p>${deployHtml}
<div class="charts"><img src="${confusion}" alt="confusion matrix"><img src="${perClassChart}" alt="per-class accuracy"></div>
<h3>Misclassified (first ${shown.length} in test-set order): predicted in bold</h3>
<div class="grid">${figures.join('')}</div>`;
  }

  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>leanconv report: ${escape(runs.map((r) => r.name).join(', '))}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; } td, th { padding: 0.3em 0.8em; border-bottom: 1px solid #ddd; text-align: left; }
.charts { display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; }
.grid { display: flex; flex-wrap: wrap; gap: 0.6em; }
figure { margin: 0; text-align: center; font-size: 0.75em; width: 96px; } figure img { image-rendering: pixelated; height: 84px; }
</style></head><body>
<h1>Training report</h1>
<table><tr><th>run</th><th>model</th><th>dataset</th><th>epochs</th><th>last test top-1</th><th>best test top-1</th><th>training time</th></tr>
${summary}
</table>
<h2>Curves</h2>
<p>Train curves are dashed: with mixup or label smoothing their accuracy is against the mixed targets.</p>
<div class="charts">${charts.map((c) => `<img src="${c}" alt="${c}">`).join('')}</div>
${evaluationHtml}
<p><small>Made by leanconv report from ${escape(runs.map((r) => r.dir).join(', '))}.</small></p>
</body></html>
`;
  const page = join(options.outDir, 'index.html');
  writeFileSync(page, html);
  files.push(page);
  return { html: page, files, evaluation };
}

/** ' (ACNet form)' for a run that trained a transformed form, '' for the plain model. */
function runFormLabel(config: Record<string, unknown>): string {
  const label = formLabel(configForm(config as unknown as TrainConfig));
  return label === undefined ? '' : ` (${label})`;
}

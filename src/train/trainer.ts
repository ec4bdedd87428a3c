// The training loop: builds model, data and optimizer from a TrainConfig, trains with the configured
// recipe, evaluates, and keeps a run directory (config.json, log.jsonl/log.csv, last and best
// checkpoints) from which a killed run resumes exactly where its last checkpoint left it.
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import * as F from '../engine/functional.js';
import { SGD } from '../engine/optim.js';
import { getRngState, manualSeed, setNumThreads, defaultNumThreads, setRngState } from '../engine/runtime.js';
import { tidy } from '../engine/scope.js';
import { fromTypedArray, type Tensor } from '../engine/tensor.js';
import { type Dataset, getDatasetSpec, type DatasetSpec } from '../data/datasets.js';
import { DataLoader } from '../data/loader.js';
import { hashInts, permutation, Rng } from '../data/rng.js';
import type { TransformSpec } from '../data/transforms.js';
import { buildModel, formName } from '../convert/form.js';
import { getModelSpec, type ModelOptions } from '../models/index.js';
import type { Module } from '../nn/module.js';
import { writeFileAtomic } from '../util/fs.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { configForm, DEFAULT_CONFIG, type TrainConfig } from './config.js';
import { evaluate, topkCorrect, type EvalResult } from './metrics.js';
import { paramGroups, type NamedGroup } from './param_groups.js';
import { Progress } from './progress.js';
import { buildSchedule } from './schedule.js';

export class TrainingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingError';
  }
}

export interface EpochRecord {
  epoch: number;
  lr: number;
  train_loss: number;
  train_acc: number;
  eval_loss?: number;
  eval_top1?: number;
  eval_top5?: number;
  seconds: number;
  images_per_second: number;
}

export interface TrainResult {
  runDir: string;
  epochs: number;
  final?: EvalResult;
  bestTop1: number;
  history: EpochRecord[];
  /** Wall-clock seconds of this invocation (a resumed run counts only its own part). */
  seconds: number;
}

export interface TrainHooks {
  /** Called after each epoch's record is written. Throwing stops training (used by tests to "kill" a run). */
  onEpochEnd?(record: EpochRecord): void;
  progress?: Progress;
  /** Messages (run dir, results); default: to stderr via the progress printer. */
  log?(line: string): void;
}

/** The data pipelines for a model input [C, H, W] and a dataset's native images. */
export function dataTransforms(spec: DatasetSpec, dataset: Dataset, input: [number, number, number], augment: boolean): { train: TransformSpec[]; eval: TransformSpec[] } {
  const [channels, size] = [input[0], input[1]];
  const tail: TransformSpec[] = [];
  if (dataset.shape[0] === 1 && channels === 3) tail.push({ name: 'grayscaleToRgb' });
  const stats = tail.length ? { mean: [0, 1, 2].map(() => spec.mean[0]!), std: [0, 1, 2].map(() => spec.std[0]!) } : { mean: spec.mean, std: spec.std };
  if (stats.mean.length !== channels) {
    throw new TrainingError(`the model takes ${channels} input channels but ${dataset.name} images have ${dataset.shape[0]}`);
  }
  tail.push({ name: 'normalize', ...stats });
  if (dataset.kind === 'files') {
    // Variable-size photos: ImageNet-style pipelines.
    return {
      train: [augment ? { name: 'randomResizedCrop', size } : { name: 'resize', size }, ...(augment && spec.augment.flip ? [{ name: 'horizontalFlip' } as TransformSpec] : []), { name: 'centerCrop', size }, ...tail],
      eval: [{ name: 'resize', size: Math.round((size * 256) / 224) }, { name: 'centerCrop', size }, ...tail],
    };
  }
  const native = dataset.shape[1];
  const resize: TransformSpec[] = native === size ? [] : [{ name: 'resize', size }];
  const augmentation: TransformSpec[] = [];
  if (augment && spec.augment.cropPadding > 0) augmentation.push({ name: 'randomCrop', size, padding: spec.augment.cropPadding });
  if (augment && spec.augment.flip) augmentation.push({ name: 'horizontalFlip' });
  return { train: [...resize, ...augmentation, ...tail], eval: [...resize, ...tail] };
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

const CSV_COLUMNS: (keyof EpochRecord)[] = ['epoch', 'lr', 'train_loss', 'train_acc', 'eval_loss', 'eval_top1', 'eval_top5', 'seconds', 'images_per_second'];

/** Keeps only the log entries of epochs <= `epochs` (a resumed run rewrites what came after its checkpoint). */
function truncateLogs(runDir: string, epochs: number): EpochRecord[] {
  const file = join(runDir, 'log.jsonl');
  const kept = existsSync(file)
    ? readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as EpochRecord).filter((r) => r.epoch <= epochs)
    : [];
  writeFileSync(file, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
  writeFileSync(join(runDir, 'log.csv'), `${CSV_COLUMNS.join(',')}\n${kept.map((r) => `${CSV_COLUMNS.map((c) => r[c] ?? '').join(',')}\n`).join('')}`);
  return kept;
}

/** Resolves a --resume argument (run directory or checkpoint file) to the run directory and its last checkpoint. */
export function resolveResume(target: string): { runDir: string; checkpoint: string } {
  if (!existsSync(target)) throw new TrainingError(`cannot resume: ${target} does not exist`);
  const runDir = statSync(target).isDirectory() ? target : dirname(target);
  const checkpoint = statSync(target).isDirectory() ? join(target, 'last.safetensors') : target;
  if (!existsSync(checkpoint)) throw new TrainingError(`cannot resume: ${checkpoint} does not exist (no epoch finished in that run yet?)`);
  if (!existsSync(join(runDir, 'config.json'))) throw new TrainingError(`cannot resume: ${runDir} has no config.json`);
  return { runDir, checkpoint };
}

/** Trains a model from a config (or resumes the run at `resume`) and returns its results. */
export async function train(configIn: Partial<TrainConfig> & { resume?: string }, hooks: TrainHooks = {}): Promise<TrainResult> {
  const progress = hooks.progress ?? new Progress();
  const log = hooks.log ?? ((line: string) => progress.line(line));
  const started = performance.now();

  let config: TrainConfig;
  let runDir: string;
  let resumeFrom: string | undefined;
  if (configIn.resume !== undefined) {
    const r = resolveResume(configIn.resume);
    runDir = r.runDir;
    resumeFrom = r.checkpoint;
    config = { ...DEFAULT_CONFIG, ...(JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8')) as TrainConfig) };
  } else {
    const { resume: _unused, ...rest } = configIn;
    config = { ...DEFAULT_CONFIG, ...rest };
    runDir = join(config.outDir, config.runName ?? `${timestamp()}-${config.model}-${config.dataset}`);
  }
  if (!Number.isInteger(config.epochs) || config.epochs < 1) throw new TrainingError(`epochs must be a positive integer, got ${config.epochs}`);

  setNumThreads(config.threads ?? defaultNumThreads());
  const modelSpec = getModelSpec(config.model);
  const dataSpec = getDatasetSpec(config.dataset);
  const dataDir = config.dataDir ?? dataSpec.defaultDir;
  if (dataDir === undefined) throw new TrainingError(`dataset '${config.dataset}' needs a directory (--data-dir)`);
  const trainSet = dataSpec.load(dataDir, 'train');
  const testSet = dataSpec.load(dataDir, 'test');
  if (testSet.classes.length !== trainSet.classes.length) {
    throw new TrainingError(`${dataDir}: the train split has ${trainSet.classes.length} classes, the test split ${testSet.classes.length}`);
  }

  const nativeSize = trainSet.kind === 'memory' ? trainSet.shape[1] : modelSpec.inputSize[1];
  const modelOptions: Required<ModelOptions> = {
    numClasses: config.numClasses ?? trainSet.classes.length,
    inChannels: config.inChannels ?? (trainSet.kind === 'memory' ? trainSet.shape[0] : 3),
    inputSize: config.inputSize ?? nativeSize,
  };
  if (modelOptions.numClasses < trainSet.classes.length) {
    throw new TrainingError(`the model has ${modelOptions.numClasses} outputs but ${config.dataset} has ${trainSet.classes.length} classes`);
  }
  const input: [number, number, number] = [modelOptions.inChannels, modelOptions.inputSize, modelOptions.inputSize];
  const pipelines = dataTransforms(dataSpec, trainSet, input, config.augment);

  manualSeed(config.seed);
  const form = configForm(config);
  const model = buildModel(config.model, modelOptions, form);
  const trainLoader = new DataLoader(trainSet, { batchSize: config.batchSize, shuffle: true, dropLast: true, seed: config.seed, transforms: pipelines.train, workers: config.workers });
  const testLoader = new DataLoader(testSet, { batchSize: config.evalBatchSize, transforms: pipelines.eval, workers: config.workers });
  if (trainLoader.length === 0) throw new TrainingError(`batch size ${config.batchSize} is larger than the training set (${trainSet.length} images)`);
  const groups: NamedGroup[] = paramGroups(model, config.lr, config);
  const optimizer = new SGD(groups, { lr: config.lr, momentum: config.momentum, nesterov: config.nesterov });
  const itersPerEpoch = trainLoader.length;
  const schedule = buildSchedule(config.schedule, { baseLr: config.lr, epochs: config.epochs, itersPerEpoch, warmupEpochs: config.warmupEpochs });

  let startEpoch = 0;
  let bestTop1 = -1;
  let history: EpochRecord[] = [];
  try {
    if (resumeFrom !== undefined) {
      const ckpt = loadCheckpoint(resumeFrom);
      try {
        if (ckpt.model !== config.model) throw new TrainingError(`${resumeFrom} holds a '${ckpt.model}' model but the run config says '${config.model}'`);
        if (formName(ckpt.form) !== formName(form)) throw new TrainingError(`${resumeFrom} holds the ${formName(ckpt.form)} form but the run config trains the ${formName(form)} form`);
        model.loadStateDict(ckpt.state);
        if (ckpt.optimizer) optimizer.loadStateDict(ckpt.optimizer);
        if (ckpt.rngState) setRngState(Buffer.from(ckpt.rngState, 'base64'));
        startEpoch = ckpt.epoch;
        bestTop1 = Number((ckpt.extra as { bestTop1?: number }).bestTop1 ?? -1);
      } finally {
        for (const t of Object.values(ckpt.state)) t.dispose();
        for (const t of Object.values(ckpt.optimizer?.tensors ?? {})) t.dispose();
      }
      history = truncateLogs(runDir, startEpoch);
      log(`resuming ${runDir} after epoch ${startEpoch}/${config.epochs}`);
    } else {
      if (existsSync(join(runDir, 'config.json'))) throw new TrainingError(`${runDir} already holds a run: resume it (--resume ${runDir}) or choose another --run-name`);
      mkdirSync(runDir, { recursive: true });
      writeFileAtomic(join(runDir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
      truncateLogs(runDir, 0);
      log(`run directory: ${runDir}`);
    }

    let final: EvalResult | undefined;
    const totalIters = (config.epochs - startEpoch) * itersPerEpoch;
    let itersDone = 0;
    const runStart = performance.now();
    for (let epoch = startEpoch; epoch < config.epochs; epoch++) {
      model.train();
      const epochStart = performance.now();
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let lr = config.lr;
      for await (const { images, labels, index } of trainLoader.epoch(epoch)) {
        lr = schedule(epoch, index);
        optimizer.paramGroups.forEach((g, i) => (g.lr = lr * groups[i]!.lrMultiplier));
        const n = labels.size(0);
        const { loss, hits } = tidy(() => trainStep(model, optimizer, images, labels, config, hashInts(config.seed, epoch, index, 0x3170)));
        images.dispose();
        labels.dispose();
        if (!Number.isFinite(loss)) {
          const kept = existsSync(join(runDir, 'last.safetensors')) ? `The last good checkpoint (epoch ${epoch}) is kept at ${join(runDir, 'last.safetensors')}` : 'No epoch had finished, so there is no checkpoint';
          throw new TrainingError(`the loss became ${loss} at epoch ${epoch + 1}, batch ${index + 1} (lr ${lr.toPrecision(3)}): training stopped. ${kept}. Try a lower --lr, or resume with --resume ${runDir}.`);
        }
        lossSum += loss * n;
        correct += hits;
        seen += n;
        itersDone++;
        const elapsed = (performance.now() - runStart) / 1000;
        progress.update({
          epoch: epoch + 1, epochs: config.epochs, batch: index + 1, batches: itersPerEpoch, loss: lossSum / seen, acc: correct / seen,
          imagesPerSecond: seen / ((performance.now() - epochStart) / 1000), lr, eta: (elapsed / itersDone) * (totalIters - itersDone),
        });
      }
      progress.done();
      const trainSeconds = (performance.now() - epochStart) / 1000;
      const record: EpochRecord = {
        epoch: epoch + 1, lr, train_loss: lossSum / seen, train_acc: correct / seen, seconds: 0, images_per_second: seen / trainSeconds,
      };
      if ((epoch + 1) % config.evalEvery === 0 || epoch + 1 === config.epochs) {
        final = await evaluate(model, testLoader);
        Object.assign(record, { eval_loss: final.loss, eval_top1: final.top1, eval_top5: final.top5 });
      }
      record.seconds = (performance.now() - epochStart) / 1000;
      // Log first, then checkpoint: a kill in between is repaired on resume by truncating the log.
      appendFileSync(join(runDir, 'log.jsonl'), `${JSON.stringify(record)}\n`);
      appendFileSync(join(runDir, 'log.csv'), `${CSV_COLUMNS.map((c) => record[c] ?? '').join(',')}\n`);
      history.push(record);
      const improved = record.eval_top1 !== undefined && record.eval_top1 > bestTop1;
      if (improved) bestTop1 = record.eval_top1!;
      const meta = {
        model: config.model, modelOptions, form, epoch: epoch + 1, rngState: Buffer.from(getRngState()).toString('base64'),
        extra: { bestTop1, classes: trainSet.classes, dataset: config.dataset, dataDir: config.dataDir, input, preprocessing: pipelines.eval, metrics: record },
      };
      saveCheckpoint(join(runDir, 'last.safetensors'), model, meta, optimizer.stateDict());
      if (improved) saveCheckpoint(join(runDir, 'best.safetensors'), model, meta);
      log(`epoch ${epoch + 1}/${config.epochs}: train loss ${record.train_loss.toFixed(4)} acc ${(100 * record.train_acc).toFixed(2)}%` +
        (record.eval_top1 !== undefined ? ` | test loss ${record.eval_loss!.toFixed(4)} top-1 ${(100 * record.eval_top1).toFixed(2)}% top-5 ${(100 * record.eval_top5!).toFixed(2)}%` : '') +
        ` | ${record.seconds.toFixed(1)} s, ${Math.round(record.images_per_second)} img/s`);
      hooks.onEpochEnd?.(record);
    }
    return { runDir, epochs: config.epochs, final, bestTop1, history, seconds: (performance.now() - started) / 1000 };
  } finally {
    await trainLoader.close();
    await testLoader.close();
    optimizer.dispose();
    model.dispose();
  }
}

/** One optimisation step (inside tidy); returns the batch loss and the number of top-1 hits. */
function trainStep(model: Module, optimizer: SGD, images: Tensor, labels: Tensor, config: TrainConfig, mixSeed: number): { loss: number; hits: number } {
  const ce = (logits: Tensor, target: Tensor): Tensor => F.crossEntropy(logits, target, { labelSmoothing: config.labelSmoothing });
  let loss: Tensor;
  let logits: Tensor;
  if (config.mixupAlpha > 0) {
    // Mixup: lambda ~ Beta(a, a), partner order from the same seed; accuracy is against the unmixed labels.
    const rng = new Rng(mixSeed);
    const lambda = rng.beta(config.mixupAlpha);
    const perm = permutation(labels.size(0), rng.int(2 ** 31));
    const index = fromTypedArray(BigInt64Array.from(perm, (v) => BigInt(v)), [perm.length]);
    const partner = images.indexSelect(0, index);
    const mixed = images.mul(lambda).add_(partner, 1 - lambda);
    logits = model.forward(mixed);
    loss = ce(logits, labels).mul(lambda).add_(ce(logits, labels.indexSelect(0, index)), 1 - lambda);
  } else {
    logits = model.forward(images);
    loss = ce(logits, labels);
  }
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
  return { loss: loss.item(), hits: topkCorrect(logits.detach(), labels, [1])[0]! };
}

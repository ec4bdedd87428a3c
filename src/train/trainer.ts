// The training loop: builds model, data and optimizer from a TrainConfig, trains with the configured
// recipe, evaluates, and keeps a run directory (config.json, log.jsonl/log.csv, last and best
// checkpoints) from which a killed run resumes exactly where its last checkpoint left it.
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

import * as F from '../engine/functional.js';
import { SGD } from '../engine/optim.js';
import { getRngState, manualSeed, setNumThreads, defaultNumThreads, setRngState, startAllocatorPhase } from '../engine/runtime.js';
import { tidy } from '../engine/scope.js';
import { fromTypedArray, type Tensor } from '../engine/tensor.js';
import { balancedSubset, getDatasetSpec } from '../data/datasets.js';
import { DataLoader } from '../data/loader.js';
import { dataTransforms } from '../data/pipelines.js';
import { hashInts, permutation, Rng } from '../data/rng.js';
import { buildModel, formName, type ModelForm } from '../convert/form.js';
import { allReduceNumbers, processGroup } from '../engine/distributed.js';
import { convertSyncBatchNorm } from '../nn/sync_batchnorm.js';
import { currentWorld, dataParallel } from './data_parallel.js';
import { getModelSpec, type ModelOptions } from '../models/index.js';
import type { Module } from '../nn/module.js';
import { formatSmall, plural } from '../util/format.js';
import { FileWriteError, writeFileAtomic } from '../util/fs.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { configForm, DEFAULT_CONFIG, RESUME_OVERRIDES, type TrainConfig, validateConfig } from './config.js';
import { batchOn, evaluate, topkCorrect, type EvalResult } from './metrics.js';
import { paramGroups, type NamedGroup } from './param_groups.js';
import { trainingProgress } from '../nn/training.js';
import { type BatchContext, recipeCallbacks, type TrainCallback } from './callbacks.js';
import { Progress } from './progress.js';
import { buildSchedule, restartCycle } from './schedule.js';

export class TrainingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingError';
  }
}

/** One line of log.jsonl: an epoch's training figures and, when it was evaluated, its test figures. */
export interface EpochRecord {
  epoch: number;
  /** Learning rate of the epoch's last batch. */
  lr: number;
  train: { loss: number; top1: number };
  test?: EvalResult;
  seconds: number;
  imagesPerSecond: number;
  /** Fraction of the epoch's training time spent waiting for the loader's next batch (0: the loader always kept ahead). */
  dataWait?: number;
  /** What the callbacks reported after the epoch (e.g. a budgeted regulariser's value, DGConv's groups per layer). */
  notes?: Record<string, unknown>;
}

export interface TrainResult {
  runDir: string;
  /** Epochs the run has completed (its configured length). */
  epochs: number;
  /** Epochs trained by this call (0 when a finished run was resumed). */
  trainedEpochs: number;
  /** Test figures after the last epoch. */
  final: EvalResult;
  bestTop1: number;
  history: EpochRecord[];
  /** Wall-clock seconds of this call (a resumed run counts only its own part). */
  seconds: number;
}

/** What the trainer has set up, handed to onStart once every option has been checked. */
export interface RunSetup {
  config: TrainConfig;
  runDir: string;
  /** Epochs already done (resumed run), else 0. */
  startEpoch: number;
  model: Module;
  trainSize: number;
  testSize: number;
  /** [C, H, W] the images are brought to (the model's input). */
  input: [number, number, number];
  /** Whether the dataset's images come in varying sizes (an image folder) and are resized to `input`. */
  resizesImages: boolean;
}

export interface TrainHooks {
  /** Called when everything is validated and built, before the run directory is created or changed. */
  onStart?(setup: RunSetup): void;
  /** Called after each epoch's record is written. Throwing stops training (used by tests to "kill" a run). */
  onEpochEnd?(record: EpochRecord): void;
  progress?: Progress;
  /** Extra callbacks, after the ones the recipe implies (module progress, regularisers). */
  callbacks?: TrainCallback[];
  /** Messages (run dir, results); default: to stderr via the progress printer. */
  log?(line: string): void;
}


/** YYYYMMDD-HHMMSS (UTC), the default run-directory prefix. */
function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

const CSV_COLUMNS = ['epoch', 'lr', 'train_loss', 'train_top1', 'test_loss', 'test_top1', 'test_top5', 'seconds', 'images_per_second'];
const csvRow = (r: EpochRecord): string =>
  [r.epoch, r.lr, r.train.loss, r.train.top1, r.test?.loss, r.test?.top1, r.test?.top5, r.seconds, r.imagesPerSecond].map((v) => v ?? '').join(',');

/** log.jsonl lines written before 0.1.0's record layout (flat eval_* fields). */
interface LegacyRecord {
  epoch: number; lr: number; train_loss: number; train_acc: number; eval_loss?: number; eval_top1?: number; eval_top5?: number; seconds: number; images_per_second: number;
}

function upgradeRecord(r: EpochRecord | LegacyRecord): EpochRecord {
  if (!('train_loss' in r)) return r;
  const test = r.eval_top1 === undefined ? undefined : { loss: r.eval_loss!, top1: r.eval_top1, top5: r.eval_top5!, count: 0, imagesPerSecond: 0 };
  return { epoch: r.epoch, lr: r.lr, train: { loss: r.train_loss, top1: r.train_acc }, test, seconds: r.seconds, imagesPerSecond: r.images_per_second };
}

/** Keeps only the log entries of epochs <= `epochs` (a resumed run rewrites what came after its checkpoint). */
function truncateLogs(runDir: string, epochs: number): EpochRecord[] {
  const file = join(runDir, 'log.jsonl');
  const kept = existsSync(file)
    ? readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => upgradeRecord(JSON.parse(l) as EpochRecord | LegacyRecord)).filter((r) => r.epoch <= epochs)
    : [];
  writeFileAtomic(file, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
  writeFileAtomic(join(runDir, 'log.csv'), `${CSV_COLUMNS.join(',')}\n${kept.map((r) => `${csvRow(r)}\n`).join('')}`);
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

/** The config a call trains: a new run's (defaults filled in), or a resumed run's recorded one with its allowed overrides. */
function resolveRun(configIn: TrainOptions): { config: TrainConfig; runDir: string; resumeFrom?: string; recordedEpochs?: number } {
  if (configIn.resume === undefined) {
    const { resume: _unused, ...rest } = configIn;
    const config = { ...DEFAULT_CONFIG, ...rest };
    return { config, runDir: join(config.outDir, config.runName ?? `${timestamp()}-${config.model}-${config.dataset}`) };
  }
  const { resume, ...overrides } = configIn;
  const given = Object.entries(overrides).filter(([, v]) => v !== undefined).map(([k]) => k);
  const refused = given.filter((k) => !(RESUME_OVERRIDES as readonly string[]).includes(k));
  if (refused.length) {
    throw new TrainingError(`a resumed run keeps the recipe recorded in its config.json, so ${refused.join(', ')} cannot be changed on resume ` +
      `(only ${RESUME_OVERRIDES.join(', ')} can); start a new run for another recipe`);
  }
  const r = resolveResume(resume);
  let recorded: TrainConfig;
  try {
    recorded = JSON.parse(readFileSync(join(r.runDir, 'config.json'), 'utf8')) as TrainConfig;
  } catch (err) {
    throw new TrainingError(`cannot resume: ${join(r.runDir, 'config.json')} is not valid JSON (${(err as Error).message})`);
  }
  const legacy = recorded as TrainConfig & { channelsLast?: boolean };
  if (legacy.channelsLast !== undefined) {
    // Runs recorded before memoryFormat replaced the channelsLast flag.
    if (legacy.channelsLast) recorded.memoryFormat = 'channelsLast';
    delete legacy.channelsLast;
  }
  const kept = Object.fromEntries(given.map((k) => [k, overrides[k as keyof typeof overrides]]));
  return { config: { ...DEFAULT_CONFIG, ...recorded, ...kept }, runDir: r.runDir, resumeFrom: r.checkpoint, recordedEpochs: recorded.epochs };
}

export type TrainOptions = Partial<TrainConfig> & {
  /** A run directory (or its checkpoint) to continue; only RESUME_OVERRIDES may be given with it. */
  resume?: string;
};

/**
 * Trains a model from a config (or resumes the run at `resume`) and returns its results. Everything
 * is validated and built before the run directory is created; a run that fails before its first
 * checkpoint removes the directory it created, so its name can be used again.
 */
export async function train(configIn: TrainOptions, hooks: TrainHooks = {}): Promise<TrainResult> {
  const started = performance.now();
  // Data-parallel runs: every rank trains, rank 0 alone prints and writes the run directory.
  const world = currentWorld();
  const progress = world.isMain ? hooks.progress ?? new Progress() : new Progress(process.stderr, 15, false);
  const log = world.isMain ? hooks.log ?? ((line: string) => progress.line(line)) : () => undefined;

  const { config, runDir, resumeFrom, recordedEpochs } = resolveRun(configIn);
  validateConfig(config);
  const modelSpec = getModelSpec(config.model);
  const dataSpec = getDatasetSpec(config.dataset);
  const dataDir = config.dataDir ?? dataSpec.defaultDir;
  if (dataDir === undefined) throw new TrainingError(`dataset '${config.dataset}' needs a directory (--data-dir)`);
  if (world.isMain && resumeFrom === undefined && existsSync(join(runDir, 'config.json'))) {
    throw new TrainingError(`${runDir} already holds a run: resume it (--resume ${runDir}) or choose another --run-name`);
  }
  setNumThreads(config.threads ?? defaultNumThreads());
  const fullTrainSet = dataSpec.load(dataDir, 'train');
  const trainSet = config.trainSubset === undefined ? fullTrainSet : balancedSubset(fullTrainSet, config.trainSubset, config.seed);
  const testSet = dataSpec.load(dataDir, 'test');
  if (testSet.classes.length !== trainSet.classes.length) {
    throw new TrainingError(`${dataDir}: the train split has ${trainSet.classes.length} classes, the test split ${testSet.classes.length}`);
  }
  if (Math.floor(trainSet.length / config.batchSize) === 0) throw new TrainingError(`batch size ${config.batchSize} is larger than the training set (${trainSet.length} images)`);
  if (config.batchSize % world.worldSize !== 0) {
    throw new TrainingError(`batch size ${config.batchSize} is the global batch of ${world.worldSize} processes, so it must be divisible by ${world.worldSize}`);
  }

  const nativeSize = trainSet.kind === 'memory' ? trainSet.shape[1] : modelSpec.inputSize[1];
  const modelOptions: Required<Omit<ModelOptions, 'features'>> = {
    numClasses: config.numClasses ?? trainSet.classes.length,
    inChannels: config.inChannels ?? (trainSet.kind === 'memory' ? trainSet.shape[0] : 3),
    inputSize: config.inputSize ?? nativeSize,
    args: config.modelArgs ?? {},
  };
  if (modelOptions.numClasses < trainSet.classes.length) {
    throw new TrainingError(`the model has ${modelOptions.numClasses} outputs but ${config.dataset} has ${trainSet.classes.length} classes`);
  }
  const input: [number, number, number] = [modelOptions.inChannels, modelOptions.inputSize, modelOptions.inputSize];
  const pipelines = dataTransforms(dataSpec, trainSet, input, config.augment);

  manualSeed(config.seed);
  const form = configForm(config);
  const model = buildModel(config.model, modelOptions, form);
  model.toMemoryFormat(config.memoryFormat);
  if (config.syncBatchNorm && world.worldSize > 1) convertSyncBatchNorm(model);
  if (world.worldSize > 1 && config.device !== 'cpu') {
    model.dispose();
    throw new TrainingError(`data-parallel training on ${config.device} needs c10d's NCCL backend, which this build does not have yet; train on cpu or in one process`);
  }
  model.to(config.device);
  let callbacks: TrainCallback[];
  try {
    const parallel = world.worldSize > 1 ? [dataParallel(model)] : [];
    callbacks = [...parallel, ...recipeCallbacks(model, config), ...(hooks.callbacks ?? [])];
  } catch (err) {
    model.dispose();
    throw err;
  }
  const groups: NamedGroup[] = paramGroups(model, config.lr, config);
  const optimizer = new SGD(groups, { lr: config.lr, momentum: config.momentum, nesterov: config.nesterov });
  let startEpoch = 0;
  let bestTop1 = -1;
  if (resumeFrom !== undefined) {
    try {
      ({ startEpoch, bestTop1 } = restoreCheckpoint(resumeFrom, config, form, model, optimizer));
    } catch (err) {
      optimizer.dispose();
      model.dispose();
      throw err;
    }
  }
  const shard = { rank: world.rank, worldSize: world.worldSize };
  const trainLoader = new DataLoader(trainSet, { batchSize: config.batchSize, shuffle: true, dropLast: true, seed: config.seed, transforms: pipelines.train, workers: config.workers, shard });
  const testLoader = new DataLoader(testSet, { batchSize: config.evalBatchSize, transforms: pipelines.eval, workers: config.workers, shard });
  const itersPerEpoch = trainLoader.length;
  const schedule = buildSchedule(config.schedule, { baseLr: config.lr, epochs: config.epochs, itersPerEpoch, warmupEpochs: config.warmupEpochs });

  let createdRunDir = false;
  const lastCheckpoint = join(runDir, 'last.safetensors');
  try {
    let history: EpochRecord[];
    if (resumeFrom !== undefined) {
      const recorded = recordedEpochs ?? config.epochs;
      if (config.epochs < startEpoch) throw new TrainingError(`${runDir} has already trained ${plural(startEpoch, 'epoch')}; --epochs ${config.epochs} would shorten it`);
      hooks.onStart?.({ config, runDir, startEpoch, model, trainSize: trainSet.length, testSize: testSet.length, input, resizesImages: trainSet.kind === 'files' });
      if (config.epochs !== recorded && world.isMain) {
        writeFileAtomic(join(runDir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
        log(`extending ${runDir} from ${plural(recorded, 'epoch')} to ${config.epochs}: the ${config.schedule.name} schedule now spans ${plural(config.epochs, 'epoch')}` +
          ` (epoch ${startEpoch + 1} starts at lr ${formatSmall(schedule(startEpoch, 0))})`);
      }
      history = world.isMain ? truncateLogs(runDir, startEpoch) : [];
      if (startEpoch < config.epochs) log(`resuming ${runDir} after epoch ${startEpoch}/${config.epochs}`);
    } else {
      hooks.onStart?.({ config, runDir, startEpoch, model, trainSize: trainSet.length, testSize: testSet.length, input, resizesImages: trainSet.kind === 'files' });
      if (world.isMain) {
        mkdirSync(runDir, { recursive: true });
        createdRunDir = true;
        writeFileAtomic(join(runDir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
      }
      history = world.isMain ? truncateLogs(runDir, 0) : [];
      log(`run directory: ${runDir}${world.worldSize > 1 ? ` (${world.worldSize} processes, ${config.batchSize / world.worldSize} images each per step)` : ''}`);
    }

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
      const cycle = restartCycle(config.schedule, epoch);
      // Ranks draw different random numbers (dropout, DropBlock) from streams fixed by (seed, epoch, rank),
      // so a resumed data-parallel run continues exactly without each rank's generator state.
      if (world.worldSize > 1) manualSeed(hashInts(config.seed, epoch, world.rank, 0xd15));
      let waited = 0;
      let waitStart = performance.now();
      for await (const batch of trainLoader.epoch(epoch)) {
        waited += performance.now() - waitStart;
        const { images, labels, index } = batchOn(config.device, batch);
        lr = schedule(epoch, index);
        optimizer.paramGroups.forEach((g, i) => (g.lr = lr * groups[i]!.lrMultiplier));
        const n = labels.size(0);
        const context: BatchContext = { model, ...trainingProgress(epoch, index, config.epochs, itersPerEpoch, cycle) };
        let step: { loss: number; hits: number };
        try {
          for (const callback of callbacks) callback.onBatchStart?.(context);
          const adjustLoss = (loss: Tensor): Tensor => callbacks.reduce((l, c) => c.adjustLoss?.(l, context) ?? l, loss);
          step = tidy(() => trainStep(model, optimizer, images, labels, config, hashInts(config.seed, epoch, index, 0x3170), adjustLoss));
        } finally {
          images.dispose();
          labels.dispose();
        }
        if (!Number.isFinite(step.loss)) throw new TrainingError(divergenceMessage(step.loss, epoch, index, lr, runDir, existsSync(lastCheckpoint) ? epoch : undefined));
        lossSum += step.loss * n;
        correct += step.hits;
        seen += n;
        itersDone++;
        const elapsed = (performance.now() - runStart) / 1000;
        progress.update({
          epoch: epoch + 1, epochs: config.epochs, batch: index + 1, batches: itersPerEpoch, loss: lossSum / seen, acc: correct / seen,
          imagesPerSecond: (seen * world.worldSize) / ((performance.now() - epochStart) / 1000), lr, eta: (elapsed / itersDone) * (totalIters - itersDone),
        });
        waitStart = performance.now();
      }
      progress.done();
      const trainSeconds = (performance.now() - epochStart) / 1000;
      [lossSum, correct, seen] = allReduceNumbers([lossSum, correct, seen]);
      const [slowestWait] = allReduceNumbers([waited], 'max');
      const record: EpochRecord = {
        epoch: epoch + 1, lr, train: { loss: lossSum / seen, top1: correct / seen }, seconds: 0, imagesPerSecond: seen / trainSeconds, dataWait: slowestWait! / 1000 / trainSeconds,
      };
      if ((epoch + 1) % config.evalEvery === 0 || epoch + 1 === config.epochs) {
        for (const callback of callbacks) callback.beforeEvaluate?.({ model, epoch: epoch + 1 });
        // Evaluation (another batch size, no gradients) allocates other block sizes than training: the
        // allocator's cache follows one phase at a time instead of holding both.
        startAllocatorPhase();
        record.test = combineEvaluations(await evaluate(model, testLoader));
        startAllocatorPhase();
      }
      record.seconds = (performance.now() - epochStart) / 1000;
      const notes = callbacks.map((c) => c.onEpochEnd?.({ model, epoch: epoch + 1 })).filter((n) => n !== undefined);
      const values = Object.assign({}, ...notes.map((n) => n.values ?? {})) as Record<string, unknown>;
      if (Object.keys(values).length > 0) record.notes = values;
      history.push(record);
      const improved = record.test !== undefined && record.test.top1 > bestTop1;
      if (improved) bestTop1 = record.test!.top1;
      if (world.isMain) {
        // Log first, then checkpoint: a kill in between is repaired on resume by truncating the log.
        appendFileSync(join(runDir, 'log.jsonl'), `${JSON.stringify(record)}\n`);
        appendFileSync(join(runDir, 'log.csv'), `${csvRow(record)}\n`);
        const meta = {
          model: config.model, modelOptions, form, epoch: epoch + 1, rngState: Buffer.from(getRngState()).toString('base64'),
          extra: { bestTop1, classes: trainSet.classes, dataset: config.dataset, dataDir: config.dataDir, input, preprocessing: pipelines.eval, metrics: record, worldSize: world.worldSize },
        };
        try {
          saveCheckpoint(lastCheckpoint, model, meta, optimizer.stateDict());
          if (improved) saveCheckpoint(join(runDir, 'best.safetensors'), model, meta);
        } catch (err) {
          if (!(err instanceof FileWriteError)) throw err;
          const resumable = existsSync(lastCheckpoint) ? `; \`leanconv train --resume ${runDir}\` continues from the last checkpoint written` : '';
          throw new TrainingError(`epoch ${epoch + 1}: ${err.message}${resumable}`);
        }
      }
      log(formatEpoch(record, config.epochs));
      for (const n of notes) if (n.line) log(`  ${n.line}`);
      hooks.onEpochEnd?.(record);
    }
    // Other ranks keep no log: a resumed, finished run has no figures there, and rank 0 reports them.
    const final = history.at(-1)?.test ?? (world.isMain ? undefined : { loss: NaN, top1: NaN, top5: NaN, count: 0, imagesPerSecond: 0 });
    if (final === undefined) throw new TrainingError(`${runDir}: the log has no test figures for its last epoch (${config.epochs})`);
    if (startEpoch === config.epochs) log(`${runDir} had already finished its ${plural(config.epochs, 'epoch')}: nothing to train`);
    return { runDir, epochs: config.epochs, trainedEpochs: config.epochs - startEpoch, final, bestTop1, history, seconds: (performance.now() - started) / 1000 };
  } catch (err) {
    if (createdRunDir && !existsSync(lastCheckpoint)) rmSync(runDir, { recursive: true, force: true });
    throw err;
  } finally {
    for (const callback of callbacks) callback.close?.();
    await trainLoader.close();
    await testLoader.close();
    optimizer.dispose();
    model.dispose();
  }
}

/** One evaluation from every rank's share of the test set (sums of per-rank figures; unchanged in a single process). */
function combineEvaluations(local: EvalResult): EvalResult {
  if (processGroup() === undefined) return local;
  const n = local.count;
  const total = (mean: number): number => (n === 0 ? 0 : mean * n);
  const seconds = n === 0 ? 0 : n / local.imagesPerSecond;
  const [loss, top1, top5, count] = allReduceNumbers([total(local.loss), total(local.top1), total(local.top5), n]);
  const [slowest] = allReduceNumbers([seconds], 'max');
  return { loss: loss! / count!, top1: top1! / count!, top5: top5! / count!, count: count!, imagesPerSecond: count! / slowest! };
}

/** Loads a resumed run's checkpoint into the model and optimizer after checking it belongs to that run. */
function restoreCheckpoint(path: string, config: TrainConfig, form: ModelForm, model: Module, optimizer: SGD): { startEpoch: number; bestTop1: number } {
  const ckpt = loadCheckpoint(path);
  try {
    if (ckpt.model !== config.model) throw new TrainingError(`${path} holds a '${ckpt.model}' model but the run config says '${config.model}'`);
    if (formName(ckpt.form) !== formName(form)) throw new TrainingError(`${path} holds the ${formName(ckpt.form)} form but the run config trains the ${formName(form)} form`);
    model.loadStateDict(ckpt.state);
    if (ckpt.optimizer) optimizer.loadStateDict(ckpt.optimizer);
    if (ckpt.rngState) setRngState(Buffer.from(ckpt.rngState, 'base64'));
    return { startEpoch: ckpt.epoch, bestTop1: Number((ckpt.extra as { bestTop1?: number }).bestTop1 ?? -1) };
  } finally {
    for (const t of Object.values(ckpt.state)) t.dispose();
    for (const t of Object.values(ckpt.optimizer?.tensors ?? {})) t.dispose();
  }
}

function divergenceMessage(loss: number, epoch: number, batch: number, lr: number, runDir: string, lastGoodEpoch: number | undefined): string {
  const where = `the loss became ${loss} at epoch ${epoch + 1}, batch ${batch + 1} (lr ${formatSmall(lr)}): training stopped.`;
  if (lastGoodEpoch === undefined) {
    return `${where} No epoch had finished, so there is no checkpoint and the run directory was removed. ` +
      'Try a lower --lr or a warmup (--warmup 1); the same --run-name can be used again.';
  }
  return `${where} The last good checkpoint (epoch ${lastGoodEpoch}) is kept at ${join(runDir, 'last.safetensors')}. ` +
    'Training is deterministic, so resuming would diverge again: start a new run with a lower --lr or a warmup (--warmup 1).';
}

function formatEpoch(r: EpochRecord, epochs: number): string {
  const pct = (v: number): string => `${(100 * v).toFixed(2)}%`;
  const test = r.test ? ` | test loss ${r.test.loss.toFixed(4)} top-1 ${pct(r.test.top1)} top-5 ${pct(r.test.top5)}` : '';
  const wait = r.dataWait === undefined ? '' : `, data wait ${(100 * r.dataWait).toFixed(1)}%`;
  return `epoch ${r.epoch}/${epochs}: train loss ${r.train.loss.toFixed(4)} top-1 ${pct(r.train.top1)}${test} | ${r.seconds.toFixed(1)} s, ${Math.round(r.imagesPerSecond)} img/s${wait}`;
}

/**
 * Mixup (Zhang et al.): lambda ~ Beta(alpha, alpha) and a partner permutation, both from `seed`; the
 * batch becomes lambda·x + (1 − lambda)·x[partner]. The caller owns the returned tensors.
 */
export function mixupBatch(images: Tensor, alpha: number, seed: number): { mixed: Tensor; lambda: number; partner: Tensor } {
  const rng = new Rng(seed);
  const lambda = rng.beta(alpha);
  const perm = permutation(images.size(0), rng.int(2 ** 31));
  const partner = fromTypedArray(BigInt64Array.from(perm, (v) => BigInt(v)), [perm.length], { device: images.device });
  const shuffled = images.indexSelect(0, partner);
  const mixed = images.mul(lambda).add_(shuffled, 1 - lambda);
  shuffled.dispose();
  return { mixed, lambda, partner };
}

/** One optimisation step (inside tidy); returns the batch loss (as the callbacks shaped it) and the number of top-1 hits. */
function trainStep(model: Module, optimizer: SGD, images: Tensor, labels: Tensor, config: TrainConfig, mixSeed: number, adjustLoss: (loss: Tensor) => Tensor): { loss: number; hits: number } {
  const ce = (logits: Tensor, target: Tensor): Tensor => F.crossEntropy(logits, target, { labelSmoothing: config.labelSmoothing, labelSmoothingStyle: config.labelSmoothingStyle });
  let loss: Tensor;
  let logits: Tensor;
  if (config.mixupAlpha > 0) {
    // The loss mixes the two label sets with the same lambda; accuracy is against the unmixed labels.
    const { mixed, lambda, partner } = mixupBatch(images, config.mixupAlpha, mixSeed);
    logits = model.forward(model.formatInput(mixed));
    loss = ce(logits, labels).mul(lambda).add_(ce(logits, labels.indexSelect(0, partner)), 1 - lambda);
  } else {
    logits = model.forward(model.formatInput(images));
    loss = ce(logits, labels);
  }
  loss = adjustLoss(loss);
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
  return { loss: loss.item(), hits: topkCorrect(logits.detach(), labels, [1])[0]! };
}

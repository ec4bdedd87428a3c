// The training loop: builds model, data and optimizer from a TrainConfig, trains with the configured
// recipe, evaluates, and keeps a run directory (config.json, log.jsonl/log.csv, last and best
// checkpoints) from which a killed run resumes exactly where its last checkpoint left it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import * as F from '../engine/functional.js';
import { SGD } from '../engine/optim.js';
import { getRngState, manualSeed, setNumThreads, defaultNumThreads, setRngState, startAllocatorPhase } from '../engine/runtime.js';
import { tidy } from '../engine/scope.js';
import type { Tensor } from '../engine/tensor.js';
import { balancedSubset, type Dataset, type DatasetSpec, getDatasetSpec, selectClasses } from '../data/datasets.js';
import { DataLoader } from '../data/loader.js';
import { dataTransforms } from '../data/pipelines.js';
import { hashInts } from '../data/rng.js';
import { buildModel, formName, type ModelForm } from '../convert/form.js';
import { type TrainingWorld, trainingWorld } from './world.js';
import { classifierOf, getModelSpec, type ModelOptions, type ModelSpec } from '../models/index.js';
import type { Module } from '../nn/module.js';
import { formatSmall, plural } from '../util/format.js';
import { type CheckpointMeta, loadCheckpoint } from '../convert/checkpoint.js';
import { configForm, type TrainConfig, validateConfig } from './config.js';
import { type EpochRecord, type RecoveryPoint, resolveRun, RunDirectory, TrainingError, type TrainOptions } from './run-directory.js';

export { resolveResume, TrainingError, type EpochRecord, type TrainOptions } from './run-directory.js';
import { batchOn, evaluate, topkCorrect, type EvalResult } from './metrics.js';
import { paramGroups, type NamedGroup } from './param_groups.js';
import { freeze, frozenModules, modelFromWeights, parametersOf } from './fine-tune.js';
import { trainingProgress } from '../nn/training.js';
import { type BatchContext, type LossOf, recipeCallbacks, type TrainCallback } from './callbacks.js';

export { mixupBatch } from './mixup.js';
import { Progress } from './progress.js';
import { buildSchedule, restartCycle } from './schedule.js';

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
  /** What the run works around (a skipped bad image), from every rank; default: stderr, also when quiet. */
  warn?(line: string): void;
}

/**
 * Trains a model from a config (or resumes the run at `resume`) and returns its results. Everything
 * is validated and built before the run directory is created; a run that fails before its first
 * checkpoint removes the directory it created, so its name can be used again.
 */
/**
 * The model options a run trains with: the config's, else the data's class count, channels and image size (the model's
 * own input size for image files, which are resized).
 */
export function runModelOptions(config: TrainConfig, trainSet: Dataset): Required<Omit<ModelOptions, 'features'>> {
  const nativeSize = trainSet.kind === 'memory' ? trainSet.shape[1] : getModelSpec(config.model).inputSize[1];
  return {
    numClasses: config.numClasses ?? trainSet.classes.length,
    inChannels: config.inChannels ?? (trainSet.kind === 'memory' ? trainSet.shape[0] : 3),
    inputSize: config.inputSize ?? nativeSize,
    args: config.modelArgs ?? {},
  };
}

/** The model of a fine-tuning run, from its weights; says what was adapted. */
async function initializedModel(file: string, name: string, options: Required<Omit<ModelOptions, 'features'>>, form: ModelForm, log: (line: string) => void): Promise<Module> {
  const { model, notes } = await modelFromWeights(file, name, options, form);
  log(`initialised from ${file}`);
  for (const note of notes) log(`  ${note}`);
  return model;
}

export async function train(configIn: TrainOptions, hooks: TrainHooks = {}): Promise<TrainResult> {
  const started = performance.now();
  // Data-parallel runs: every rank trains, rank 0 alone prints and writes the run directory.
  const world = trainingWorld();
  const progress = world.isMain ? hooks.progress ?? new Progress() : new Progress(process.stderr, 15, false);
  const log = world.isMain ? hooks.log ?? ((line: string) => progress.line(line)) : () => undefined;

  const { config, runDir, resumeFrom, recordedEpochs } = resolveRun(configIn);
  validateConfig(config);
  const run = new RunDirectory(runDir, world.isMain);
  const modelSpec = getModelSpec(config.model);
  const dataSpec = getDatasetSpec(config.dataset);
  const dataDir = config.dataDir ?? dataSpec.defaultDir;
  if (dataDir === undefined) throw new TrainingError(`dataset '${config.dataset}' needs a directory (--data-dir)`);
  if (resumeFrom === undefined) run.checkFree();
  setNumThreads(config.threads ?? defaultNumThreads());
  const { trainSet, testSet } = loadSplits(config, dataSpec, dataDir);
  world.check(config);

  const modelOptions = runModelOptions(config, trainSet);
  if (modelOptions.numClasses < trainSet.classes.length) {
    throw new TrainingError(`the model has ${modelOptions.numClasses} outputs but ${config.dataset} has ${trainSet.classes.length} classes`);
  }
  const input: [number, number, number] = [modelOptions.inChannels, modelOptions.inputSize, modelOptions.inputSize];
  const pipelines = dataTransforms(dataSpec, trainSet, input, config.augment);

  manualSeed(config.seed);
  const form = configForm(config);
  // A resumed fine-tuning run has the same structure; its checkpoint holds the weights.
  const model = config.init !== undefined && resumeFrom === undefined
    ? await initializedModel(config.init, config.model, modelOptions, form, log)
    : buildModel(config.model, modelOptions, form);
  model.toMemoryFormat(config.memoryFormat);
  world.adaptModel(model, config);
  model.to(config.device); // the one place the run's device is read: batches and evaluation follow the model
  let callbacks: TrainCallback[];
  let frozen: Set<string>;
  try {
    const frozenLayers = frozenModules(model, modelSpec, config.freeze ?? []);
    frozen = parametersOf(model, frozenLayers);
    callbacks = [...world.callbacks(model), ...(frozenLayers.size ? [freeze(model, frozenLayers)] : []), ...recipeCallbacks(model, config), ...(hooks.callbacks ?? [])];
  } catch (err) {
    model.dispose();
    throw err;
  }
  const { groups, optimizer } = optimizerFor(model, modelSpec, config, frozen);
  let startEpoch = 0;
  let bestTop1 = -1;
  let recovery: RecoveryPoint | undefined;
  if (resumeFrom !== undefined) {
    try {
      ({ startEpoch, bestTop1, recovery } = restoreCheckpoint(resumeFrom, config, form, model, optimizer));
      if (recovery !== undefined && recovery.worldSize !== world.worldSize) {
        throw new TrainingError(`${resumeFrom} is a recovery point inside epoch ${startEpoch + 1} of a run of ${plural(recovery.worldSize, 'process', 'processes')}: ` +
          `resume it with as many (it continues that epoch's data split exactly), or resume from ${join(runDir, 'last.safetensors')}`);
      }
    } catch (err) {
      optimizer.dispose();
      model.dispose();
      throw err;
    }
  }
  const shard = { rank: world.rank, worldSize: world.worldSize };
  const warn = hooks.warn ?? ((line: string) => void process.stderr.write(`leanconv${world.tag}: ${line}\n`));
  const onSkippedImage = (problem: string): void => warn(`skipped a bad image: ${problem}`);
  const loading = { workers: config.workers, shard, onBadImage: config.onBadImage, onSkippedImage };
  const trainLoader = new DataLoader(trainSet, { batchSize: config.batchSize, shuffle: true, dropLast: true, seed: config.seed, transforms: pipelines.train, ...loading });
  const testLoader = new DataLoader(testSet, { batchSize: config.evalBatchSize, transforms: pipelines.eval, ...loading });
  const itersPerEpoch = trainLoader.length;
  const schedule = buildSchedule(config.schedule, { baseLr: config.lr, epochs: config.epochs, itersPerEpoch, warmupEpochs: config.warmupEpochs });

  try {
    let history: EpochRecord[];
    if (resumeFrom !== undefined) {
      const recorded = recordedEpochs ?? config.epochs;
      if (config.epochs < startEpoch) throw new TrainingError(`${runDir} has already trained ${plural(startEpoch, 'epoch')}; --epochs ${config.epochs} would shorten it`);
      hooks.onStart?.({ config, runDir, startEpoch, model, trainSize: trainSet.length, testSize: testSet.length, input, resizesImages: trainSet.kind !== 'memory' });
      if (config.epochs !== recorded && world.isMain) {
        run.writeConfig(config);
        log(`extending ${runDir} from ${plural(recorded, 'epoch')} to ${config.epochs}: the ${config.schedule.name} schedule now spans ${plural(config.epochs, 'epoch')}` +
          ` (epoch ${startEpoch + 1} starts at lr ${formatSmall(schedule(startEpoch, 0))})`);
      }
      history = run.truncateLogs(startEpoch);
      if (recovery !== undefined) log(`resuming ${runDir} at batch ${recovery.batch + 1}/${itersPerEpoch} of epoch ${startEpoch + 1}/${config.epochs} (a recovery point)`);
      else if (startEpoch < config.epochs) log(`resuming ${runDir} after epoch ${startEpoch}/${config.epochs}`);
    } else {
      hooks.onStart?.({ config, runDir, startEpoch, model, trainSize: trainSet.length, testSize: testSet.length, input, resizesImages: trainSet.kind !== 'memory' });
      run.create(config);
      history = run.truncateLogs(0);
      log(`run directory: ${runDir}${world.describe(config.batchSize)}`);
    }

    const checkpointMeta = (epochsDone: number, extra: Record<string, unknown>): CheckpointMeta => ({
      model: config.model, modelOptions, form, epoch: epochsDone, rngState: Buffer.from(getRngState()).toString('base64'),
      extra: { bestTop1, classes: trainSet.classes, dataset: config.dataset, dataDir: config.dataDir, classSubset: config.classSubset, input, preprocessing: pipelines.eval, worldSize: world.worldSize, ...extra },
    });
    const session: Session = {
      model, optimizer, groups, callbacks, config, schedule, itersPerEpoch, trainLoader, testLoader, progress, world, run, checkpointMeta,
      eta: { start: performance.now(), done: recovery?.batch ?? 0, total: (config.epochs - startEpoch) * itersPerEpoch },
    };
    for (let epoch = startEpoch; epoch < config.epochs; epoch++) {
      const epochStart = performance.now();
      const record = await trainEpoch(session, epoch, epoch === startEpoch ? recovery : undefined);
      if ((epoch + 1) % config.evalEvery === 0 || epoch + 1 === config.epochs) record.test = await evaluateEpoch(session, epoch);
      record.seconds = (performance.now() - epochStart) / 1000;
      const notes = callbacks.map((c) => c.onEpochEnd?.({ model, epoch: epoch + 1 })).filter((n) => n !== undefined);
      const values = Object.assign({}, ...notes.map((n) => n.values ?? {})) as Record<string, unknown>;
      if (Object.keys(values).length > 0) record.notes = values;
      history.push(record);
      const improved = record.test !== undefined && record.test.top1 > bestTop1;
      if (improved) bestTop1 = record.test!.top1;
      run.recordEpoch(record, model, checkpointMeta(epoch + 1, { metrics: record }), optimizer.stateDict(), improved);
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
    run.removeIfUnfinished();
    throw err;
  } finally {
    for (const callback of callbacks) callback.close?.();
    await trainLoader.close();
    await testLoader.close();
    optimizer.dispose();
    model.dispose();
  }
}

/** What one epoch of training needs (built once by train()). */
interface Session {
  model: Module;
  optimizer: SGD;
  groups: NamedGroup[];
  callbacks: TrainCallback[];
  config: TrainConfig;
  schedule: (epoch: number, iter: number) => number;
  itersPerEpoch: number;
  trainLoader: DataLoader;
  testLoader: DataLoader;
  progress: Progress;
  world: TrainingWorld;
  run: RunDirectory;
  /** A checkpoint's metadata after `epochsDone` epochs (and, for a recovery point, some batches more). */
  checkpointMeta(epochsDone: number, extra: Record<string, unknown>): CheckpointMeta;
  /** Steps done and to do in this call, for the ETA. */
  eta: { start: number; done: number; total: number };
}

/** The run's train and test splits: the classes asked for, the training subset asked for; refused when they disagree. */
function loadSplits(config: TrainConfig, dataSpec: DatasetSpec, dataDir: string): { trainSet: Dataset; testSet: Dataset } {
  const ofClasses = <D extends Dataset>(d: D): D => (config.classSubset === undefined ? d : selectClasses(d, config.classSubset));
  const fullTrainSet = ofClasses(dataSpec.load(dataDir, 'train'));
  const trainSet = config.trainSubset === undefined ? fullTrainSet : balancedSubset(fullTrainSet, config.trainSubset, config.seed);
  const testSet = ofClasses(dataSpec.load(dataDir, 'test'));
  if (testSet.classes.length !== trainSet.classes.length) {
    const hint = trainSet.kind === 'shards' ? ' (shards name their classes by index: a classes.txt beside train/ and val/, one name per line, gives both splits the same classes)' : '';
    throw new TrainingError(`${dataDir}: the train split has ${trainSet.classes.length} classes, the test split ${testSet.classes.length}${hint}`);
  }
  if (Math.floor(trainSet.length / config.batchSize) === 0) throw new TrainingError(`batch size ${config.batchSize} is larger than the training set (${trainSet.length} images)`);
  return { trainSet, testSet };
}

/** SGD over the model's parameter groups (weight decay rules, frozen layers left out, the backbone's lr multiplier). */
function optimizerFor(model: Module, modelSpec: ModelSpec, config: TrainConfig, frozen: Set<string>): { groups: NamedGroup[]; optimizer: SGD } {
  const classifier = `${classifierOf(model, modelSpec).path}.`;
  const backboneLr = config.backboneLrMultiplier ?? 1;
  const groups: NamedGroup[] = paramGroups(model, config.lr, {
    ...config, frozen, lrMultiplierOf: backboneLr === 1 ? undefined : (name) => (name.startsWith(classifier) ? 1 : backboneLr),
  });
  return { groups, optimizer: new SGD(groups, { lr: config.lr, momentum: config.momentum, nesterov: config.nesterov }) };
}

/** One epoch's optimisation steps (from a recovery point's batch, when given); returns its record, not yet evaluated. */
async function trainEpoch(s: Session, epoch: number, resume?: RecoveryPoint): Promise<EpochRecord> {
  const { model, optimizer, groups, callbacks, config, itersPerEpoch, world } = s;
  model.train();
  const device = model.device; // batches follow the model, as in evaluation
  const epochStart = performance.now() - (resume?.seconds ?? 0) * 1000;
  // A recovery point holds the figures summed over the ranks: rank 0 carries them, and the epoch's sum adds the rest.
  const carried = resume !== undefined && world.carriesFigures(resume) ? resume : undefined;
  let [lossSum, correct, seen, lr] = [carried?.lossSum ?? 0, carried?.correct ?? 0, carried?.seen ?? 0, config.lr];
  const cycle = restartCycle(config.schedule, epoch);
  world.seedEpoch(config.seed, epoch, resume);
  let waited = resume?.waited ?? 0;
  let waitStart = performance.now();
  const recoveryPoints = recoverySchedule(config, world);
  for await (const batch of s.trainLoader.epoch(epoch, resume?.batch ?? 0)) {
    waited += performance.now() - waitStart;
    const { images, labels, index } = batchOn(device, batch);
    lr = s.schedule(epoch, index);
    optimizer.paramGroups.forEach((g, i) => (g.lr = lr * groups[i]!.lrMultiplier));
    const n = labels.size(0);
    const context: BatchContext = { model, batchSeed: hashInts(config.seed, epoch, index, 0x3170), ...trainingProgress(epoch, index, config.epochs, itersPerEpoch, cycle) };
    let step: { loss: number; hits: number };
    try {
      for (const callback of callbacks) callback.onBatchStart?.(context);
      step = tidy(() => trainStep(model, optimizer, images, labels, config, callbacks, context));
    } finally {
      images.dispose();
      labels.dispose();
    }
    if (!Number.isFinite(step.loss)) throw new TrainingError(divergenceMessage(step.loss, epoch, index, lr, s.run.path, existsSync(s.run.lastCheckpoint) ? epoch : undefined));
    lossSum += step.loss * n;
    correct += step.hits;
    seen += n;
    s.eta.done++;
    const elapsed = (performance.now() - s.eta.start) / 1000;
    s.progress.update({
      epoch: epoch + 1, epochs: config.epochs, batch: index + 1, batches: itersPerEpoch, loss: lossSum / seen, acc: correct / seen,
      imagesPerSecond: (seen * world.worldSize) / ((performance.now() - epochStart) / 1000), lr, eta: (elapsed / s.eta.done) * (s.eta.total - s.eta.done),
    });
    if (index + 1 < itersPerEpoch && recoveryPoints.due(index)) {
      const [totalLoss, totalCorrect, totalSeen] = world.sum([lossSum, correct, seen]);
      const [slowest] = world.max([waited]);
      const point: RecoveryPoint = {
        batch: index + 1, lossSum: totalLoss!, correct: totalCorrect!, seen: totalSeen!, waited: slowest!, seconds: (performance.now() - epochStart) / 1000,
        worldSize: world.worldSize, rngStates: world.rngStates(),
      };
      s.run.recordRecoveryPoint(model, s.checkpointMeta(epoch, { recovery: point }), optimizer.stateDict());
    }
    waitStart = performance.now();
  }
  s.progress.done();
  const trainSeconds = (performance.now() - epochStart) / 1000;
  [lossSum, correct, seen] = world.sum([lossSum, correct, seen]);
  const [slowestWait] = world.max([waited]);
  return { epoch: epoch + 1, lr, train: { loss: lossSum! / seen!, top1: correct! / seen! }, seconds: 0, imagesPerSecond: seen! / trainSeconds, dataWait: slowestWait! / 1000 / trainSeconds };
}

/** When an epoch writes its recovery points: every N batches, or every N minutes (decided alike on every rank). */
function recoverySchedule(config: TrainConfig, world: TrainingWorld): { due(index: number): boolean } {
  const every = config.checkpointEvery;
  if (every === undefined) return { due: () => false };
  if ('batches' in every) return { due: (index) => (index + 1) % every.batches === 0 };
  let last = performance.now();
  return {
    due: () => {
      const due = world.any(performance.now() - last >= every.minutes * 60_000);
      if (due) last = performance.now();
      return due;
    },
  };
}

async function evaluateEpoch(s: Session, epoch: number): Promise<EvalResult> {
  for (const callback of s.callbacks) callback.beforeEvaluate?.({ model: s.model, epoch: epoch + 1 });
  // Evaluation (another batch size, no gradients) allocates other block sizes than training: the
  // allocator's cache follows one phase at a time instead of holding both.
  startAllocatorPhase();
  const result = s.world.combine(await evaluate(s.model, s.testLoader));
  startAllocatorPhase();
  return result;
}

/** One evaluation from every rank's share of the test set (sums of per-rank figures; unchanged in a single process). */
/** Loads a resumed run's checkpoint into the model and optimizer after checking it belongs to that run. */
function restoreCheckpoint(path: string, config: TrainConfig, form: ModelForm, model: Module, optimizer: SGD): { startEpoch: number; bestTop1: number; recovery?: RecoveryPoint } {
  const ckpt = loadCheckpoint(path);
  try {
    if (ckpt.model !== config.model) throw new TrainingError(`${path} holds a '${ckpt.model}' model but the run config says '${config.model}'`);
    if (formName(ckpt.form) !== formName(form)) throw new TrainingError(`${path} holds the ${formName(ckpt.form)} form but the run config trains the ${formName(form)} form`);
    model.loadStateDict(ckpt.state);
    if (ckpt.optimizer) optimizer.loadStateDict(ckpt.optimizer);
    if (ckpt.rngState) setRngState(Buffer.from(ckpt.rngState, 'base64'));
    const extra = ckpt.extra as { bestTop1?: number; recovery?: RecoveryPoint };
    return { startEpoch: ckpt.epoch, bestTop1: Number(extra.bestTop1 ?? -1), recovery: extra.recovery };
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
 * One optimisation step (inside tidy); returns the batch loss (as the callbacks shaped it) and the number of top-1 hits
 * (against the batch's own labels, also when a callback trains on transformed images).
 */
function trainStep(model: Module, optimizer: SGD, images: Tensor, labels: Tensor, config: TrainConfig, callbacks: readonly TrainCallback[], context: BatchContext): { loss: number; hits: number } {
  const ce: LossOf = (logits, target) => F.crossEntropy(logits, target, { labelSmoothing: config.labelSmoothing, labelSmoothingStyle: config.labelSmoothingStyle });
  const transform = callbacks.find((c) => c.transformBatch !== undefined)?.transformBatch?.({ images, labels }, context);
  const logits = model.forward(model.formatInput(transform?.images ?? images));
  let loss = transform ? transform.loss(logits, ce) : ce(logits, labels);
  loss = callbacks.reduce((l, c) => c.adjustLoss?.(l, context) ?? l, loss);
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
  return { loss: loss.item(), hits: topkCorrect(logits.detach(), labels, [1])[0]! };
}

#!/usr/bin/env node
// The `leanconv` command: models, info, train, eval, benchmark, checks.
import { existsSync } from 'node:fs';

import { buildInfo, defaultNumThreads, setNumThreads } from '../engine/runtime.js';
import { formatProfile, measureThroughput, profileModel } from '../analysis/index.js';
import { DataLoader } from '../data/loader.js';
import { DATASETS, getDatasetSpec } from '../data/datasets.js';
import { createModel, getModelSpec, listModels } from '../models/index.js';
import { loadModel, readCheckpointMeta } from '../train/checkpoint.js';
import { DEFAULT_CONFIG, PRESETS, type TrainConfig } from '../train/config.js';
import { evaluate } from '../train/metrics.js';
import { Progress } from '../train/progress.js';
import type { ScheduleSpec } from '../train/schedule.js';
import { dataTransforms, train } from '../train/trainer.js';
import { unknownNameMessage } from '../util/suggest.js';
import { inputShape, list, num, parse, UsageError, type OptionSpec } from './args.js';

const out = (s: string): void => void process.stdout.write(`${s}\n`);
const printJson = (v: unknown): void => out(JSON.stringify(v, null, 2));
const HELP: OptionSpec = { help: { type: 'boolean', short: 'h' } };

const USAGE = `leanconv: efficient convolutional networks on libtorch. Train rich, deploy lean.

usage: leanconv <command> [options]   (leanconv <command> --help for its options)

commands:
  models [pattern]     list the registered models (glob pattern, e.g. 'resnet*')
  info <model>         parameters and multiply-accumulates, per layer with --layers
  train                train a model (default: ${DEFAULT_CONFIG.model} on ${DEFAULT_CONFIG.dataset}), evaluate, checkpoint
  eval <checkpoint>    evaluate a checkpoint on a dataset's test split
  benchmark <model>    training and inference images/s
  checks               engine build facts: libtorch, BLAS, oneDNN, threads, CUDA`;

// --- models -------------------------------------------------------------------------------------------
function cmdModels(argv: string[]): void {
  const { values, positionals } = parse(argv, { ...HELP, json: { type: 'boolean' } }, 'models');
  if (values.help) return out('usage: leanconv models [pattern] [--json]\n\nLists registered models, grouped by family; pattern is a glob (resnet*, *cifar*).');
  const names = listModels(positionals[0] ?? '*');
  const specs = names.map(getModelSpec);
  if (values.json) return printJson(specs.map(({ create: _c, ...s }) => s));
  if (names.length === 0) throw new UsageError(`no model matches '${positionals[0]}'; run leanconv models to see them all`);
  const families = [...new Set(specs.map((s) => s.family))].sort();
  for (const family of families) {
    out(`${family}:`);
    for (const s of specs.filter((x) => x.family === family)) {
      out(`  ${s.name.padEnd(18)} ${`${s.inputSize.join('x')}`.padEnd(10)} ${String(s.defaultNumClasses).padStart(4)} classes  ${s.description}`);
    }
  }
}

// --- info ---------------------------------------------------------------------------------------------
const MODEL_SHAPE_OPTIONS: OptionSpec = {
  'num-classes': { type: 'string' },
  'in-channels': { type: 'string' },
  input: { type: 'string' },
};

function cmdInfo(argv: string[]): void {
  const { values, positionals } = parse(argv, { ...HELP, ...MODEL_SHAPE_OPTIONS, layers: { type: 'boolean' }, json: { type: 'boolean' } }, 'info');
  if (values.help || positionals.length !== 1) {
    return out(`usage: leanconv info <model | checkpoint.safetensors> [--num-classes N] [--in-channels C] [--input S | C,H,W] [--layers] [--json]

Counts parameters and conv+linear multiply-accumulates (per image) by running the model on one input.`);
  }
  const target = positionals[0]!;
  let model;
  let name = target;
  let shape: [number, number, number];
  if (target.endsWith('.safetensors') && existsSync(target)) {
    const loaded = loadModel(target);
    model = loaded.model;
    name = loaded.meta.model;
    const o = loaded.meta.modelOptions;
    shape = inputShape(values.input as string | undefined, [o.inChannels ?? 3, o.inputSize ?? 32, o.inputSize ?? 32]);
  } else {
    const spec = getModelSpec(target);
    const inChannels = num(values, 'in-channels', { integer: true, min: 1 });
    shape = inputShape(values.input as string | undefined, spec.inputSize, inChannels);
    model = createModel(target, { numClasses: num(values, 'num-classes', { integer: true, min: 1 }), inChannels: shape[0], inputSize: shape[1] });
  }
  try {
    const profile = profileModel(model, shape);
    if (values.json) return printJson({ model: name, ...profile, layers: values.layers ? profile.layers : undefined });
    out(`${name}`);
    out(formatProfile(profile, { layers: Boolean(values.layers) }));
  } finally {
    model.dispose();
  }
}

// --- train --------------------------------------------------------------------------------------------
const TRAIN_OPTIONS: OptionSpec = {
  ...HELP,
  model: { type: 'string', short: 'm' },
  dataset: { type: 'string', short: 'd' },
  'data-dir': { type: 'string' },
  preset: { type: 'string' },
  epochs: { type: 'string', short: 'e' },
  'batch-size': { type: 'string', short: 'b' },
  'eval-batch-size': { type: 'string' },
  lr: { type: 'string' },
  momentum: { type: 'string' },
  'no-nesterov': { type: 'boolean' },
  'weight-decay': { type: 'string' },
  'decay-bias-norm': { type: 'boolean' },
  'bias-lr-mult': { type: 'string' },
  schedule: { type: 'string' },
  milestones: { type: 'string' },
  gamma: { type: 'string' },
  t0: { type: 'string' },
  tmult: { type: 'string' },
  'min-lr': { type: 'string' },
  warmup: { type: 'string' },
  'label-smoothing': { type: 'string' },
  mixup: { type: 'string' },
  'no-augment': { type: 'boolean' },
  'num-classes': { type: 'string' },
  'in-channels': { type: 'string' },
  'input-size': { type: 'string' },
  seed: { type: 'string' },
  workers: { type: 'string' },
  threads: { type: 'string' },
  'out-dir': { type: 'string' },
  'run-name': { type: 'string' },
  'eval-every': { type: 'string' },
  resume: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  json: { type: 'boolean' },
};

const TRAIN_HELP = `usage: leanconv train [options]

Trains a model, evaluates it on the test split after every epoch, and keeps a run directory
(<out-dir>/<date>-<model>-<dataset>/: config.json, log.jsonl, log.csv, last.safetensors, best.safetensors).

model and data:
  -m, --model NAME         registry name (default ${DEFAULT_CONFIG.model}; leanconv models lists them)
  -d, --dataset NAME       ${Object.keys(DATASETS).join(' | ')} (default ${DEFAULT_CONFIG.dataset})
      --data-dir DIR       dataset directory (Fashion-MNIST defaults to the Debian package's)
      --num-classes N --in-channels C --input-size S   model shape (default: from the dataset)
      --no-augment         no random crop / flip
recipe:
      --preset NAME        ${Object.entries(PRESETS).map(([k, v]) => `${k}: ${v.description}`).join('\n                           ')}
  -e, --epochs N           (default ${DEFAULT_CONFIG.epochs})
  -b, --batch-size N       (default ${DEFAULT_CONFIG.batchSize}); --eval-batch-size N (default ${DEFAULT_CONFIG.evalBatchSize})
      --lr X --momentum X --no-nesterov --weight-decay X   (defaults ${DEFAULT_CONFIG.lr}, ${DEFAULT_CONFIG.momentum}, nesterov, ${DEFAULT_CONFIG.weightDecay})
      --decay-bias-norm    weight decay on biases and BN parameters too
      --bias-lr-mult X     learning-rate multiplier for biases (ACNet: 2)
      --schedule NAME      cosine (per iteration) | multistep | sgdr (per epoch) | constant (default cosine)
      --milestones 30,60 --gamma 0.1   multistep; --t0 10 --tmult 2   sgdr; --min-lr X
      --warmup EPOCHS      linear warmup
      --label-smoothing X  --mixup ALPHA
run:
      --seed N --workers N (loader threads) --threads N (libtorch threads)
      --out-dir DIR (default ${DEFAULT_CONFIG.outDir}) --run-name NAME --eval-every N
      --resume RUN_DIR|CHECKPOINT   continue a stopped run exactly where its last checkpoint left it
  -q, --quiet              no progress output; --json prints the result as JSON`;

function scheduleFrom(values: Record<string, unknown>, base: ScheduleSpec): ScheduleSpec {
  const name = (values.schedule as string | undefined) ?? base.name;
  const minLr = num(values, 'min-lr', { min: 0 });
  switch (name) {
    case 'cosine': return { name, minLr: minLr ?? (base.name === 'cosine' ? base.minLr : undefined) };
    case 'constant': return { name };
    case 'multistep': {
      const milestones = list(values, 'milestones') ?? (base.name === 'multistep' ? base.milestones : undefined);
      if (milestones === undefined) throw new UsageError('--schedule multistep needs --milestones (e.g. 50,75)');
      return { name, milestones, gamma: num(values, 'gamma', { min: 0 }) ?? (base.name === 'multistep' ? base.gamma : 0.1) };
    }
    case 'sgdr':
      return { name, t0: num(values, 't0', { min: 1 }) ?? (base.name === 'sgdr' ? base.t0 : 10), tmult: num(values, 'tmult', { min: 1 }) ?? (base.name === 'sgdr' ? base.tmult : 2), minLr };
    default:
      throw new UsageError(unknownNameMessage('schedule', name, ['cosine', 'multistep', 'sgdr', 'constant']));
  }
}

export function trainConfigFrom(values: Record<string, unknown>): Partial<TrainConfig> {
  const preset = values.preset as string | undefined;
  if (preset !== undefined && PRESETS[preset] === undefined) throw new UsageError(unknownNameMessage('preset', preset, Object.keys(PRESETS)));
  const base: TrainConfig = { ...DEFAULT_CONFIG, ...(preset ? PRESETS[preset]!.config : {}) };
  const pick = <T>(v: T | undefined, d: T): T => (v === undefined ? d : v);
  const model = pick(values.model as string | undefined, base.model);
  getModelSpec(model);
  const dataset = pick(values.dataset as string | undefined, base.dataset);
  getDatasetSpec(dataset);
  return {
    ...base,
    model,
    dataset,
    dataDir: values['data-dir'] as string | undefined,
    epochs: pick(num(values, 'epochs', { integer: true, min: 1 }), base.epochs),
    batchSize: pick(num(values, 'batch-size', { integer: true, min: 1 }), base.batchSize),
    evalBatchSize: pick(num(values, 'eval-batch-size', { integer: true, min: 1 }), base.evalBatchSize),
    lr: pick(num(values, 'lr', { min: 0 }), base.lr),
    momentum: pick(num(values, 'momentum', { min: 0 }), base.momentum),
    nesterov: values['no-nesterov'] ? false : base.nesterov,
    weightDecay: pick(num(values, 'weight-decay', { min: 0 }), base.weightDecay),
    decayBiasAndNorm: values['decay-bias-norm'] ? true : base.decayBiasAndNorm,
    biasLrMultiplier: pick(num(values, 'bias-lr-mult', { min: 0 }), base.biasLrMultiplier),
    schedule: scheduleFrom(values, base.schedule),
    warmupEpochs: pick(num(values, 'warmup', { min: 0 }), base.warmupEpochs),
    labelSmoothing: pick(num(values, 'label-smoothing', { min: 0 }), base.labelSmoothing),
    mixupAlpha: pick(num(values, 'mixup', { min: 0 }), base.mixupAlpha),
    augment: values['no-augment'] ? false : base.augment,
    numClasses: num(values, 'num-classes', { integer: true, min: 1 }),
    inChannels: num(values, 'in-channels', { integer: true, min: 1 }),
    inputSize: num(values, 'input-size', { integer: true, min: 1 }),
    seed: pick(num(values, 'seed', { integer: true, min: 0 }), base.seed),
    workers: pick(num(values, 'workers', { integer: true, min: 0 }), base.workers),
    threads: num(values, 'threads', { integer: true, min: 1 }),
    outDir: pick(values['out-dir'] as string | undefined, base.outDir),
    runName: values['run-name'] as string | undefined,
    evalEvery: pick(num(values, 'eval-every', { integer: true, min: 1 }), base.evalEvery),
  };
}

async function cmdTrain(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, TRAIN_OPTIONS, 'train');
  if (values.help) return out(TRAIN_HELP);
  if (positionals.length) throw new UsageError(`train: unexpected argument '${positionals[0]}' (the model is given with --model)`);
  const quiet = Boolean(values.quiet);
  const progress = new Progress(process.stderr, 15, !quiet);
  const config = values.resume !== undefined ? { resume: values.resume as string } : trainConfigFrom(values);
  if (!quiet && values.resume === undefined) {
    const c = config as TrainConfig;
    const info = buildInfo();
    progress.line(`leanconv: training ${c.model} on ${c.dataset} for ${c.epochs} epochs (batch ${c.batchSize}, lr ${c.lr}, ${c.schedule.name}) | libtorch ${info.torchVersion}, ${c.threads ?? defaultNumThreads()} threads, ${info.blas}`);
  }
  const result = await train(config, { progress });
  if (values.json) return printJson(result);
  const f = result.final;
  out(f ? `test accuracy: ${(100 * f.top1).toFixed(2)}% top-1, ${(100 * f.top5).toFixed(2)}% top-5 (loss ${f.loss.toFixed(4)}) after ${result.epochs} epochs in ${(result.seconds / 60).toFixed(1)} min; checkpoints in ${result.runDir}` : `done: ${result.runDir}`);
}

// --- eval ---------------------------------------------------------------------------------------------
async function cmdEval(argv: string[]): Promise<void> {
  const opts: OptionSpec = { ...HELP, dataset: { type: 'string', short: 'd' }, 'data-dir': { type: 'string' }, 'batch-size': { type: 'string', short: 'b' }, workers: { type: 'string' }, threads: { type: 'string' }, json: { type: 'boolean' } };
  const { values, positionals } = parse(argv, opts, 'eval');
  if (values.help || positionals.length !== 1) {
    return out('usage: leanconv eval <checkpoint.safetensors> [--dataset NAME] [--data-dir DIR] [--batch-size N] [--json]\n\nEvaluates on the test split of the dataset the checkpoint was trained on (or --dataset).');
  }
  setNumThreads(num(values, 'threads', { integer: true, min: 1 }) ?? defaultNumThreads());
  const path = positionals[0]!;
  const meta = readCheckpointMeta(path);
  const extra = meta.extra as { dataset?: string; input?: [number, number, number] };
  const datasetName = (values.dataset as string | undefined) ?? extra.dataset;
  if (datasetName === undefined) throw new UsageError(`eval: ${path} does not record its dataset; pass --dataset`);
  const spec = getDatasetSpec(datasetName);
  const dir = (values['data-dir'] as string | undefined) ?? spec.defaultDir;
  if (dir === undefined) throw new UsageError(`eval: dataset '${datasetName}' needs --data-dir`);
  const { model } = loadModel(path);
  const testSet = spec.load(dir, 'test');
  const input = extra.input ?? [meta.modelOptions.inChannels ?? 3, meta.modelOptions.inputSize ?? 32, meta.modelOptions.inputSize ?? 32];
  const loader = new DataLoader(testSet, { batchSize: num(values, 'batch-size', { integer: true, min: 1 }) ?? 500, transforms: dataTransforms(spec, testSet, input, false).eval, workers: num(values, 'workers', { integer: true, min: 0 }) ?? 1 });
  try {
    const r = await evaluate(model, loader);
    if (values.json) return printJson({ checkpoint: path, model: meta.model, dataset: datasetName, ...r });
    out(`${meta.model} on ${datasetName} test (${r.count} images): top-1 ${(100 * r.top1).toFixed(2)}%, top-5 ${(100 * r.top5).toFixed(2)}%, loss ${r.loss.toFixed(4)} (${Math.round(r.imagesPerSecond)} img/s)`);
  } finally {
    await loader.close();
    model.dispose();
  }
}

// --- benchmark ----------------------------------------------------------------------------------------
function cmdBenchmark(argv: string[]): void {
  const opts: OptionSpec = {
    ...HELP, ...MODEL_SHAPE_OPTIONS, 'batch-size': { type: 'string', short: 'b' }, mode: { type: 'string' }, steps: { type: 'string' },
    warmup: { type: 'string' }, threads: { type: 'string' }, json: { type: 'boolean' },
  };
  const { values, positionals } = parse(argv, opts, 'benchmark');
  if (values.help || positionals.length !== 1) {
    return out('usage: leanconv benchmark <model> [--batch-size N] [--mode train|infer|both] [--steps N] [--warmup N] [--input S | C,H,W] [--num-classes N] [--threads N] [--json]\n\nMedian images/s of training steps (forward + backward + SGD) and of inference batches on random data.');
  }
  const mode = (values.mode as string | undefined) ?? 'both';
  if (!['train', 'infer', 'both'].includes(mode)) throw new UsageError(unknownNameMessage('mode', mode, ['train', 'infer', 'both']));
  setNumThreads(num(values, 'threads', { integer: true, min: 1 }) ?? defaultNumThreads());
  const spec = getModelSpec(positionals[0]!);
  const shape = inputShape(values.input as string | undefined, spec.inputSize, num(values, 'in-channels', { integer: true, min: 1 }));
  const numClasses = num(values, 'num-classes', { integer: true, min: 1 }) ?? spec.defaultNumClasses;
  const model = createModel(spec.name, { numClasses, inChannels: shape[0], inputSize: shape[1] });
  try {
    const batchSize = num(values, 'batch-size', { integer: true, min: 1 }) ?? 64;
    const r = measureThroughput(model, { batchSize, input: shape, numClasses, mode: mode as 'train', steps: num(values, 'steps', { integer: true, min: 1 }), warmup: num(values, 'warmup', { integer: true, min: 0 }) });
    if (values.json) return printJson({ model: spec.name, input: shape, threads: buildInfo().threads, ...r });
    out(`${spec.name}, batch ${batchSize}, input ${shape.join('x')}, ${buildInfo().threads} threads`);
    if (r.train) out(`  train: ${r.train.imagesPerSecond.toFixed(1)} img/s (${r.train.msPerStep.toFixed(1)} ms/step)`);
    if (r.infer) out(`  infer: ${r.infer.imagesPerSecond.toFixed(1)} img/s (${r.infer.msPerBatch.toFixed(1)} ms/batch)`);
  } finally {
    model.dispose();
  }
}

// --- checks -------------------------------------------------------------------------------------------
function cmdChecks(argv: string[]): void {
  const { values } = parse(argv, { ...HELP, json: { type: 'boolean' } }, 'checks');
  if (values.help) return out('usage: leanconv checks [--json]\n\nPrints how the engine was built and what it runs on.');
  const info = buildInfo();
  if (values.json) return printJson(info);
  for (const [k, v] of Object.entries(info)) out(`${k.padEnd(16)} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
}

const COMMANDS: Record<string, (argv: string[]) => void | Promise<void>> = {
  models: cmdModels, info: cmdInfo, train: cmdTrain, eval: cmdEval, benchmark: cmdBenchmark, checks: cmdChecks,
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    out(USAGE);
    return command === undefined ? 1 : 0;
  }
  const run = COMMANDS[command];
  try {
    if (run === undefined) throw new UsageError(unknownNameMessage('command', command, Object.keys(COMMANDS)));
    await run(rest);
    return 0;
  } catch (err) {
    const e = err as Error;
    process.stderr.write(`leanconv ${command}: ${e.message}\n`);
    if (process.env.LEANCONV_DEBUG) process.stderr.write(`${e.stack}\n`);
    return err instanceof UsageError ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));

// The options of `leanconv train` (also taken by `leanconv experiment`) and their mapping to a TrainConfig.
import { DATASETS, getDatasetSpec } from '../data/datasets.js';
import { getModelSpec } from '../models/index.js';
import { DEFAULT_CONFIG, PRESETS, RESUME_OVERRIDES, type TrainConfig, withDefaults } from '../train/config.js';
import { presetConfig, recipeOptions } from '../train/recipes.js';
import type { TrainOptions } from '../train/trainer.js';
import type { ScheduleSpec } from '../train/schedule.js';
import { unknownNameMessage } from '../util/suggest.js';
import { list, num, UsageError, type OptionSpec } from './args.js';
import { trainingFormPapers } from '../convert/reparameterize.js';
import { checkpointArgument, HELP, memoryFormatFrom, modelArgsFrom } from './common.js';
import { LAUNCH_HELP } from './launch.js';
import type { Device } from '../engine/tensor.js';

/** The train command's options: the generic ones and each paper's recipe options (registered when the papers load). */
export function trainOptions(): OptionSpec {
  return { ...GENERIC_OPTIONS, ...Object.fromEntries(recipeOptions().map((o) => [o.flag, { type: o.value.kind === 'switch' ? 'boolean' as const : 'string' as const }])) };
}

const GENERIC_OPTIONS: OptionSpec = {
  ...HELP,
  model: { type: 'string', short: 'm' },
  'model-args': { type: 'string' },
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
  'no-decay-keywords': { type: 'string' },
  schedule: { type: 'string' },
  milestones: { type: 'string' },
  gamma: { type: 'string' },
  t0: { type: 'string' },
  tmult: { type: 'string' },
  'sgdr-repeat': { type: 'string' },
  'min-lr': { type: 'string' },
  warmup: { type: 'string' },
  'label-smoothing': { type: 'string' },
  'off-target-smoothing': { type: 'boolean' },
  mixup: { type: 'string' },
  'no-augment': { type: 'boolean' },
  'num-classes': { type: 'string' },
  'in-channels': { type: 'string' },
  'input-size': { type: 'string' },
  seed: { type: 'string' },
  workers: { type: 'string' },
  'checkpoint-every': { type: 'string' },
  'on-bad-image': { type: 'string' },
  threads: { type: 'string' },
  'memory-format': { type: 'string' },
  'channels-last': { type: 'boolean' },
  'out-dir': { type: 'string' },
  'run-name': { type: 'string' },
  'eval-every': { type: 'string' },
  'sync-bn': { type: 'boolean' },
  device: { type: 'string' },
  'train-subset': { type: 'string' },
  'class-subset': { type: 'string' },
  init: { type: 'string' },
  freeze: { type: 'string' },
  'backbone-lr-mult': { type: 'string' },
  resume: { type: 'string' },
  export: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  json: { type: 'boolean' },
};

/** The recipe options' help, by paper. */
function recipeOptionsHelp(): string {
  const pad = (text: string): string => `      ${text.padEnd(20)} `;
  const indent = ' '.repeat(pad('').length);
  const papers = [...new Set(recipeOptions().map((o) => o.paper))];
  return papers.map((paper) => `${paper}:\n${recipeOptions().filter((o) => o.paper === paper)
    .map((o) => `${pad(o.usage)}${o.help.split('\n').join(`\n${indent}`)}`).join('\n')}`).join('\n');
}

/** The train command's help, with each paper's recipe options. */
export const trainHelp = (): string => `usage: leanconv train [options]

Trains a model, evaluates it on the test split after every epoch, and keeps a run directory
(<out-dir>/<YYYYMMDD-HHMMSS>-<model>-<dataset>/ by default: config.json, log.jsonl, log.csv,
last.safetensors, best.safetensors). Every option is checked before the directory is created.

model and data:
  -m, --model NAME         registry name (default ${DEFAULT_CONFIG.model}; leanconv models lists them)
      --model-args A       architecture of a configurable model (leanconv models NAME --args), e.g.
                           --model condensenet --model-args stages=4-4-4,growth=8-16-32
  -d, --dataset NAME       ${Object.keys(DATASETS).join(' | ')} (default ${DEFAULT_CONFIG.dataset})
      --data-dir DIR       dataset directory (Fashion-MNIST defaults to the Debian package's)
      --num-classes N --in-channels C --input-size S   model shape (default: from the dataset)
      --no-augment         no random crop / flip
      --train-subset N     train on a seeded, class-balanced subset of N training images (quick runs; full test split)
      --class-subset C,... train and evaluate on these classes only (indices or names, e.g. 5,6,7,8,9), labelled 0..k-1
fine-tuning:
      --init WEIGHTS       start from weights instead of a fresh initialisation: a leanconv checkpoint or run
                           directory, a PyTorch .pth / .pth.tar (e.g. torch.save(model.state_dict())) or an ACNet .h5
                           file of the same model; optimizer and schedule start fresh. When the data's class count
                           differs, the model's classifier starts freshly initialised; when its channel count differs
                           (grayscale data, RGB weights), the first conv is adapted (summed over the channels; give
                           --in-channels 3 to feed the data as RGB instead). With --acb, weights of the plain model
                           are turned into the ACNet form with their function preserved.
      --freeze N|PATH,...  keep layers fixed: N = every layer up to the output of stage N (leanconv models NAME
                           --stages lists them), or module paths (e.g. conv1,bn1,layer1); frozen batch norms
                           keep their statistics
      --backbone-lr-mult X learning-rate multiplier for every layer but the classifier (e.g. 0.1)
recipe:
      --preset NAME        a reference implementation's recipe (--preset list: each with its source and per-model
                           values): ${Object.keys(PRESETS).join(', ')}
  -e, --epochs N           (default ${DEFAULT_CONFIG.epochs})
  -b, --batch-size N       (default ${DEFAULT_CONFIG.batchSize}); --eval-batch-size N (default ${DEFAULT_CONFIG.evalBatchSize})
      --lr X --momentum X --no-nesterov --weight-decay X   (defaults ${DEFAULT_CONFIG.lr}, ${DEFAULT_CONFIG.momentum}, nesterov, ${DEFAULT_CONFIG.weightDecay})
      --decay-bias-norm    weight decay on biases and BN parameters too
      --bias-lr-mult X     learning-rate multiplier for biases (ACNet: 2)
      --no-decay-keywords K,...   no weight decay on parameters whose names contain one of these (ACNet: depth)
      --schedule NAME      cosine (per iteration) | multistep | sgdr (per epoch) | constant (default cosine)
      --milestones 30,60 --gamma 0.1   multistep; --t0 10 --tmult 2 [--sgdr-repeat 630]   sgdr; --min-lr X
      --warmup EPOCHS      linear warmup
      --label-smoothing X  --mixup ALPHA   (--off-target-smoothing: the target keeps 1-X, each other class X/(K-1))
${recipeOptionsHelp()}
run:
      --seed N --workers N (loader threads) --threads N (libtorch threads)
      --checkpoint-every N|Mm  a recovery point every N batches (or M minutes, e.g. 10m) inside each epoch: an
                           atomic recovery.safetensors from which --resume continues at that exact batch
      --on-bad-image fail|skip   an image that cannot be read: stop naming it (default), or leave it out and say so
      --device D           cpu (default), cuda or cuda:N (needs a CUDA build of libtorch: leanconv checks)
      --memory-format F    auto (default: channels-last for conv models, 1.03-1.63x faster training), nchw,
                           or channels-last (--channels-last for short); results differ only by float rounding
      --out-dir DIR (default ${DEFAULT_CONFIG.outDir}) --run-name NAME --eval-every N
      --resume RUN_DIR|CHECKPOINT   continue a stopped run exactly where its last checkpoint left it; it keeps
                           its recorded recipe and takes only --epochs (larger: extend the run; the LR
                           schedule is recomputed over the new length), --workers, --threads, --eval-batch-size, --device
      --export             after training: convert a training form (${trainingFormPapers()}) to its deploy form, export <run>/model.onnx,
                           check it against libtorch and report its test accuracy under ONNX Runtime
  -q, --quiet              no progress output; --json prints the result as JSON
${LAUNCH_HELP}`;

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
      return {
        name, t0: num(values, 't0', { min: 1 }) ?? (base.name === 'sgdr' ? base.t0 : 10), tmult: num(values, 'tmult', { min: 1 }) ?? (base.name === 'sgdr' ? base.tmult : 2), minLr,
        repeatEvery: num(values, 'sgdr-repeat', { integer: true, min: 1 }) ?? (base.name === 'sgdr' ? base.repeatEvery : undefined),
      };
    default:
      throw new UsageError(unknownNameMessage('schedule', name, ['cosine', 'multistep', 'sgdr', 'constant']));
  }
}

/** A config key's option name (evalBatchSize: eval-batch-size), and the other spellings of some options. */
const optionName = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const OPTION_ALIASES: Partial<Record<keyof TrainConfig, string[]>> = { memoryFormat: ['channels-last'] };

/** The train options a resumed run accepts: those of the config's RESUME_OVERRIDES (the rest of its recipe is in its config.json). */
const RESUME_OPTIONS: Record<string, (typeof RESUME_OVERRIDES)[number]> = Object.fromEntries(
  RESUME_OVERRIDES.flatMap((key) => [optionName(key), ...(OPTION_ALIASES[key] ?? [])].map((option) => [option, key])),
);
/** Options about this invocation's output, not the run. */
const OUTPUT_OPTIONS = new Set(['resume', 'quiet', 'json', 'export', 'help']);

/** `--resume RUN` with the options it accepts; any recipe option is refused with the reason. */
export function resumeOptionsFrom(values: Record<string, unknown>): TrainOptions {
  const refused = Object.keys(values).filter((k) => values[k] !== undefined && !OUTPUT_OPTIONS.has(k) && !(k in RESUME_OPTIONS));
  if (refused.length) {
    throw new UsageError(`--resume continues a run with the recipe in its config.json; ${refused.map((k) => `--${k}`).join(', ')} cannot change it ` +
      `(a resumed run takes only ${Object.keys(RESUME_OPTIONS).map((k) => `--${k}`).join(', ')}, and --nproc, --nnodes, --node-rank, --master-addr, --master-port to resume a data-parallel run ` +
      "with the same number of processes; --epochs larger than the run's extends it). Start a new run for another recipe.");
  }
  return {
    resume: values.resume as string,
    ...Object.fromEntries(RESUME_OVERRIDES.map((key) => [key, OVERRIDE_PARSERS[key](values)])),
  };
}

/**
 * How the options a resumed run may change (config.ts's RESUME_OVERRIDES, the one list of them) are read, for new and
 * resumed runs alike; the type makes a new override without a parser a compile error.
 */
const OVERRIDE_PARSERS: { [K in (typeof RESUME_OVERRIDES)[number]]: (values: Record<string, unknown>) => TrainConfig[K] | undefined } = {
  epochs: (v) => num(v, 'epochs', { integer: true, min: 1 }),
  workers: (v) => num(v, 'workers', { integer: true, min: 0 }),
  threads: (v) => num(v, 'threads', { integer: true, min: 1 }),
  evalBatchSize: (v) => num(v, 'eval-batch-size', { integer: true, min: 1 }),
  memoryFormat: (v) => memoryFormatFrom(v),
  device: (v) => v.device as Device | undefined,
  checkpointEvery: (v) => checkpointEveryFrom(v),
  onBadImage: (v) => badImagePolicyFrom(v),
};

/** --checkpoint-every N (batches) or Mm (minutes). */
function checkpointEveryFrom(values: Record<string, unknown>): TrainConfig['checkpointEvery'] {
  const raw = values['checkpoint-every'];
  if (raw === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(m|min)?$/.exec(String(raw).trim());
  if (m === null || Number(m[1]) <= 0 || (m[2] === undefined && !Number.isInteger(Number(m[1])))) {
    throw new UsageError(`--checkpoint-every takes a number of batches (e.g. 500) or of minutes (e.g. 10m), got '${String(raw)}'`);
  }
  return m[2] === undefined ? { batches: Number(m[1]) } : { minutes: Number(m[1]) };
}

function badImagePolicyFrom(values: Record<string, unknown>): TrainConfig['onBadImage'] {
  const raw = values['on-bad-image'];
  if (raw === undefined) return undefined;
  if (raw !== 'fail' && raw !== 'skip') throw new UsageError(`--on-bad-image takes fail or skip, got '${String(raw)}'`);
  return raw;
}

/** The config values the given recipe options set (each paper's, src/recipes), applied in registration order. */
function recipeOptionValues(values: Record<string, unknown>, base: TrainConfig): Partial<TrainConfig> {
  let config = base;
  for (const option of recipeOptions()) {
    const raw = values[option.flag];
    if (raw === undefined || raw === false) continue;
    if (option.requires && !values[option.requires.flag]) throw new UsageError(`--${option.flag} needs --${option.requires.flag} (${option.requires.why})`);
    let value: unknown = raw;
    if (option.value.kind === 'number') value = num(values, option.flag, option.value);
    else if (option.value.kind === 'text') {
      try {
        value = option.value.parse(String(raw));
      } catch (err) {
        throw new UsageError(`--${option.flag}: ${(err as Error).message}`);
      }
    }
    config = { ...config, ...option.apply(value, config) };
  }
  return config;
}

export function trainConfigFrom(values: Record<string, unknown>): Partial<TrainConfig> {
  const preset = values.preset as string | undefined;
  if (preset !== undefined && PRESETS[preset] === undefined) throw new UsageError(unknownNameMessage('preset', preset, Object.keys(PRESETS)));
  const presetModel = (values.model as string | undefined) ?? (preset ? PRESETS[preset]!.config.model : undefined) ?? DEFAULT_CONFIG.model;
  const base: TrainConfig = recipeOptionValues(values, withDefaults(preset ? presetConfig(PRESETS[preset]!, presetModel) : {})) as TrainConfig;
  const pick = <T>(v: T | undefined, d: T): T => (v === undefined ? d : v);
  const model = pick(values.model as string | undefined, base.model);
  getModelSpec(model);
  const dataset = pick(values.dataset as string | undefined, base.dataset);
  getDatasetSpec(dataset);
  return {
    ...base,
    model,
    modelArgs: modelArgsFrom(values) ?? base.modelArgs,
    dataset,
    dataDir: values['data-dir'] as string | undefined,
    epochs: pick(OVERRIDE_PARSERS.epochs(values), base.epochs),
    batchSize: pick(num(values, 'batch-size', { integer: true, min: 1 }), base.batchSize),
    evalBatchSize: pick(OVERRIDE_PARSERS.evalBatchSize(values), base.evalBatchSize),
    lr: pick(num(values, 'lr', { min: 0 }), base.lr),
    momentum: pick(num(values, 'momentum', { min: 0 }), base.momentum),
    nesterov: values['no-nesterov'] ? false : base.nesterov,
    weightDecay: pick(num(values, 'weight-decay', { min: 0 }), base.weightDecay),
    decayBiasAndNorm: values['decay-bias-norm'] ? true : base.decayBiasAndNorm,
    biasLrMultiplier: pick(num(values, 'bias-lr-mult', { min: 0 }), base.biasLrMultiplier),
    noDecayKeywords: values['no-decay-keywords'] === undefined ? base.noDecayKeywords : String(values['no-decay-keywords']).split(',').map((k) => k.trim()).filter(Boolean),
    schedule: scheduleFrom(values, base.schedule),
    warmupEpochs: pick(num(values, 'warmup', { min: 0 }), base.warmupEpochs),
    labelSmoothing: pick(num(values, 'label-smoothing', { min: 0 }), base.labelSmoothing),
    labelSmoothingStyle: values['off-target-smoothing'] ? 'offTarget' : base.labelSmoothingStyle,
    mixupAlpha: pick(num(values, 'mixup', { min: 0 }), base.mixupAlpha),
    augment: values['no-augment'] ? false : base.augment,
    trainSubset: num(values, 'train-subset', { integer: true, min: 1 }),
    classSubset: values['class-subset'] === undefined ? undefined : String(values['class-subset']).split(',').map((c) => c.trim()).filter(Boolean).map((c) => (/^\d+$/.test(c) ? Number(c) : c)),
    init: values.init === undefined ? undefined : checkpointArgument(values.init as string),
    freeze: values.freeze === undefined ? undefined : String(values.freeze).split(',').map((f) => f.trim()).filter(Boolean).map((f) => (/^\d+$/.test(f) ? Number(f) : f)),
    backboneLrMultiplier: pick(num(values, 'backbone-lr-mult', { min: 0 }), base.backboneLrMultiplier),
    numClasses: num(values, 'num-classes', { integer: true, min: 1 }),
    inChannels: num(values, 'in-channels', { integer: true, min: 1 }),
    inputSize: num(values, 'input-size', { integer: true, min: 1 }),
    seed: pick(num(values, 'seed', { integer: true, min: 0 }), base.seed),
    workers: pick(OVERRIDE_PARSERS.workers(values), base.workers),
    threads: OVERRIDE_PARSERS.threads(values),
    memoryFormat: OVERRIDE_PARSERS.memoryFormat(values) ?? base.memoryFormat,
    outDir: pick(values['out-dir'] as string | undefined, base.outDir),
    runName: values['run-name'] as string | undefined,
    evalEvery: pick(num(values, 'eval-every', { integer: true, min: 1 }), base.evalEvery),
    checkpointEvery: OVERRIDE_PARSERS.checkpointEvery(values) ?? base.checkpointEvery,
    onBadImage: OVERRIDE_PARSERS.onBadImage(values) ?? base.onBadImage,
    syncBatchNorm: values['sync-bn'] ? true : base.syncBatchNorm,
    device: OVERRIDE_PARSERS.device(values) ?? base.device,
  };
}

/** `leanconv train --preset list`: every preset with its values, source and per-model values. */
export function presetList(): string {
  const show = (config: Partial<TrainConfig>): string => Object.entries(config).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ');
  return Object.entries(PRESETS).map(([name, p]) => [
    `${name}: ${p.description}`,
    ...(p.source ? [`  source: ${p.source}`] : []),
    `  sets: ${show(p.config)}`,
    ...Object.entries(p.perModel ?? {}).map(([model, values]) => `  for ${model}: ${show(values)}`),
  ].join('\n')).join('\n');
}

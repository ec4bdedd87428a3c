#!/usr/bin/env node
// The `leanconv` command: models, info, train, eval, benchmark, checks here; convert, export and predict
// in deploy.ts; experiment in experiment.ts.
import { existsSync, readFileSync, statSync } from 'node:fs';

import { buildInfo, defaultNumThreads, deviceProblem, setNumThreads } from '../engine/runtime.js';
import type { Device } from '../engine/tensor.js';
import { formatProfile, formatReferenceCount, measureThroughput, profileModel, referenceCount } from '../analysis/index.js';
import { DataLoader } from '../data/loader.js';
import { buildModel, deployedCopy, formName, type ModelForm } from '../convert/form.js';
import { assumeCondensationStage, condensationStageOf } from '../convert/condense.js';
import { reparameterize, trainingFormBlocks } from '../convert/reparameterize.js';
import { getModelSpec, listModels } from '../models/index.js';
import { checkpointInputShape, loadModel, readCheckpointMeta } from '../train/checkpoint.js';
import { DEFAULT_CONFIG } from '../train/config.js';
import { evaluate } from '../train/metrics.js';
import { Progress } from '../train/progress.js';
import { currentWorld } from '../train/data_parallel.js';
import { train, type RunSetup, type TrainOptions } from '../train/trainer.js';
import { destroyProcessGroup, initProcessGroup, processGroupFromEnv } from '../engine/distributed.js';
import { LAUNCH_OPTIONS, launchOptionsFrom, launchWorkers, withoutLaunchOptions } from './launch.js';
import type { Module } from '../nn/module.js';
import { formatSmall, plural } from '../util/format.js';
import { unknownNameMessage } from '../util/suggest.js';
import { deployTrainingRun } from '../deploy/pipeline.js';
import { inputShape, MissingArguments, num, parse, UsageError, type OptionSpec, usage } from './args.js';
import { checkpointArgument, checkpointTestDataFrom, FORM_HELP, FORM_OPTIONS, formFrom, HELP, MODEL_ARGS_HELP, MODEL_SHAPE_OPTIONS, memoryFormatFrom, modelArgsFrom, out, printJson } from './common.js';
import { cmdConvert, cmdExport, cmdPredict } from './deploy.js';
import { cmdImport } from './import.js';
import { cmdReport } from './report.js';
import { cmdServe } from './serve.js';
import { cmdDissect } from './dissect.js';
import { cmdExperiment } from './experiment.js';
import { cmdRobustness } from './robustness.js';
import { resumeOptionsFrom, TRAIN_HELP, TRAIN_OPTIONS, trainConfigFrom } from './train_options.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const USAGE = `leanconv: efficient convolutional networks on libtorch. Train rich, deploy lean.

usage: leanconv <command> [options]   (leanconv <command> --help for its options; leanconv --version)

commands:
  models [pattern]     list the registered models (glob pattern, e.g. 'resnet*')
  info <model>         parameters and multiply-accumulates, per layer with --layers
  train                train a model (default: ${DEFAULT_CONFIG.model} on ${DEFAULT_CONFIG.dataset}), evaluate, checkpoint
  eval <checkpoint>    evaluate a checkpoint on a dataset's test split
  benchmark <model>    training and inference images/s
  import <weights.pth> a PyTorch state dict (official weights) into a leanconv checkpoint, read without executing it
  convert <checkpoint> convert a training-form (ACNet, CondenseNet, DGConv) checkpoint into its deploy form
  export <checkpoint>  write an ONNX model of a deploy-form checkpoint
  serve <run-dir|onnx>  the exported model in a local web page (onnxruntime-web: WebGPU or wasm)
  predict <model.onnx> classify images or a dataset split with ONNX Runtime
  experiment <paper>   acnet | condensenet | dgconv: a baseline and the paper's model, one recipe, converted, compared
  robustness <ckpt>    test accuracy under FGSM / PGD attacks of several budgets
  dissect <ckpt>       network dissection of a layer on a Broden-layout concept dataset
  report <run-dir...>  HTML report: curves (runs overlaid), confusion matrix, per-class accuracy, misclassified images
  checks               engine build facts: libtorch, BLAS, oneDNN, threads, CUDA`;

// --- models -------------------------------------------------------------------------------------------
function cmdModels(argv: string[]): void {
  const { values, positionals } = parse(argv, { ...HELP, args: { type: 'boolean' }, json: { type: 'boolean' } }, 'models');
  if (values.help) {
    return out('usage: leanconv models [pattern] [--args] [--json]\n\nLists registered models, grouped by family; pattern is a glob (resnet*, *cifar*).\n' +
      '--args lists the architecture arguments (--model-args) each matching model takes, with its defaults.');
  }
  const names = listModels(positionals[0] ?? '*');
  const specs = names.map(getModelSpec);
  if (values.json) return printJson(specs.map(({ create: _c, ...s }) => s));
  if (names.length === 0) throw new UsageError(`no model matches '${positionals[0]}'; run leanconv models to see them all`);
  if (values.args) {
    for (const s of specs) {
      out(`${s.name}:${s.args ? '' : ' no arguments'}`);
      const show = (v: unknown): string => (Array.isArray(v) ? v.join('-') : String(v));
      for (const [k, v] of Object.entries(s.args?.defaults ?? {})) out(`  ${`${k}=${show(v)}`.padEnd(26)} ${s.args!.help[k] ?? ''}`);
    }
    return;
  }
  const families = [...new Set(specs.map((s) => s.family))].sort();
  for (const family of families) {
    out(`${family}:`);
    for (const s of specs.filter((x) => x.family === family)) {
      out(`  ${s.name.padEnd(18)} ${`${s.inputSize.join('x')}`.padEnd(10)} ${String(s.defaultNumClasses).padStart(4)} classes  ${s.description}`);
    }
  }
}

/**
 * The model a command's positional names: a checkpoint (its recorded model, form and input shape) or a
 * registry name built with --acb/--deploy/--num-classes/--in-channels/--input.
 */
interface ModelArgument {
  model: Module;
  name: string;
  form: ModelForm;
  shape: [number, number, number];
  numClasses: number;
  /** A fresh model of the same structure (weights not copied). */
  rebuild(): Module;
  /** Something the user should know about how the arguments were taken. */
  note?: string;
}

function modelFromArgument(target: string, values: Record<string, unknown>): ModelArgument {
  if (target.endsWith('.safetensors') || (existsSync(target) && statSync(target).isDirectory())) {
    const path = checkpointArgument(target);
    if (values.acb || values.deploy || values['acb-gamma'] !== undefined || values['model-args'] !== undefined) {
      throw new UsageError(`${path} records its own form and architecture; --acb, --acb-gamma, --deploy and --model-args apply to model names only`);
    }
    const { model, meta } = loadModel(path);
    const shape = inputShape(values.input as string | undefined, checkpointInputShape(meta));
    return {
      model, name: meta.model, form: meta.form ?? {}, shape, numClasses: meta.modelOptions.numClasses ?? getModelSpec(meta.model).defaultNumClasses,
      rebuild: () => buildModel(meta.model, meta.modelOptions, meta.form),
    };
  }
  const spec = getModelSpec(target);
  const form = formFrom(values);
  const shape = inputShape(values.input as string | undefined, spec.inputSize, num(values, 'in-channels', { integer: true, min: 1 }));
  const numClasses = num(values, 'num-classes', { integer: true, min: 1 }) ?? spec.defaultNumClasses;
  const options = { numClasses, inChannels: shape[0], inputSize: shape[1], args: modelArgsFrom(values) };
  let note: string | undefined;
  if (form.deploy) {
    const trainingForm = buildModel(target, options, { ...form, deploy: false });
    if (trainingFormBlocks(trainingForm).length === 0) note = `--deploy changes nothing: ${spec.name}${form.acb ? '' : ' (without --acb)'} has no training-form blocks, so its deploy form is the same model`;
    trainingForm.dispose();
  }
  const model = buildModel(target, options, form);
  return { model, name: spec.name, form: note ? { ...form, deploy: false } : form, shape, numClasses, rebuild: () => buildModel(target, options, form), note };
}

// --- info ---------------------------------------------------------------------------------------------
function cmdInfo(argv: string[]): void {
  const { values, positionals } = parse(argv, { ...HELP, ...MODEL_SHAPE_OPTIONS, ...FORM_OPTIONS, layers: { type: 'boolean' }, json: { type: 'boolean' } }, 'info');
  if (values.help || positionals.length !== 1) {
    return usage(values.help, `usage: leanconv info <model | checkpoint.safetensors | run-dir> [--acb] [--deploy] [--model-args A] [--num-classes N] [--in-channels C] [--input S | C,H,W] [--layers] [--json]

Counts parameters and conv+linear multiply-accumulates (per image) by running the model on one input.
--input is one size S (C from the model or --in-channels) or C,H,W (also CxHxW, e.g. 1x28x28).
Models whose paper counts FLOPs its own way (CondenseNet) also get that count. A training form
(ACNet, CondenseNet, DGConv) also gets the params and MACs of the deploy form it converts to now.
${MODEL_ARGS_HELP}
${FORM_HELP}`);
  }
  const { model, name, form, shape, rebuild, note } = modelFromArgument(positionals[0]!, values);
  try {
    if (note) process.stderr.write(`note: ${note}\n`);
    const profile = profileModel(model, shape);
    const convention = getModelSpec(name).flopsConvention;
    const reference = convention === undefined ? undefined : referenceCount(convention, model, shape);
    const deploy = deployFormCost(model, rebuild, shape);
    const condensed = fullyCondensedCost(model, rebuild, shape, deploy);
    if (values.json) return printJson({ model: name, form: formName(form), ...profile, reference, deployForm: deploy, condensedDeployForm: condensed, layers: values.layers ? profile.layers : undefined });
    out(`${name} (${formName(form)} form)`);
    out(formatProfile(profile, { layers: Boolean(values.layers) }));
    if (reference) out(formatReferenceCount(reference));
    const ratio = (cost: { macs: number }): string => {
      const r = profile.macs / cost.macs;
      if (Math.abs(r - 1) < 0.005) return 'as many MACs as the training form';
      return r >= 1 ? `${r.toFixed(2)}x fewer MACs` : `${(1 / r).toFixed(2)}x more MACs`;
    };
    if (deploy) {
      out(`deploy form, as converted now: ${deploy.params.toLocaleString('en-US')} params, ${deploy.macs.toLocaleString('en-US')} MACs (${ratio(deploy)})` +
        `${condensed ? ' (the learned group convs have not condensed yet: training condenses them)' : ''}`);
    }
    if (condensed) {
      out(`deploy form once fully condensed (as at the end of training): ${condensed.params.toLocaleString('en-US')} params, ${condensed.macs.toLocaleString('en-US')} MACs (${ratio(condensed)})`);
    }
  } finally {
    model.dispose();
  }
}

/**
 * Params and MACs of a training-form model's deploy form (undefined when it has no training-form
 * blocks). The deploy structure of CondenseNet and DGConv follows what they learned (masks, gates), so
 * a fresh model's figures are those of its initial state.
 */
function deployFormCost(model: Module, rebuild: () => Module, shape: [number, number, number]): { params: number; macs: number } | undefined {
  if (trainingFormBlocks(model).length === 0) return undefined;
  const deployed = deployedCopy(model, rebuild);
  try {
    const p = profileModel(deployed, shape);
    return { params: p.params, macs: p.macs };
  } finally {
    deployed.dispose();
  }
}

/**
 * Params and MACs of the deploy form the model reaches once its learned group convs have fully condensed (as
 * at the end of CondenseNet training); undefined when there are none, or when the model is already there.
 */
function fullyCondensedCost(model: Module, rebuild: () => Module, shape: [number, number, number], now: { params: number } | undefined): { params: number; macs: number } | undefined {
  if (now === undefined || condensationStageOf(model) === undefined) return undefined;
  const copy = rebuild();
  assumeCondensationStage(copy);
  const deployed = reparameterize(copy.eval());
  try {
    const p = profileModel(deployed, shape);
    return p.params === now.params ? undefined : { params: p.params, macs: p.macs };
  } finally {
    deployed.dispose();
  }
}

// --- train --------------------------------------------------------------------------------------------
async function cmdTrain(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, { ...TRAIN_OPTIONS, ...LAUNCH_OPTIONS }, 'train');
  if (values.help) return out(TRAIN_HELP);
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}' (the model is given with --model)`);
  const quiet = Boolean(values.quiet);
  const runValues = Object.fromEntries(Object.entries(values).filter(([k]) => !(k in LAUNCH_OPTIONS)));
  const options = values.resume !== undefined ? resumeOptionsFrom(runValues) : trainConfigFrom(runValues);
  const launch = launchOptionsFrom(values);
  if (launch !== undefined) {
    // The options were checked above; the launcher only starts the workers, and each worker trains its share.
    const code = await launchWorkers('train', withoutLaunchOptions(argv), launch, (line) => void (quiet || process.stderr.write(`${line}\n`)));
    if (code !== 0) throw new Error('a worker failed (its error is above); a run with a checkpoint resumes with --resume RUN_DIR and the same --nproc');
    return;
  }
  const group = processGroupFromEnv();
  if (group !== undefined) initProcessGroup(group);
  try {
    await trainHere(options, values, quiet);
  } finally {
    if (group !== undefined) destroyProcessGroup();
  }
}

/** One process's part of `leanconv train` (the whole run, or one rank of a data-parallel run: rank 0 reports). */
async function trainHere(options: TrainOptions, values: Record<string, unknown>, quiet: boolean): Promise<void> {
  const progress = new Progress(process.stderr, 15, !quiet && currentWorld().isMain);
  const banner = ({ config: c, startEpoch, input, resizesImages }: RunSetup): void => {
    if (startEpoch > 0) return;
    const info = buildInfo();
    progress.line(`leanconv: training ${c.model}${c.acb ? ' (ACNet form)' : ''} on ${c.dataset} for ${plural(c.epochs, 'epoch')} (batch ${c.batchSize}, lr ${formatSmall(c.lr)}, ${c.schedule.name}) | ` +
      `libtorch ${info.torchVersion}, ${c.threads ?? defaultNumThreads()} threads, ${info.blas}`);
    if (resizesImages) progress.line(`leanconv: images are resized and cropped to ${input[1]}x${input[2]} (${c.inputSize === undefined ? `${c.model}'s input size; --input-size S to change it` : '--input-size'})`);
  };
  const result = await train(options, { progress, onStart: banner });
  if (!currentWorld().isMain) return;
  const log = (line: string): void => void (quiet || process.stderr.write(`${line}\n`));
  const deployment = values.export ? await deployTrainingRun(result.runDir, log) : undefined;
  if (values.json) return printJson({ ...result, deployment });
  const f = result.final;
  const figures = `test accuracy: ${(100 * f.top1).toFixed(2)}% top-1, ${(100 * f.top5).toFixed(2)}% top-5 (loss ${f.loss.toFixed(4)})`;
  out(result.trainedEpochs === 0
    ? `${figures} after ${plural(result.epochs, 'epoch')} (the run had already finished; nothing was trained); checkpoints in ${result.runDir}`
    : `${figures} after ${plural(result.epochs, 'epoch')} in ${(result.seconds / 60).toFixed(1)} min; checkpoints in ${result.runDir}`);
  if (deployment) {
    out(`ONNX Runtime (onnxruntime-node) on the ${deployment.onnxEval.count} test images: top-1 ${(100 * deployment.onnxEval.top1).toFixed(2)}% ` +
      `at ${Math.round(deployment.onnxEval.imagesPerSecond)} img/s; deployable model: ${deployment.onnx}`);
  }
}

// --- eval ---------------------------------------------------------------------------------------------
async function cmdEval(argv: string[]): Promise<void> {
  const opts: OptionSpec = { ...HELP, dataset: { type: 'string', short: 'd' }, 'data-dir': { type: 'string' }, 'batch-size': { type: 'string', short: 'b' }, workers: { type: 'string' }, threads: { type: 'string' }, device: { type: 'string' }, json: { type: 'boolean' } };
  const { values, positionals } = parse(argv, opts, 'eval');
  if (values.help || positionals.length !== 1) {
    return usage(values.help, `usage: leanconv eval <checkpoint.safetensors | run-dir> [--dataset NAME] [--data-dir DIR] [--batch-size N] [--workers N] [--threads N] [--device D] [--json]

Evaluates on the test split of the dataset the checkpoint was trained on (or --dataset), with the
preprocessing recorded in the checkpoint. A run directory means its last.safetensors.
  --batch-size N   images per batch (default 500)
  --workers N      loader worker threads (default 1; 0: prepare batches in the main thread)
  --threads N      libtorch threads (default: LEANCONV_THREADS or the available cores)
  --device D       cpu (default), cuda or cuda:N`);
  }
  const device = (values.device as Device | undefined) ?? 'cpu';
  const problem = deviceProblem(device);
  if (problem !== undefined) throw new UsageError(`--device: ${problem}`);
  setNumThreads(num(values, 'threads', { integer: true, min: 1 }) ?? defaultNumThreads());
  const path = checkpointArgument(positionals[0]!);
  const meta = readCheckpointMeta(path);
  const { dataset: datasetName, testSet, transforms, adaptation } = checkpointTestDataFrom(path, meta, values);
  if (adaptation) process.stderr.write(`note: ${adaptation}\n`);
  const { model } = loadModel(path);
  model.toMemoryFormat('auto').to(device);
  const loader = new DataLoader(testSet, { batchSize: num(values, 'batch-size', { integer: true, min: 1 }) ?? 500, transforms, workers: num(values, 'workers', { integer: true, min: 0 }) ?? 1 });
  try {
    const r = await evaluate(model, loader);
    if (values.json) return printJson({ checkpoint: path, model: meta.model, form: formName(meta.form), dataset: datasetName, ...r });
    out(`${meta.model} (${formName(meta.form)} form) on ${datasetName} test (${r.count} images): top-1 ${(100 * r.top1).toFixed(2)}%, top-5 ${(100 * r.top5).toFixed(2)}%, loss ${r.loss.toFixed(4)} (${Math.round(r.imagesPerSecond)} img/s)`);
  } finally {
    await loader.close();
    model.dispose();
  }
}

// --- benchmark ----------------------------------------------------------------------------------------
function cmdBenchmark(argv: string[]): void {
  const opts: OptionSpec = {
    ...HELP, ...MODEL_SHAPE_OPTIONS, ...FORM_OPTIONS, 'batch-size': { type: 'string', short: 'b' }, mode: { type: 'string' }, steps: { type: 'string' },
    warmup: { type: 'string' }, threads: { type: 'string' }, 'memory-format': { type: 'string' }, 'channels-last': { type: 'boolean' }, json: { type: 'boolean' },
  };
  const { values, positionals } = parse(argv, opts, 'benchmark');
  if (values.help || positionals.length !== 1) {
    return usage(values.help, `usage: leanconv benchmark <model | checkpoint.safetensors | run-dir> [--acb] [--deploy] [--model-args A] [--batch-size N] [--mode train|infer|both] [--steps N] [--warmup N] [--input S | C,H,W] [--num-classes N] [--in-channels C] [--threads N] [--memory-format auto|nchw|channels-last] [--json]

Median images/s of training steps (forward + backward + SGD) and of inference batches on random data.
--memory-format: the model's and input's layout; auto (default) is channels-last for conv models (--channels-last: the same).
${MODEL_ARGS_HELP}
${FORM_HELP}`);
  }
  const mode = (values.mode as string | undefined) ?? 'both';
  if (!['train', 'infer', 'both'].includes(mode)) throw new UsageError(unknownNameMessage('mode', mode, ['train', 'infer', 'both']));
  setNumThreads(num(values, 'threads', { integer: true, min: 1 }) ?? defaultNumThreads());
  const { model, name, form, shape, numClasses } = modelFromArgument(positionals[0]!, values);
  model.toMemoryFormat(memoryFormatFrom(values) ?? 'auto');
  try {
    const batchSize = num(values, 'batch-size', { integer: true, min: 1 }) ?? 64;
    const r = measureThroughput(model, { batchSize, input: shape, numClasses, mode: mode as 'train', steps: num(values, 'steps', { integer: true, min: 1 }), warmup: num(values, 'warmup', { integer: true, min: 0 }) });
    if (values.json) return printJson({ model: name, form: formName(form), input: shape, threads: buildInfo().threads, memoryFormat: model.memoryFormat, ...r });
    out(`${name} (${formName(form)} form), batch ${batchSize}, input ${shape.join('x')}, ${buildInfo().threads} threads, ${model.memoryFormat === 'channelsLast' ? 'channels-last' : 'NCHW'}`);
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
  convert: cmdConvert, export: cmdExport, predict: cmdPredict, experiment: cmdExperiment, robustness: cmdRobustness, dissect: cmdDissect,
  import: cmdImport, report: cmdReport, serve: cmdServe,
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-v' || command === 'version') {
    out(`leanconv ${VERSION} (libtorch ${buildInfo().torchVersion})`);
    return 0;
  }
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
    if (err instanceof MissingArguments) {
      process.stderr.write(`${err.usage}\n`);
      return 2;
    }
    const e = err as Error;
    process.stderr.write(`leanconv ${command}: ${e.message}\n`);
    if (process.env.LEANCONV_DEBUG) process.stderr.write(`${e.stack}\n`);
    return err instanceof UsageError ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));

#!/usr/bin/env node
// The `leanconv` command: its usage and the dispatch to the commands, one file each in this folder.
import { readFileSync } from 'node:fs';

import '../papers/index.js'; // registers the papers' models, transforms, recipes and experiments
import { buildInfo } from '../engine/runtime.js';
import { DEFAULT_CONFIG } from '../train/config.js';
import { unknownNameMessage } from '../util/suggest.js';
import { MissingArguments, UsageError } from './args.js';
import { trainingFormPapers } from '../convert/reparameterize.js';
import { out } from './common.js';
import { cmdConvert, cmdExport, cmdPredict } from './deploy.js';
import { cmdBenchmark } from './benchmark.js';
import { cmdChecks } from './checks.js';
import { cmdEval } from './eval.js';
import { cmdInfo } from './info.js';
import { cmdModels } from './models.js';
import { cmdTrain } from './train.js';
import { cmdImport } from './import.js';
import { cmdReport } from './report.js';
import { cmdServe } from './serve.js';
import { cmdDissect } from './dissect.js';
import { cmdExperiment } from './experiment.js';
import { listExperiments } from '../experiments/registry.js';
import { cmdRobustness } from './robustness.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const usageText = (): string => `leanconv: efficient convolutional networks on libtorch. Train rich, deploy lean.

usage: leanconv <command> [options]   (leanconv <command> --help for its options; leanconv --version)

commands:
  models [pattern]     list the registered models (glob pattern, e.g. 'resnet*')
  info <model>         parameters and multiply-accumulates, per layer with --layers
  train                train a model (default: ${DEFAULT_CONFIG.model} on ${DEFAULT_CONFIG.dataset}), evaluate, checkpoint
  eval <checkpoint>    evaluate a checkpoint on a dataset's test split
  benchmark <model>    training and inference images/s
  import <weights.pth> a PyTorch state dict (official weights) into a leanconv checkpoint, read without executing it
  convert <checkpoint> convert a training-form (${trainingFormPapers()}) checkpoint into its deploy form
  export <checkpoint>  write an ONNX model of a deploy-form checkpoint
  serve <run-dir|onnx>  the exported model in a local web page (onnxruntime-web: WebGPU or wasm)
  predict <model.onnx> classify images or a dataset split with ONNX Runtime
  experiment <paper>   ${listExperiments().map((e) => e.name).join(' | ')}: a baseline and the paper's model, one recipe, converted, compared
  robustness <ckpt>    test accuracy under FGSM / PGD attacks of several budgets
  dissect <ckpt>       network dissection of a layer on a Broden-layout concept dataset
  report <run-dir...>  HTML report: curves (runs overlaid), confusion matrix, per-class accuracy, misclassified images
  checks               engine build facts: libtorch, BLAS, oneDNN, threads, CUDA`;

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
    out(usageText());
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

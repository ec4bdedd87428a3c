// `leanconv train`: one run (or, with --nproc/--nnodes, its data-parallel workers), then the optional export.
import { buildInfo, defaultNumThreads } from '../engine/runtime.js';
import { Progress } from '../train/progress.js';
import { currentWorld } from '../train/data_parallel.js';
import { train, type RunSetup, type TrainOptions } from '../train/trainer.js';
import { destroyProcessGroup, initProcessGroup, processGroupFromEnv } from '../engine/distributed.js';
import { LAUNCH_OPTIONS, launchOptionsFrom, launchWorkers, withoutLaunchOptions } from './launch.js';
import { formatSmall, plural } from '../util/format.js';
import { deployTrainingRun } from '../deploy/pipeline.js';
import { parse, UsageError } from './args.js';
import { out, printJson } from './common.js';
import { formLabel } from '../convert/form.js';
import { configForm } from '../train/config.js';
import { presetList, resumeOptionsFrom, trainHelp, trainOptions, trainConfigFrom } from './train_options.js';

export async function cmdTrain(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, { ...trainOptions(), ...LAUNCH_OPTIONS }, 'train');
  if (values.help) return out(trainHelp());
  if (values.preset === 'list') return out(presetList());
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
    const form = formLabel(configForm(c));
    progress.line(`leanconv: training ${c.model}${form === undefined ? '' : ` (${form})`} on ${c.dataset} for ${plural(c.epochs, 'epoch')} (batch ${c.batchSize}, lr ${formatSmall(c.lr)}, ${c.schedule.name}) | ` +
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

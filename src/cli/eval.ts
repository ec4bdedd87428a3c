// `leanconv eval`: a checkpoint's top-1/top-5/loss on the test split it was trained on (or --dataset).
import { defaultNumThreads, deviceProblem, setNumThreads } from '../engine/runtime.js';
import type { Device } from '../engine/tensor.js';
import { DataLoader } from '../data/loader.js';
import { formName } from '../convert/form.js';
import { loadModel, readCheckpointMeta } from '../convert/checkpoint.js';
import { evaluate } from '../train/metrics.js';
import { num, parse, UsageError, type OptionSpec, usage } from './args.js';
import { checkpointArgument, checkpointEvalSplitFrom, HELP, out, printJson } from './common.js';

export async function cmdEval(argv: string[]): Promise<void> {
  const opts: OptionSpec = { ...HELP, dataset: { type: 'string', short: 'd' }, 'data-dir': { type: 'string' }, 'batch-size': { type: 'string', short: 'b' }, workers: { type: 'string' }, threads: { type: 'string' }, device: { type: 'string' }, mean: { type: 'string' }, std: { type: 'string' }, json: { type: 'boolean' } };
  const { values, positionals } = parse(argv, opts, 'eval');
  if (values.help || positionals.length !== 1) {
    return usage(values.help, `usage: leanconv eval <checkpoint.safetensors | run-dir> [--dataset NAME] [--data-dir DIR] [--batch-size N] [--workers N] [--threads N] [--device D]
       [--mean m1,m2,m3 --std s1,s2,s3] [--json]

Evaluates on the test split of the dataset the checkpoint was trained on (or --dataset), resized to the
model's input and normalised as the checkpoint records (the training run's statistics, or those the
source of imported weights used, e.g. 0.5/0.5 for ACNet's CIFAR weights); --mean and --std replace
that normalisation. A run directory means its last.safetensors.
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
  const { dataset: datasetName, testSet, transforms, adaptation } = checkpointEvalSplitFrom(path, meta, values);
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

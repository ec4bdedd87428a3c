// `leanconv benchmark`: median training and inference images/s of a model or checkpoint.
import { buildInfo, defaultNumThreads, setNumThreads } from '../engine/runtime.js';
import { measureThroughput } from '../analysis/index.js';
import { formName } from '../convert/form.js';
import { unknownNameMessage } from '../util/suggest.js';
import { num, parse, UsageError, type OptionSpec, usage } from './args.js';
import { formHelp, formOptions, transformSwitches, HELP, MODEL_ARGS_HELP, MODEL_SHAPE_OPTIONS, memoryFormatFrom, out, printJson } from './common.js';
import { modelFromArgument } from './model-argument.js';

export function cmdBenchmark(argv: string[]): void {
  const opts: OptionSpec = {
    ...HELP, ...MODEL_SHAPE_OPTIONS, ...formOptions(), 'batch-size': { type: 'string', short: 'b' }, mode: { type: 'string' }, steps: { type: 'string' },
    warmup: { type: 'string' }, threads: { type: 'string' }, 'memory-format': { type: 'string' }, 'channels-last': { type: 'boolean' }, json: { type: 'boolean' },
  };
  const { values, positionals } = parse(argv, opts, 'benchmark');
  if (values.help || positionals.length !== 1) {
    return usage(values.help, `usage: leanconv benchmark <model | checkpoint.safetensors | run-dir> ${transformSwitches().map((s) => `[${s}]`).join(' ')} [--deploy] [--model-args A] [--batch-size N] [--mode train|infer|both] [--steps N] [--warmup N] [--input S | C,H,W] [--num-classes N] [--in-channels C] [--threads N] [--memory-format auto|nchw|channels-last] [--json]

Median images/s of training steps (forward + backward + SGD) and of inference batches on random data.
--memory-format: the model's and input's layout; auto (default) is channels-last for conv models (--channels-last: the same).
${MODEL_ARGS_HELP}
${formHelp()}`);
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

// The deployment commands: convert (training form -> deploy checkpoint), export (deploy checkpoint ->
// ONNX) and predict (ONNX Runtime inference on images or a dataset split). The work is done by
// src/deploy/pipeline.ts; these are the command-line faces of it.
import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';

import { DATASETS } from '../data/datasets.js';
import { ONNX_OPSET } from '../deploy/onnx.js';
import { withNormalization } from '../data/pipelines.js';
import { convertCheckpoint, evaluateOnnx, exportCheckpoint, NothingToConvertError } from '../deploy/pipeline.js';
import { imagesToInput } from '../deploy/predict.js';
import { OnnxModel } from '../deploy/runtime.js';
import { unknownNameMessage } from '../util/suggest.js';
import { num, parse, UsageError, usage } from './args.js';
import { deployConversions, trainingFormPapers } from '../convert/reparameterize.js';
import { checkpointArgument, HELP, normalizeFrom, out, printJson } from './common.js';

export function cmdConvert(argv: string[]): void {
  const { values, positionals } = parse(argv, { ...HELP, out: { type: 'string', short: 'o' }, json: { type: 'boolean' } }, 'convert');
  if (values.help || positionals.length !== 1) {
    return usage(values.help, `usage: leanconv convert <checkpoint.safetensors> [--out deploy.safetensors] [--json]

Converts every training-form block into its deploy module and writes the deploy checkpoint (default:
<name>.deploy.safetensors beside the input):
${deployConversions().map((c) => `  ${c.paper.padEnd(11)} ${c.description.replace(/\n/g, '\n              ')}`).join('\n')}
The exact conversions are checked on a random batch: the training form runs as written (no inference
fusion) against the converted model, and the command fails if the outputs differ by more than 1e-4
(relative to the output scale; float32 rounding is about 1e-7). The classifier prune changes the
logits on purpose, and the command reports by how much.`);
  }
  let r;
  try {
    r = convertCheckpoint(checkpointArgument(positionals[0]!), values.out as string | undefined);
  } catch (err) {
    if (err instanceof NothingToConvertError) throw new UsageError(err.message);
    throw err;
  }
  if (values.json) return printJson(r);
  const pruned = r.lossy ? `; the classifier prune changes the logits by up to ${r.lossy.maxAbsDiff.toExponential(2)}` : '';
  out(`${r.model}: converted ${r.blocks} blocks to their deploy form (max |output difference| ${r.maxAbsDiff.toExponential(2)} on a random batch${pruned}); ` +
    `${r.params.toLocaleString('en-US')} params; wrote ${r.output}`);
}

function describeExport(r: Awaited<ReturnType<typeof exportCheckpoint>>): string {
  return `wrote ${r.output} (${(r.bytes / 1e6).toFixed(2)} MB, ${r.nodes} nodes: ${Object.entries(r.ops).map(([k, v]) => `${v} ${k}`).join(', ')}; ` +
    `${r.foldedBatchNorms} BNs folded)${r.maxAbsDiff !== undefined ? `; onnxruntime-node vs libtorch on a random batch: max |diff| ${r.maxAbsDiff.toExponential(2)}` : ''}`;
}

export async function cmdExport(argv: string[]): Promise<void> {
  const opts = {
    ...HELP, out: { type: 'string' as const, short: 'o' }, 'no-fold': { type: 'boolean' as const }, 'no-verify': { type: 'boolean' as const }, features: { type: 'boolean' as const },
    mean: { type: 'string' as const }, std: { type: 'string' as const }, json: { type: 'boolean' as const },
  };
  const { values, positionals } = parse(argv, opts, 'export');
  if (values.help || positionals.length !== 1) {
    return usage(values.help, `usage: leanconv export <checkpoint.safetensors> [--out model.onnx] [--no-fold] [--no-verify] [--features]
       [--mean m1,m2,m3 --std s1,s2,s3] [--json]

Writes an ONNX model (opset ${ONNX_OPSET}, dynamic batch dimension) of a deploy-form or baseline checkpoint,
with BNs folded into the convs before them (--no-fold keeps them) and the model name, classes, input
shape and preprocessing in its metadata. A training-form (${trainingFormPapers()}) checkpoint is refused:
convert it first.
The file is then run by onnxruntime-node on a random batch and compared with libtorch (--no-verify skips).
--features exports the backbone instead (models that name their stages, e.g. HCGNet, ResNet): one output
per stage (feature0, feature1, ...), the head dropped, channels and strides in the metadata ('features').
--mean and --std replace the normalisation the checkpoint records (e.g. for imported weights whose source
normalised otherwise).`);
  }
  const r = await exportCheckpoint(checkpointArgument(positionals[0]!), { output: values.out as string | undefined, foldBatchNorm: !values['no-fold'], verify: !values['no-verify'], features: values.features === true, normalize: normalizeFrom(values) });
  if (values.json) return printJson(r);
  out(describeExport(r));
}

export async function cmdPredict(argv: string[]): Promise<void> {
  const opts = {
    ...HELP, dataset: { type: 'string' as const, short: 'd' }, 'data-dir': { type: 'string' as const }, split: { type: 'string' as const },
    limit: { type: 'string' as const }, 'batch-size': { type: 'string' as const, short: 'b' }, top: { type: 'string' as const, short: 'k' },
    backend: { type: 'string' as const }, threads: { type: 'string' as const }, mean: { type: 'string' as const }, std: { type: 'string' as const },
    json: { type: 'boolean' as const },
  };
  const { values, positionals } = parse(argv, opts, 'predict');
  if (values.help || positionals.length === 0) {
    return usage(values.help, `usage: leanconv predict <model.onnx> <image files...> [--top K] [--backend node|web] [--threads N]
                        [--mean m1,m2,m3 --std s1,s2,s3] [--json]
       leanconv predict <model.onnx> --dataset NAME [--data-dir DIR] [--split test|train] [--limit N] [--batch-size N]
                        [--backend node|web] [--threads N] [--json]

Runs an exported model with ONNX Runtime (onnxruntime-node, or onnxruntime-web's wasm backend with
--backend web). With --dataset, the split is classified and its top-1 accuracy reported; otherwise the
top-K classes (default 5) of each image file are printed.

How image files (PNG, JPEG, WebP, ...) are prepared, so that they match what the model was trained on:
  1. decoded to RGB; alpha is dropped; for a 1-channel model converted to gray (BT.601 luma);
  2. resized (bilinear) so the shorter side is the model's input size, then centre-cropped to a square:
     a non-square image loses its edges;
  3. the preprocessing stored in the model's metadata (e.g. normalize mean/std) is applied; --mean and
     --std replace its normalisation.
Class names come from the metadata too. A model exported without leanconv metadata gets no
normalisation and prints class indices: predict warns about it.`);
  }
  const [file, ...images] = positionals as [string, ...string[]];
  if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`${file} does not exist`);
  const backend = (values.backend as string | undefined) ?? 'node';
  if (backend !== 'node' && backend !== 'web') throw new UsageError(unknownNameMessage('backend', backend, ['node', 'web']));
  if (images.length === 0 && values.dataset === undefined) throw new UsageError('give image files or --dataset NAME');
  const session = await OnnxModel.load(file, { backend, threads: num(values, 'threads', { integer: true, min: 1 }) });
  try {
    const input = session.inputShape;
    for (const warning of session.metadataWarnings) process.stderr.write(`warning: ${warning}\n`);
    const normalize = normalizeFrom(values);
    const preprocessing = normalize === undefined ? session.metadata.preprocessing ?? [] : withNormalization(session.metadata.preprocessing, normalize);
    const missing = [session.metadata.preprocessing === undefined && normalize === undefined && 'preprocessing', session.metadata.classes === undefined && 'class names'].filter(Boolean);
    if (missing.length) {
      process.stderr.write(`warning: ${basename(file)} has no ${missing.join(' and ')} in its metadata (not exported by leanconv export?): ` +
        `${session.metadata.preprocessing === undefined ? 'pixels go in as 0..1 without normalisation' : ''}${missing.length === 2 ? ', and ' : ''}` +
        `${session.metadata.classes === undefined ? 'classes are printed as indices' : ''}\n`);
    }
    const topk = num(values, 'top', { integer: true, min: 1 }) ?? 5;
    if (images.length) {
      for (const img of images) if (!existsSync(img)) throw new UsageError(`${img} does not exist`);
      const pixels = await imagesToInput(images, input, preprocessing);
      const predictions = await session.predict(pixels, images.length, topk);
      if (values.json) return printJson(images.map((image, i) => ({ image, predictions: predictions[i] })));
      images.forEach((image, i) => out(`${image}: ${predictions[i]!.map((p) => `${p.label} ${(100 * p.probability).toFixed(1)}%`).join(', ')}`));
      return;
    }
    const name = values.dataset as string;
    if (!(name in DATASETS)) throw new UsageError(unknownNameMessage('dataset', name, Object.keys(DATASETS)));
    const split = (values.split as string | undefined) ?? 'test';
    if (split !== 'test' && split !== 'train') throw new UsageError(unknownNameMessage('split', split, ['test', 'train']));
    const r = await evaluateOnnx(session, name, {
      dataDir: values['data-dir'] as string | undefined, split, limit: num(values, 'limit', { integer: true, min: 1 }),
      batchSize: num(values, 'batch-size', { integer: true, min: 1 }), normalize,
    });
    const result = { model: file, backend, dataset: name, split, ...r };
    if (values.json) return printJson(result);
    out(`${basename(file)} (${backend}) on ${name} ${split} (${r.count} images): top-1 ${(100 * r.top1).toFixed(2)}% (${Math.round(r.imagesPerSecond)} img/s)`);
  } finally {
    await session.release();
  }
}

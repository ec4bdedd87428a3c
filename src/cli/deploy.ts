// The deployment commands: convert (training form -> deploy checkpoint), export (deploy checkpoint ->
// ONNX) and predict (ONNX Runtime inference on images or a dataset split).
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

import { DATASETS, getDatasetSpec } from '../data/datasets.js';
import { DataLoader } from '../data/loader.js';
import type { TransformSpec } from '../data/transforms.js';
import { exportOnnx, ONNX_OPSET, writeFileAtomic } from '../deploy/onnx.js';
import { imagesToInput } from '../deploy/predict.js';
import { type OnnxBackend, OnnxModel } from '../deploy/runtime.js';
import type { Module } from '../nn/module.js';
import { dataTransforms } from '../train/trainer.js';
import { unknownNameMessage } from '../util/suggest.js';

import { formName } from '../convert/form.js';
import { reparameterize, trainingFormBlocks } from '../convert/reparameterize.js';
import { noGrad } from '../engine/autograd.js';
import { randn, type Tensor } from '../engine/tensor.js';
import { loadModel, saveCheckpoint } from '../train/checkpoint.js';
import { num, parse, UsageError } from './args.js';
import { HELP, out, printJson } from './common.js';

/** The largest output difference between the two forms that convert accepts (float32 fusion is ~1e-6). */
const CONVERT_TOLERANCE = 1e-4;

export function cmdConvert(argv: string[]): void {
  const { values, positionals } = parse(argv, { ...HELP, out: { type: 'string', short: 'o' }, json: { type: 'boolean' } }, 'convert');
  if (values.help || positionals.length !== 1) {
    return out(`usage: leanconv convert <checkpoint.safetensors> [--out deploy.safetensors] [--json]

Fuses every training-form block (ACNet's ACBlocks) into one plain conv with bias, using the BN running
statistics, and writes the deploy checkpoint (default: <name>.deploy.safetensors beside the input).
Both forms are run on the same random batch and the command fails if their outputs differ.`);
  }
  const path = positionals[0]!;
  const target = (values.out as string | undefined) ?? join(dirname(path), `${basename(path, '.safetensors')}.deploy.safetensors`);
  const { model, meta } = loadModel(path);
  let deployed = model;
  try {
    const blocks = trainingFormBlocks(model);
    if (blocks.length === 0) throw new UsageError(`convert: ${path} holds the ${formName(meta.form)} form of ${meta.model}, which has no training-form blocks to fuse; it can be exported as it is`);
    const input = (meta.extra as { input?: number[] }).input ?? [meta.modelOptions.inChannels ?? 3, meta.modelOptions.inputSize ?? 32, meta.modelOptions.inputSize ?? 32];
    model.eval();
    const x = randn([4, ...input]);
    const before = noGrad(() => model.forward(x));
    deployed = reparameterize(model);
    const after = noGrad(() => deployed.forward(x));
    const delta = before.sub(after).abs().max().item();
    for (const t of [x, before, after]) t.dispose();
    if (!(delta < CONVERT_TOLERANCE)) throw new Error(`convert: the deploy form's outputs differ from the training form's by ${delta} (> ${CONVERT_TOLERANCE}); nothing was written`);
    const form = { ...meta.form, deploy: true };
    saveCheckpoint(target, deployed, { ...meta, form, extra: { ...meta.extra, convertedFrom: basename(path), conversionMaxAbsDiff: delta } });
    const summary = { input: path, output: target, model: meta.model, blocks: blocks.length, params: deployed.numParameters(), maxAbsDiff: delta };
    if (values.json) return printJson(summary);
    out(`${meta.model}: fused ${blocks.length} blocks into plain convs (max |output difference| ${delta.toExponential(2)} on a random batch); ` +
      `${deployed.numParameters().toLocaleString('en-US')} params; wrote ${target}`);
  } finally {
    deployed.dispose();
  }
}

/** The largest ONNX Runtime vs libtorch output difference export accepts. */
const VERIFY_TOLERANCE = 1e-4;

/** Max |ONNX Runtime - libtorch| over a random batch of 4. */
export async function verifyOnnx(model: Module, bytes: Uint8Array, input: readonly number[], backend: OnnxBackend = 'node'): Promise<number> {
  const x = randn([4, ...input]);
  model.eval();
  const expected: Tensor = noGrad(() => model.forward(x));
  const session = await OnnxModel.load(bytes, { backend });
  try {
    const { logits } = await session.run(x.data<'float32'>(), 4);
    const ref = expected.data<'float32'>();
    let delta = 0;
    for (let i = 0; i < ref.length; i++) delta = Math.max(delta, Math.abs(ref[i]! - logits[i]!));
    return delta;
  } finally {
    await session.release();
    x.dispose();
    expected.dispose();
  }
}

export async function cmdExport(argv: string[]): Promise<void> {
  const opts = { ...HELP, out: { type: 'string' as const, short: 'o' }, 'no-fold': { type: 'boolean' as const }, 'no-verify': { type: 'boolean' as const }, json: { type: 'boolean' as const } };
  const { values, positionals } = parse(argv, opts, 'export');
  if (values.help || positionals.length !== 1) {
    return out(`usage: leanconv export <checkpoint.safetensors> [--out model.onnx] [--no-fold] [--no-verify] [--json]

Writes an ONNX model (opset ${ONNX_OPSET}, dynamic batch dimension) of a deploy-form or baseline checkpoint,
with BNs folded into the convs before them (--no-fold keeps them) and the model name, classes, input
shape and preprocessing in its metadata. A training-form (ACNet) checkpoint is refused: convert it first.
The file is then run by onnxruntime-node on a random batch and compared with libtorch (--no-verify skips).`);
  }
  const path = positionals[0]!;
  const target = (values.out as string | undefined) ?? join(dirname(path), `${basename(path, '.safetensors')}.onnx`);
  const { model, meta } = loadModel(path);
  try {
    const blocks = trainingFormBlocks(model);
    if (blocks.length) {
      throw new Error(`${path} holds the ${formName(meta.form)} training form of ${meta.model} (${blocks.length} ${model.getSubmodule(blocks[0]!).constructor.name}s). ` +
        `Exporting it would ship every branch at training-form cost. Run \`leanconv convert ${path}\` and export the .deploy.safetensors it writes.`);
    }
    const extra = meta.extra as { input?: number[]; classes?: string[]; preprocessing?: unknown; dataset?: string };
    const input = extra.input ?? [meta.modelOptions.inChannels ?? 3, meta.modelOptions.inputSize ?? 32, meta.modelOptions.inputSize ?? 32];
    const exported = exportOnnx(model, {
      inputShape: input, foldBatchNorm: !values['no-fold'], name: meta.model,
      metadata: { model: meta.model, form: formName(meta.form), input, classes: extra.classes, preprocessing: extra.preprocessing, dataset: extra.dataset, epoch: meta.epoch },
    });
    writeFileAtomic(target, exported.bytes);
    let delta: number | undefined;
    if (!values['no-verify']) {
      delta = await verifyOnnx(model, exported.bytes, input);
      if (!(delta < VERIFY_TOLERANCE)) throw new Error(`ONNX Runtime's outputs differ from libtorch's by ${delta} (> ${VERIFY_TOLERANCE}); the file was written to ${target} for inspection`);
    }
    if (values.json) return printJson({ input: path, output: target, bytes: exported.bytes.length, nodes: exported.nodes, ops: exported.ops, foldedBatchNorms: exported.foldedBatchNorms, maxAbsDiff: delta });
    out(`wrote ${target} (${(exported.bytes.length / 1e6).toFixed(2)} MB, ${exported.nodes} nodes: ${Object.entries(exported.ops).map(([k, v]) => `${v} ${k}`).join(', ')}; ` +
      `${exported.foldedBatchNorms} BNs folded)${delta !== undefined ? `; onnxruntime-node vs libtorch on a random batch: max |diff| ${delta.toExponential(2)}` : ''}`);
  } finally {
    model.dispose();
  }
}

export async function cmdPredict(argv: string[]): Promise<void> {
  const opts = {
    ...HELP, dataset: { type: 'string' as const, short: 'd' }, 'data-dir': { type: 'string' as const }, split: { type: 'string' as const },
    limit: { type: 'string' as const }, 'batch-size': { type: 'string' as const, short: 'b' }, top: { type: 'string' as const, short: 'k' },
    backend: { type: 'string' as const }, threads: { type: 'string' as const }, json: { type: 'boolean' as const },
  };
  const { values, positionals } = parse(argv, opts, 'predict');
  if (values.help || positionals.length === 0) {
    return out(`usage: leanconv predict <model.onnx> <image files...> [--top K] [--backend node|web] [--json]
       leanconv predict <model.onnx> --dataset NAME [--data-dir DIR] [--split test|train] [--limit N] [--batch-size N]

Runs an exported model with ONNX Runtime (onnxruntime-node, or onnxruntime-web's wasm backend with
--backend web). Image files (PNG, JPEG, ...) are brought to the model's input size and channels and
preprocessed as the model was trained; the top-K classes are printed. With --dataset, the split is
classified and its top-1 accuracy reported.`);
  }
  const [file, ...images] = positionals as [string, ...string[]];
  if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`predict: ${file} does not exist`);
  const backend = (values.backend as string | undefined) ?? 'node';
  if (backend !== 'node' && backend !== 'web') throw new UsageError(unknownNameMessage('backend', backend, ['node', 'web']));
  if (images.length === 0 && values.dataset === undefined) throw new UsageError('predict: give image files or --dataset NAME');
  const session = await OnnxModel.load(file, { backend, threads: num(values, 'threads', { integer: true, min: 1 }) });
  try {
    const input = session.inputShape;
    const preprocessing = (session.metadata.preprocessing as TransformSpec[] | undefined) ?? [];
    const topk = num(values, 'top', { integer: true, min: 1 }) ?? 5;
    if (images.length) {
      for (const img of images) if (!existsSync(img)) throw new UsageError(`predict: ${img} does not exist`);
      const pixels = await imagesToInput(images, input, preprocessing);
      const predictions = await session.predict(pixels, images.length, topk);
      if (values.json) return printJson(images.map((image, i) => ({ image, predictions: predictions[i] })));
      images.forEach((image, i) => out(`${image}: ${predictions[i]!.map((p) => `${p.label} ${(100 * p.probability).toFixed(1)}%`).join(', ')}`));
      return;
    }
    const name = values.dataset as string;
    if (!(name in DATASETS)) throw new UsageError(unknownNameMessage('dataset', name, Object.keys(DATASETS)));
    const spec = getDatasetSpec(name);
    const dir = (values['data-dir'] as string | undefined) ?? spec.defaultDir;
    if (dir === undefined) throw new UsageError(`predict: dataset '${name}' needs --data-dir`);
    const split = (values.split as string | undefined) ?? 'test';
    if (split !== 'test' && split !== 'train') throw new UsageError(unknownNameMessage('split', split, ['test', 'train']));
    const data = spec.load(dir, split);
    const limit = num(values, 'limit', { integer: true, min: 1 });
    const loader = new DataLoader(data, { batchSize: num(values, 'batch-size', { integer: true, min: 1 }) ?? 100, transforms: dataTransforms(spec, data, input, false).eval, workers: 1 });
    let correct = 0;
    let count = 0;
    const start = performance.now();
    try {
      for await (const { images: batch, labels } of loader.epoch(0)) {
        const n = labels.size(0);
        const { logits, classes } = await session.run(batch.data<'float32'>(), n);
        const truth = labels.data<'int64'>();
        for (let i = 0; i < n && (limit === undefined || count < limit); i++, count++) {
          const row = logits.subarray(i * classes, (i + 1) * classes);
          if (row.indexOf(Math.max(...row)) === Number(truth[i])) correct++;
        }
        batch.dispose();
        labels.dispose();
        if (limit !== undefined && count >= limit) break;
      }
    } finally {
      await loader.close();
    }
    const seconds = (performance.now() - start) / 1000;
    const result = { model: file, backend, dataset: name, split, count, top1: correct / count, imagesPerSecond: count / seconds };
    if (values.json) return printJson(result);
    out(`${basename(file)} (${backend}) on ${name} ${split} (${count} images): top-1 ${(100 * result.top1).toFixed(2)}% (${Math.round(result.imagesPerSecond)} img/s)`);
  } finally {
    await session.release();
  }
}

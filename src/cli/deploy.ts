// The deployment commands: convert (training form -> deploy checkpoint), export (deploy checkpoint ->
// ONNX) and predict (ONNX Runtime inference on images or a dataset split).
import { basename, dirname, join } from 'node:path';

import { formName } from '../convert/form.js';
import { reparameterize, trainingFormBlocks } from '../convert/reparameterize.js';
import { noGrad } from '../engine/autograd.js';
import { randn } from '../engine/tensor.js';
import { loadModel, saveCheckpoint } from '../train/checkpoint.js';
import { parse, UsageError } from './args.js';
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

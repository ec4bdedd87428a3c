// Checkpoints: one safetensors file holding the model's state dict under its own dotted names, the
// optimizer's tensors under 'optim/...', and in the metadata everything needed to rebuild and resume:
// model name and options, completed epochs, RNG state, optimizer hyper-parameters and the run config.
// Writes are atomic (temporary file + fsync + rename), so a crash never leaves a corrupt checkpoint.
import type { OptimizerState } from '../engine/optim.js';
import { loadSafetensors, readHeader, saveSafetensors } from '../engine/safetensors.js';
import type { Tensor } from '../engine/tensor.js';
import { buildModel, formName, type ModelForm } from './form.js';
import type { ModelOptions } from '../models/index.js';
import type { Module } from '../nn/module.js';
import { describeValue } from '../util/describe.js';

export const CHECKPOINT_FORMAT = 'leanconv.checkpoint.v1';
const OPTIM_PREFIX = 'optim/';

export interface CheckpointMeta {
  model: string;
  modelOptions: ModelOptions;
  /** Baseline, ACNet training form or deploy form (default: baseline). */
  form?: ModelForm;
  /** Epochs completed when the checkpoint was written. */
  epoch: number;
  /** Extra JSON-serialisable facts (run config, metrics, classes, dataset, ...). */
  extra?: Record<string, unknown>;
  /** libtorch's generator state, base64. */
  rngState?: string;
}

export interface Checkpoint extends CheckpointMeta {
  /** Model state dict (the caller owns the tensors). */
  state: Record<string, Tensor>;
  optimizer?: OptimizerState;
}

export class CheckpointError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'CheckpointError';
  }
}

export function saveCheckpoint(path: string, model: Module, meta: CheckpointMeta, optimizer?: OptimizerState): void {
  const tensors: Record<string, Tensor> = { ...model.stateDict() };
  const metadata: Record<string, string> = {
    format: CHECKPOINT_FORMAT,
    model: meta.model,
    model_options: JSON.stringify(meta.modelOptions),
    form: JSON.stringify(meta.form ?? {}),
    epoch: String(meta.epoch),
    extra: JSON.stringify(meta.extra ?? {}),
  };
  if (meta.rngState !== undefined) metadata.rng_state = meta.rngState;
  if (optimizer !== undefined) {
    for (const [k, t] of Object.entries(optimizer.tensors)) tensors[OPTIM_PREFIX + k] = t;
    metadata.optimizer = JSON.stringify(optimizer.meta);
  }
  saveSafetensors(path, tensors, metadata);
}

function parseMeta(path: string, metadata: Record<string, string>): CheckpointMeta & { optimizerMeta?: OptimizerState['meta'] } {
  if (metadata.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(path, `not a leanconv checkpoint (metadata format is ${JSON.stringify(metadata.format)}, expected '${CHECKPOINT_FORMAT}')`);
  }
  const json = <T>(key: string): T => {
    try {
      return JSON.parse(metadata[key] ?? 'null') as T;
    } catch {
      throw new CheckpointError(path, `metadata '${key}' is not valid JSON`);
    }
  };
  if (!metadata.model) throw new CheckpointError(path, "metadata has no 'model' name");
  return {
    model: metadata.model,
    modelOptions: json<ModelOptions>('model_options') ?? {},
    form: json<ModelForm>('form') ?? {},
    epoch: Number(metadata.epoch ?? 0),
    extra: json<Record<string, unknown>>('extra') ?? {},
    rngState: metadata.rng_state,
    optimizerMeta: metadata.optimizer ? json<OptimizerState['meta']>('optimizer') : undefined,
  };
}

/** [C, H, W] of one input image: as trained (recorded by the trainer), else from the model options. */
export function checkpointInputShape(meta: CheckpointMeta): [number, number, number] {
  const o = meta.modelOptions;
  return (meta.extra as { input?: [number, number, number] } | undefined)?.input ?? [o.inChannels ?? 3, o.inputSize ?? 32, o.inputSize ?? 32];
}

/** Reads only the metadata (cheap: the header). */
export function readCheckpointMeta(path: string): CheckpointMeta {
  const { optimizerMeta: _unused, ...meta } = parseMeta(path, readHeader(path).metadata);
  return meta;
}

export function loadCheckpoint(path: string): Checkpoint {
  const { tensors, metadata } = loadSafetensors(path);
  const { optimizerMeta, ...meta } = parseMeta(path, metadata);
  const state: Record<string, Tensor> = {};
  const optimTensors: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(tensors)) {
    if (k.startsWith(OPTIM_PREFIX)) optimTensors[k.slice(OPTIM_PREFIX.length)] = t;
    else state[k] = t;
  }
  const optimizer = optimizerMeta ? { tensors: optimTensors, meta: optimizerMeta } : undefined;
  if (!optimizer) for (const t of Object.values(optimTensors)) t.dispose();
  return { ...meta, state, optimizer };
}

/**
 * Checks the sizes the metadata gives (class count, input channels and size) before a model is built from them:
 * a crafted or damaged file could otherwise make leanconv build a model of gigabytes before the state dict is
 * found not to fit. The class count must be the first dimension of a tensor in the file (the classifier's).
 */
function checkSizesAgainstTensors(path: string): void {
  const header = readHeader(path);
  const { modelOptions: o } = parseMeta(path, header.metadata);
  for (const [key, max] of [['numClasses', 1 << 20], ['inChannels', 4096], ['inputSize', 8192]] as const) {
    const v = o[key];
    if (v !== undefined && !(Number.isInteger(v) && v >= 1 && v <= max)) throw new CheckpointError(path, `metadata model_options.${key} is ${describeValue(v)}: expected an integer from 1 to ${max}`);
  }
  const shapes = Object.values(header.tensors).map((t) => t.shape);
  if (o.numClasses !== undefined && !shapes.some((shape) => shape[0] === o.numClasses)) {
    throw new CheckpointError(path, `metadata says ${o.numClasses} classes but no tensor in the file has ${o.numClasses} rows (the classifier's): a damaged or edited checkpoint`);
  }
}

/** Builds the checkpoint's model in its recorded form from the metadata and loads the weights (strictly). */
export function loadModel(path: string): { model: Module; meta: CheckpointMeta } {
  checkSizesAgainstTensors(path);
  const ckpt = loadCheckpoint(path);
  try {
    const model = buildModel(ckpt.model, ckpt.modelOptions, ckpt.form);
    try {
      model.loadStateDict(ckpt.state);
    } catch (err) {
      model.dispose();
      throw new CheckpointError(path, `${(err as Error).message}\n(the checkpoint says: model '${ckpt.model}', ${formName(ckpt.form)} form)`);
    }
    const { state: _s, optimizer: _o, ...meta } = ckpt;
    return { model, meta };
  } finally {
    for (const t of Object.values(ckpt.state)) t.dispose();
    for (const t of Object.values(ckpt.optimizer?.tensors ?? {})) t.dispose();
  }
}

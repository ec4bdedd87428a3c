// Fine-tuning: a new run that starts from weights (a leanconv checkpoint, a PyTorch .pth / .pth.tar, an ACNet
// HDF5 file) instead of a fresh initialisation. Every weight is copied by name and must fit, except two layers the
// model spec declares: the classifier, left freshly initialised when the class count differs (timm's
// reset_classifier), and the first conv, adapted when the data's channel count differs (timm's adapt_input_conv).
// Weights in the base form can train the ACNet form: the model is acnetized with its function preserved.
// Freezing and a learning-rate multiplier for the pretrained layers are trainer callbacks and parameter-group rules.
import { existsSync, statSync } from 'node:fs';
import { buildModel, type ModelForm } from '../convert/form.js';
import { getModelTransform, transformsOf } from '../convert/transforms.js';
import { noGrad } from '../engine/autograd.js';
import { tidy } from '../engine/scope.js';
import type { Tensor } from '../engine/tensor.js';
import { readHeader } from '../engine/safetensors.js';
import { importWeights } from '../interop/import.js';
import { ImportError, type ImportResult } from '../interop/state-dict.js';
import { adaptInputConvWeight, classifierOf, getModelSpec, type ModelSpec, type ResolvedModelOptions } from '../models/index.js';
import { BatchNorm1d, BatchNorm2d } from '../nn/layers.js';
import type { Module } from '../nn/module.js';
import { isStagedModel } from '../models/features.js';
import { loadModel } from '../convert/checkpoint.js';
import type { TrainCallback } from './callbacks.js';
import { TrainingError } from './run-directory.js';

export interface InitializedModel {
  model: Module;
  /** What was done beyond copying (a replaced classifier, an adapted first conv, the ACNet form made). */
  notes: string[];
}

/**
 * Whether a file is a leanconv checkpoint: named .safetensors (a damaged one then gets the checkpoint reader's
 * error), or with a safetensors header that parses (readHeader reads only the header).
 */
function isCheckpoint(file: string): boolean {
  if (file.endsWith('.safetensors')) return true;
  try {
    readHeader(file);
    return true;
  } catch {
    return false;
  }
}

/** The weights of `file` in a model of their own (its class count and channels as stored), and their form. */
async function readWeights(file: string, spec: ModelSpec, options: ResolvedModelOptions): Promise<{ model: Module; form: ModelForm }> {
  if (isCheckpoint(file)) {
    const { model, meta } = loadModel(file);
    if (meta.model !== spec.name) {
      model.dispose();
      throw new TrainingError(`--init ${file}: a checkpoint of '${meta.model}', but this run trains '${spec.name}' (train -m ${meta.model}, or give weights of ${spec.name})`);
    }
    return { model, form: meta.form ?? {} };
  }
  // Published weights are usually RGB; a model of the data's channel count is tried next (e.g. a grayscale model's .pth).
  const attempts = [...new Set([spec.inputSize[0], options.inChannels])];
  let first: unknown;
  for (const inChannels of attempts) {
    const importOptions = { model: spec.name, modelOptions: { args: options.args, inputSize: options.inputSize, inChannels } };
    try {
      const result: ImportResult = await importWeights(file, importOptions);
      return { model: result.model, form: result.form ?? {} };
    } catch (err) {
      // Only weights that do not fit this model are worth another channel count; a damaged file is not.
      if (!(err instanceof ImportError) || !/do not fit/.test(err.message)) throw err;
      first ??= err;
    }
  }
  throw first;
}

/**
 * A model of `name` for the run's options (the data's classes and channels) in the run's form, holding the
 * weights of `file` (see the file comment).
 */
export async function modelFromWeights(file: string, name: string, options: ResolvedModelOptions, form: ModelForm): Promise<InitializedModel> {
  if (!existsSync(file) || statSync(file).isDirectory()) throw new TrainingError(`--init ${file}: no such file (give a checkpoint, .pth, .pth.tar or ACNet .h5 file)`);
  const spec = getModelSpec(name);
  const source = await readWeights(file, spec, options);
  try {
    if (source.form.deploy) {
      throw new TrainingError(`--init ${file}: the weights are in the deploy form (converted for inference), which does not train; give the training form's weights`);
    }
    // The weights load into the model transformed as they were; transforms the run adds are applied to the loaded model.
    const stored = new Set(transformsOf(source.form).map(([t]) => t.name));
    const missing = transformsOf(form).filter(([t]) => !stored.has(t.name));
    for (const name of stored) {
      if ((form as Record<string, unknown>)[name] === undefined) {
        throw new TrainingError(`--init ${file}: the weights are in the '${name}' training form (${getModelTransform(name).description.split(':')[0]}); ` +
          'train in that form too, or convert them to the deploy form for inference');
      }
    }
    let model = buildModel(name, options, Object.fromEntries(Object.entries(form).filter(([k]) => stored.has(k))));
    let notes: string[];
    try {
      notes = copyWeights(file, source.model, model, spec);
      for (const [transform, transformOptions] of missing) {
        model = transform.apply(model, transformOptions, { preserveFunction: true });
        notes.push(`made the '${transform.name}' form (${transform.description.split(':')[0]}) with the pretrained function preserved`);
      }
    } catch (err) {
      model.dispose();
      throw err;
    }
    return { model, notes };
  } finally {
    source.model.dispose();
  }
}

/** Copies every tensor of `source` into `target` by name (see the file comment); returns what was adapted. */
function copyWeights(file: string, source: Module, target: Module, spec: ModelSpec): string[] {
  const from = source.stateDict();
  const to = target.stateDict();
  const classifier = classifierOf(target, spec).path;
  const under = (key: string, path: string): boolean => key.startsWith(`${path}.`);
  const shape = (t: Tensor): string => `[${t.shape.join(', ')}]`;
  const missing = Object.keys(to).filter((k) => !(k in from));
  const unexpected = Object.keys(from).filter((k) => !(k in to));
  const mismatched: string[] = [];
  const fresh: string[] = [];
  const adapted: string[] = [];
  for (const [key, t] of Object.entries(to)) {
    const s = from[key];
    if (s === undefined || s.shape.join() === t.shape.join()) continue;
    const onlyInputsDiffer = t.ndim === 4 && s.ndim === 4 && t.shape.every((d, i) => i === 1 || d === s.shape[i]);
    if (under(key, classifier)) fresh.push(key);
    else if (under(key, spec.firstConv) && onlyInputsDiffer) adapted.push(key);
    else mismatched.push(`${key}: weights ${shape(s)}, model ${shape(t)}`);
  }
  if (missing.length + unexpected.length + mismatched.length > 0) {
    const list = (what: string, xs: string[]): string => (xs.length ? `\n  ${what} (${xs.length}): ${xs.slice(0, 6).join(', ')}${xs.length > 6 ? ', ...' : ''}` : '');
    throw new TrainingError(`--init ${file}: the weights do not fit '${spec.name}'${list('shape differs', mismatched)}${list('missing from the weights', missing)}` +
      `${list('not in the model', unexpected)}`);
  }
  noGrad(() => tidy(() => {
    for (const [key, t] of Object.entries(to)) {
      if (fresh.includes(key)) continue;
      t.copy_(adapted.includes(key) ? adaptInputConvWeight(from[key]!, t.shape[1]!) : from[key]!);
    }
  }));
  const notes: string[] = [];
  if (fresh.length) {
    const stored = from[`${classifier}.weight`]!.shape[0];
    notes.push(`classifier '${classifier}' replaced for ${to[`${classifier}.weight`]!.shape[0]} classes (the weights have ${stored}); it starts freshly initialised`);
  }
  if (adapted.length) {
    const key = adapted[0]!;
    notes.push(`first conv '${spec.firstConv}' adapted from ${from[key]!.shape[1]} to ${to[key]!.shape[1]} input channels (${to[key]!.shape[1] === 1 ? 'summed over the channels' : 'channels repeated and rescaled'}, as timm's adapt_input_conv)`);
  }
  return notes;
}

/** Module paths whose parameters `--freeze` fixes: every layer up to a declared stage's output (1-based), and named modules. */
export function frozenModules(model: Module, spec: ModelSpec, freeze: readonly (number | string)[]): Set<string> {
  const order = [...model.namedModules()].map(([path]) => path);
  const frozen = new Set<string>();
  for (const item of freeze) {
    let path: string;
    if (typeof item === 'number') {
      const stages = isStagedModel(model) ? model.featureInfo : [];
      if (!Number.isInteger(item) || item < 1 || item > stages.length) {
        throw new TrainingError(stages.length
          ? `--freeze ${item}: '${spec.name}' has ${stages.length} stages (${stages.map((s) => s.module).join(', ')}); give 1-${stages.length} or module paths`
          : `--freeze ${item}: '${spec.name}' declares no stages; give module paths (leanconv info lists them)`);
      }
      path = stages[item - 1]!.module;
    } else {
      path = item;
      if (!order.includes(path)) throw new TrainingError(`--freeze ${path}: '${spec.name}' has no module '${path}' (leanconv info lists them)`);
    }
    // A stage number freezes everything before its output too; a module path freezes that module.
    const at = order.indexOf(path);
    let end = at;
    while (end + 1 < order.length && order[end + 1]!.startsWith(`${path}.`)) end++;
    const isAncestor = (p: string): boolean => p === '' || path.startsWith(`${p}.`);
    for (const p of order.slice(typeof item === 'number' ? 0 : at, end + 1)) if (!isAncestor(p)) frozen.add(p);
  }
  return frozen;
}

/** Parameter names owned by the given modules. */
export function parametersOf(model: Module, modules: ReadonlySet<string>): Set<string> {
  return new Set(model.namedParameters().map(([name]) => name).filter((name) => modules.has(name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : '')));
}

/**
 * Fixes the frozen modules: their parameters stop recording gradients (the caller leaves them out of the
 * optimizer), and the callback keeps their batch norms in inference mode so that their statistics stay too.
 */
export function freeze(model: Module, modules: ReadonlySet<string>): TrainCallback {
  const frozen = parametersOf(model, modules);
  for (const [name, p] of model.namedParameters()) if (frozen.has(name)) p.requiresGrad_(false);
  const norms = [...model.namedModules()].filter(([path, m]) => modules.has(path) && (m instanceof BatchNorm2d || m instanceof BatchNorm1d)).map(([, m]) => m);
  return { onBatchStart: () => { for (const m of norms) m.training = false; } };
}

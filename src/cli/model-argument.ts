// A model named on the command line, or a checkpoint (file or run directory), built for info and benchmark.
import { existsSync, statSync } from 'node:fs';

import { buildModel, type ModelForm } from '../convert/form.js';
import { trainingFormBlocks } from '../convert/reparameterize.js';
import { transformsOf } from '../convert/transforms.js';
import { getModelSpec } from '../models/index.js';
import { checkpointInputShape, loadModel } from '../convert/checkpoint.js';
import type { Module } from '../nn/module.js';
import { inputShape, num, UsageError } from './args.js';
import { listPhrase } from '../util/format.js';
import { checkpointArgument, formFlagsGiven, formFrom, formOptions, modelArgsFrom, transformSwitches } from './common.js';

export interface ModelArgument {
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

export function modelFromArgument(target: string, values: Record<string, unknown>): ModelArgument {
  if (target.endsWith('.safetensors') || (existsSync(target) && statSync(target).isDirectory())) {
    const path = checkpointArgument(target);
    if (formFlagsGiven(values).length > 0 || values['model-args'] !== undefined) {
      const flags = [...Object.keys(formOptions()).map((f) => `--${f}`), '--model-args'];
      throw new UsageError(`${path} records its own form and architecture; ${listPhrase(flags, 'and')} apply to model names only`);
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
    if (trainingFormBlocks(trainingForm).length === 0) note = `--deploy changes nothing: ${spec.name}${transformsOf(form).length > 0 ? '' : ` (without ${transformSwitches().join(' or ')})`} has no training-form blocks, so its deploy form is the same model`;
    trainingForm.dispose();
  }
  const model = buildModel(target, options, form);
  return { model, name: spec.name, form: note ? { ...form, deploy: false } : form, shape, numClasses, rebuild: () => buildModel(target, options, form), note };
}

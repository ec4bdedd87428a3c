// Model transforms: registered changes of a model's structure for training, such as ACNet's training form (every
// 3x3/5x5 conv an Asymmetric Convolution Block). A model form records each transform under its name with its
// options (`{ acb: { gamma: 1 } }`), so buildModel rebuilds the same structure before a checkpoint's weights load.
// A paper registers its transform beside its converter and adds its key to ModelForm by declaration merging.
import type { Module } from '../nn/module.js';
import { unknownNameMessage } from '../util/suggest.js';

export interface ModelTransform<O = unknown> {
  /** The key that records the transform in a model form. */
  name: string;
  /** What messages call a model in this form: 'ACNet form'. */
  label: string;
  description: string;
  /**
   * Applies the transform to `model` (in place or not; the result is the model to use). `preserveFunction`: a
   * trained model keeps what it computes (fine-tuning pretrained weights in the transformed structure).
   */
  apply(model: Module, options: O, context: { preserveFunction: boolean }): Module;
  /** The options of the transform when none are given (a command's switch alone, an import trying the form). */
  defaults: O;
  /** How commands that build a registered model by name (info, benchmark, import) select the transform. */
  flags?: TransformFlags<O>;
}

/**
 * A transform's command-line flags: a switch named after the transform (`--acb`) and flags that set its options,
 * each of which needs the switch.
 */
export interface TransformFlags<O> {
  /** The switch's help line. */
  help: string;
  options?: readonly { flag: string; usage: string; help: string; set(options: O, text: string): O }[];
}

const registry = new Map<string, ModelTransform>();

export function registerModelTransform<O>(transform: ModelTransform<O>): void {
  if (registry.has(transform.name)) throw new Error(`registerModelTransform: '${transform.name}' is already registered`);
  registry.set(transform.name, transform as ModelTransform);
}

export function getModelTransform(name: string): ModelTransform {
  const transform = registry.get(name);
  if (transform === undefined) throw new Error(unknownNameMessage('model transform', name, [...registry.keys()]));
  return transform;
}

/** Every registered transform, in registration order. */
export function modelTransforms(): ModelTransform[] {
  return [...registry.values()];
}

/** Each registered transform's form with its default options, by the transform's name ({ acb: { gamma: 1 } }). */
export function defaultTransformForms(): { name: string; form: Record<string, unknown> }[] {
  return modelTransforms().map((t) => ({ name: t.name, form: { [t.name]: t.defaults } }));
}

/** The registered transforms a form records, with their options, in registration order. */
export function transformsOf(form: object): [ModelTransform, unknown][] {
  return [...registry.values()].filter((t) => (form as Record<string, unknown>)[t.name] !== undefined).map((t) => [t, (form as Record<string, unknown>)[t.name]]);
}

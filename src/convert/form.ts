// A model's form: the registered model, transformed for training (model transforms, convert/transforms.ts: ACNet's
// training form), or the deploy form converted from either (ACBs fused, learned group convs condensed, DGConvs turned
// into group convs). Checkpoints record the form so that the same structure can be rebuilt before the weights are
// loaded; a deploy form whose shape depends on what was learned records that too (form.structure, nn/structure.ts).
import { createModel, type ModelOptions } from '../models/index.js';
import type { Module } from '../nn/module.js';
import { restoreLearnedStructure } from '../nn/structure.js';
import { reparameterize } from './reparameterize.js';
import { transformsOf } from './transforms.js';

/** A form: the model transforms it records (keys added by each transform's module) and whether it is the deploy form. */
export interface ModelForm {
  /** Training-form blocks converted into their deploy modules. */
  deploy?: boolean;
  /**
   * The learned structure of every block that has one, by path, when the deploy form was made (a learned group
   * conv's condensation stage, a DGConv's gates: they fix the deploy widths and groups). Absent: the blocks' final
   * state (fully condensed, as the official converted CondenseNets) or the legacy fields below.
   */
  structure?: Record<string, unknown>;
  // Papers add their keys by declaration merging: a transform's options (ACNet's `acb`), and fields that older
  // versions wrote before form.structure existed (`condenseStage`, `dgGates`).
}

/** 'base', 'deploy', or the name of the model transform the form records ('acb'). */
export type FormName = 'base' | 'deploy' | (string & {});

export function formName(form: ModelForm = {}): FormName {
  if (form.deploy) return 'deploy';
  return transformsOf(form)[0]?.[0].name ?? 'base';
}

/** What messages call a model in this form ('ACNet form'), or undefined for the registered model as it is. */
export function formLabel(form: ModelForm = {}): string | undefined {
  if (form.deploy) return 'deploy form';
  return transformsOf(form)[0]?.[0].label;
}

/** Creates a registered model in the given form (the weights are fresh; load a state dict next). */
export function buildModel(name: string, options: ModelOptions = {}, form: ModelForm = {}): Module {
  let model = createModel(name, options);
  for (const [transform, transformOptions] of transformsOf(form)) model = transform.apply(model, transformOptions, { preserveFunction: false });
  if (form.deploy) {
    restoreLearnedStructure(model, form as ModelForm & Record<string, unknown>);
    model = reparameterize(model);
  }
  return model;
}

/**
 * A deploy-form copy of `model`: `build()` makes a fresh model of the same structure (same name, options
 * and form), which takes the model's weights and is converted. `model` itself is left as it is.
 */
export function deployedCopy(model: Module, build: () => Module): Module {
  const copy = build();
  copy.loadStateDict(model.stateDict());
  return reparameterize(copy.eval());
}

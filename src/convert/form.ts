// A model's form: the registered model, its ACNet training form, or the deploy form converted from
// either (ACBs fused, learned group convs condensed, DGConvs turned into group convs). Checkpoints record the form so that the same
// structure can be rebuilt before the weights are loaded; a deploy form whose shape depends on what was learned
// records that too (form.structure, nn/structure.ts).
import type { AcbGamma } from '../blocks/acb.js';
import { createModel, type ModelOptions } from '../models/index.js';
import type { Module } from '../nn/module.js';
import { restoreLearnedStructure } from '../nn/structure.js';
import { acnetize } from './acnet.js';
import { reparameterize } from './reparameterize.js';

export interface ModelForm {
  /** ACNet training form (every 3x3/5x5 conv an ACBlock) with this initial gamma and 1-D branch length (default: the kernel's). */
  acb?: { gamma: AcbGamma; branchLength?: number };
  /** Training-form blocks converted into their deploy modules. */
  deploy?: boolean;
  /**
   * The learned structure of every block that has one, by path, when the deploy form was made (a learned group
   * conv's condensation stage, a DGConv's gates: they fix the deploy widths and groups). Absent: the blocks' final
   * state (fully condensed, as the official converted CondenseNets) or the legacy fields below.
   */
  structure?: Record<string, unknown>;
  /** Written before form.structure (and still, for older readers): the learned group convs' condensation stage. */
  condenseStage?: number;
  /** Written before form.structure (and still, for older readers): every DGConv2d's binary gates, by path. */
  dgGates?: Record<string, number[]>;
}

export type FormName = 'base' | 'acb' | 'deploy';

export function formName(form: ModelForm = {}): FormName {
  if (form.deploy) return 'deploy';
  return form.acb === undefined ? 'base' : 'acb';
}

/** Creates a registered model in the given form (the weights are fresh; load a state dict next). */
export function buildModel(name: string, options: ModelOptions = {}, form: ModelForm = {}): Module {
  let model = createModel(name, options);
  if (form.acb) model = acnetize(model, { gamma: form.acb.gamma, branchLength: form.acb.branchLength });
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

/** Parses a gamma option: a number, a fraction such as '1/3', or 'square'. */
export function parseAcbGamma(text: string): AcbGamma {
  if (text === 'square') return 'square';
  const fraction = /^\s*([0-9.]+)\s*\/\s*([0-9.]+)\s*$/.exec(text);
  const value = fraction ? Number(fraction[1]) / Number(fraction[2]) : Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new RangeError(`ACB gamma must be a number, a fraction such as 1/3, or 'square'; got '${text}'`);
  return value;
}

// A model's form: the registered model, its ACNet training form, or the deploy form converted from
// either (ACBs fused, learned group convs condensed, DGConvs turned into group convs). Checkpoints record the form so that the same
// structure can be rebuilt before the weights are loaded.
import type { AcbGamma } from '../blocks/acb.js';
import { createModel, type ModelOptions } from '../models/index.js';
import type { Module } from '../nn/module.js';
import { acnetize } from './acnet.js';
import { assumeCondensationStage } from './condense.js';
import { assumeDgGates } from './dgconv.js';
import { reparameterize } from './reparameterize.js';

export interface ModelForm {
  /** ACNet training form (every 3x3/5x5 conv an ACBlock) with this initial gamma. */
  acb?: { gamma: AcbGamma };
  /** Training-form blocks converted into their deploy modules. */
  deploy?: boolean;
  /**
   * Condensation stage the learned group convs had reached when the deploy form was made (it fixes
   * the condensed widths); absent: fully condensed, the official converted models.
   */
  condenseStage?: number;
  /** The binary gates of every DGConv2d when the deploy form was made, by path (they fix its group structure). */
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
  if (form.acb) model = acnetize(model, { gamma: form.acb.gamma });
  if (form.deploy) {
    assumeCondensationStage(model, form.condenseStage);
    if (form.dgGates) assumeDgGates(model, form.dgGates);
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

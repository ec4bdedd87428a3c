// CondenseNet conversion: condense() replaces every learned group conv by its gather + group conv +
// shuffle module and prunes the classifier to its most important half of the inputs (the official
// utils.convert_model). The convs are exact; the classifier prune changes the logits.
import { CondensableLinear, LearnedGroupConv } from '../blocks/condense.js';
import { noGrad } from '../engine/autograd.js';
import { tidy } from '../engine/scope.js';
import { fromTypedArray } from '../engine/tensor.js';
import type { Module } from '../nn/module.js';
import { reparameterize } from './reparameterize.js';

export const isCondensationBlock = (m: Module): boolean => m instanceof LearnedGroupConv || m instanceof CondensableLinear;

/** Condenses the model in place (see the file comment) and returns it. Other training-form blocks are left as they are. */
export function condense(model: Module): Module {
  return reparameterize(model, isCondensationBlock);
}

const learnedGroupConvs = (model: Module): LearnedGroupConv[] => model.modules().filter((m): m is LearnedGroupConv => m instanceof LearnedGroupConv);

/**
 * The condensation stage the model's learned group convs have reached (undefined without any). They
 * all follow the same training progress, so they agree unless they were edited by hand.
 */
export function condensationStageOf(model: Module): number | undefined {
  const stages = new Set(learnedGroupConvs(model).map((m) => m.stage));
  if (stages.size > 1) throw new Error(`the model's learned group convs are at different condensation stages (${[...stages].join(', ')})`);
  return stages.size ? [...stages][0] : undefined;
}

/**
 * Puts every learned group conv into a valid state of the given stage (default: fully condensed).
 * Only the structure matters: this is how a deploy-form model is built before its weights (and real
 * indices) are loaded. Group g keeps the inputs g·keep, g·keep + 1, ... (mod in), so a fully
 * condensed C = G layer gathers the identity 0..in-1.
 */
export function assumeCondensationStage(model: Module, stage?: number): void {
  noGrad(() => tidy(() => {
    for (const m of learnedGroupConvs(model)) {
      const s = Math.min(stage ?? m.condenseFactor - 1, m.condenseFactor - 1);
      const dropped = s * m.dropPerStage;
      const keep = m.inChannels - dropped;
      const mask = new Float32Array(m.outChannels * m.inChannels);
      for (let o = 0; o < m.outChannels; o++) {
        const group = o % m.groups;
        for (let t = 0; t < keep; t++) mask[o * m.inChannels + ((group * keep + t) % m.inChannels)] = 1;
      }
      m._mask.copy_(fromTypedArray(mask, m._mask.shape));
      m._count.fill_(dropped);
      m._stage.fill_(s);
    }
  }));
}

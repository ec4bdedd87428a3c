// CondenseNet conversion: condense() replaces every learned group conv by its gather + group conv +
// shuffle module and prunes the classifier to its most important half of the inputs (the official
// utils.convert_model). The convs are exact; the classifier prune changes the logits.
import { CondensableLinear, LearnedGroupConv } from './blocks.js';
import type { Module } from '../../nn/module.js';
import { registerDeployConversion, reparameterize } from '../../convert/reparameterize.js';

declare module '../../convert/form.js' {
  interface ModelForm {
    /** Written before form.structure (and still, for older readers): the learned group convs' condensation stage. */
    condenseStage?: number;
  }
}

registerDeployConversion({
  paper: 'CondenseNet',
  description: 'each learned group conv condensed into gather -> BN -> ReLU -> group conv -> shuffle,\nand the classifier pruned to its most important half of the inputs;',
});

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
 * Puts every learned group conv into a valid state of the given stage (default: fully condensed): only the
 * structure matters (LearnedGroupConv.restoreStructure); this is how a deploy-form model is built before its
 * weights (and real indices) are loaded.
 */
export function assumeCondensationStage(model: Module, stage?: number): void {
  for (const m of learnedGroupConvs(model)) m.restoreStructure(stage);
}

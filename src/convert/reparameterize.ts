// Model-wide conversion to the deploy form: every re-parameterisable block is replaced, in place, by
// its deploy module (timm's reparameterize_model convention). The BNs' running statistics are used, so
// the deploy model computes the training-form model's eval-mode function.
import { isReparameterizable } from '../blocks/reparam.js';
import type { Module } from '../nn/module.js';

/** Paths of the blocks still in training form (outermost only), e.g. ['layer1.0.conv1', ...]. */
export function trainingFormBlocks(model: Module): string[] {
  const paths: string[] = [];
  const visit = (m: Module, prefix: string): void => {
    for (const [name, child] of m.namedChildren()) {
      const path = prefix ? `${prefix}.${name}` : name;
      if (isReparameterizable(child)) paths.push(path);
      else visit(child, path);
    }
  };
  if (isReparameterizable(model)) return [''];
  visit(model, '');
  return paths;
}

/**
 * Replaces every training-form block by its deploy module and frees the block. Returns the model (a new
 * module only when the model itself is a block). `only` restricts the conversion to some block types.
 */
export function reparameterize(model: Module, only?: (block: Module) => boolean): Module {
  if (isReparameterizable(model)) {
    if (only && !only(model)) return model;
    const deployed = model.toDeploy().train(model.training);
    model.dispose();
    return deployed;
  }
  for (const path of trainingFormBlocks(model)) {
    const block = model.getSubmodule(path);
    if (only && !only(block)) continue;
    if (!isReparameterizable(block)) continue;
    model.setSubmodule(path, block.toDeploy()).dispose();
  }
  return model;
}

/** What a paper's training-form blocks become in the deploy form, in a line or two (for the commands' help). */
export interface DeployConversion {
  paper: string;
  description: string;
}

const CONVERSIONS: DeployConversion[] = [];

export function registerDeployConversion(conversion: DeployConversion): void {
  CONVERSIONS.push(conversion);
}

/** Every registered conversion, in registration order. */
export function deployConversions(): readonly DeployConversion[] {
  return CONVERSIONS;
}

/** The papers whose models have a training form, for help texts: 'ACNet, CondenseNet, DGConv'. */
export function trainingFormPapers(): string {
  return CONVERSIONS.map((c) => c.paper).join(', ');
}

// Optimizer parameter groups from naming rules, as the papers' recipes need them: weight decay on or
// off for biases and BN parameters, and a learning-rate multiplier for biases (ACNet: x2, BN beta too).
// Gate parameters (DGConv) are exempt from weight decay unless the recipe says otherwise.
import type { ParamGroupSpec } from '../engine/optim.js';
import type { Tensor } from '../engine/tensor.js';
import { BatchNorm1d, BatchNorm2d } from '../nn/layers.js';
import type { Module } from '../nn/module.js';
import { gateParameterNames } from '../nn/training.js';

export interface ParamGroupRules {
  weightDecay: number;
  /** Apply weight decay to biases and BN parameters too (ACNet's recipe); default false. */
  decayBiasAndNorm?: boolean;
  /** Learning-rate multiplier for every parameter named '*.bias' (BN beta included); default 1. */
  biasLrMultiplier?: number;
  /** Apply weight decay to gate parameters (DGConv's gates) too; default false. */
  decayGates?: boolean;
  /** No weight decay on parameters whose names contain any of these. */
  noDecayKeywords?: readonly string[];
  /** Parameters left out of every group (frozen layers). */
  frozen?: ReadonlySet<string>;
  /** A further learning-rate multiplier by parameter name (fine-tuning's pretrained layers); default 1. */
  lrMultiplierOf?: (name: string) => number;
}

export interface NamedGroup extends ParamGroupSpec {
  params: Tensor[];
  names: string[];
  lrMultiplier: number;
}

/** Splits the model's parameters into groups by weight decay and learning-rate multiplier. */
export function paramGroups(model: Module, baseLr: number, rules: ParamGroupRules): NamedGroup[] {
  const normParams = new Set<string>();
  for (const [path, m] of model.namedModules()) {
    if (m instanceof BatchNorm2d || m instanceof BatchNorm1d) for (const [n] of m.namedParameters()) normParams.add(path ? `${path}.${n}` : n);
  }
  const gates = gateParameterNames(model);
  const biasMult = rules.biasLrMultiplier ?? 1;
  const groups = new Map<string, NamedGroup>();
  for (const [name, p] of model.namedParameters()) {
    if (rules.frozen?.has(name)) continue;
    const isBias = name === 'bias' || name.endsWith('.bias');
    const exempt = isBias || normParams.has(name);
    const keyword = rules.noDecayKeywords?.some((k) => name.includes(k)) ?? false;
    const decay = (exempt && !rules.decayBiasAndNorm) || (gates.has(name) && !rules.decayGates) || keyword ? 0 : rules.weightDecay;
    const mult = (isBias ? biasMult : 1) * (rules.lrMultiplierOf?.(name) ?? 1);
    const key = `${decay}/${mult}`;
    let g = groups.get(key);
    if (g === undefined) {
      g = { params: [], names: [], weightDecay: decay, lr: baseLr * mult, lrMultiplier: mult };
      groups.set(key, g);
    }
    g.params.push(p);
    g.names.push(name);
  }
  return [...groups.values()];
}

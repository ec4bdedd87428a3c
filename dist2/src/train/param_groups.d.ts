import type { ParamGroupSpec } from '../engine/optim.js';
import type { Tensor } from '../engine/tensor.js';
import type { Module } from '../nn/module.js';
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
export declare function paramGroups(model: Module, baseLr: number, rules: ParamGroupRules): NamedGroup[];

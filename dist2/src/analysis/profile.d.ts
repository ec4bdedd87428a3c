import type { Module } from '../nn/module.js';
export { registerMacCounter, type MacCounter } from '../nn/macs.js';
export interface LayerProfile {
    name: string;
    type: string;
    inputShape: number[];
    outputShape: number[];
    /** The layer's own parameters. */
    params: number;
    /** Multiply-accumulates per sample (0 for layers without a counter); summed over repeated calls. */
    macs: number;
    calls: number;
}
export interface ModelProfile {
    /** Total parameters of the model (buffers excluded). */
    params: number;
    /** Conv + linear multiply-accumulates per sample. */
    macs: number;
    inputShape: number[];
    outputShape: number[];
    layers: LayerProfile[];
}
/** Profiles `model` on one zero input of shape [1, ...inputShape] (C, H, W) in eval mode; restores the mode. */
export declare function profileModel(model: Module, inputShape: readonly number[]): ModelProfile;
/** A fixed-width table of a profile, one row per layer that has parameters or MACs. */
export declare function formatProfile(profile: ModelProfile, options?: {
    layers?: boolean;
}): string;

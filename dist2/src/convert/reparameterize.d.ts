import type { Module } from '../nn/module.js';
/** Paths of the blocks still in training form (outermost only), e.g. ['layer1.0.conv1', ...]. */
export declare function trainingFormBlocks(model: Module): string[];
/**
 * Replaces every training-form block by its deploy module and frees the block. Returns the model (a new
 * module only when the model itself is a block). `only` restricts the conversion to some block types.
 */
export declare function reparameterize(model: Module, only?: (block: Module) => boolean): Module;

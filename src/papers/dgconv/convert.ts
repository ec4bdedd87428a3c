// DGConv conversion support. A DGConv's deploy structure (group count, channel order) follows from its
// binary gates, so a deploy-form checkpoint records them (form.dgGates, by layer path) and the deploy
// model is rebuilt by setting them before the blocks are converted and the weights loaded.
import { DGConv2d } from './blocks.js';
import type { Module } from '../../nn/module.js';
import { registerDeployConversion } from '../../convert/reparameterize.js';

declare module '../../convert/form.js' {
  interface ModelForm {
    /** Written before form.structure (and still, for older readers): every DGConv2d's binary gates, by path. */
    dgGates?: Record<string, number[]>;
  }
}

registerDeployConversion({ paper: 'DGConv', description: "each DGConv2d's learned grouping turned into a group conv (channels permuted into groups)." });

/** The binary gates of every DGConv2d by path (undefined without any). */
export function dgGatesOf(model: Module): Record<string, number[]> | undefined {
  const gates: Record<string, number[]> = {};
  for (const [path, m] of model.namedModules()) if (m instanceof DGConv2d) gates[path] = m.gateValues();
  return Object.keys(gates).length ? gates : undefined;
}

/** Sets every DGConv2d's gates from a record of dgGatesOf; a record that does not fit the model is an error naming the layer. */
export function assumeDgGates(model: Module, gates: Readonly<Record<string, readonly number[]>>): void {
  const layers = new Map([...model.namedModules()].filter((e): e is [string, DGConv2d] => e[1] instanceof DGConv2d));
  const unknown = Object.keys(gates).filter((p) => !layers.has(p));
  const missing = [...layers.keys()].filter((p) => !(p in gates));
  if (unknown.length || missing.length) {
    throw new Error(`the recorded DGConv gates do not fit the model (${[
      unknown.length ? `no DGConv2d at ${unknown.join(', ')}` : '', missing.length ? `no gates for ${missing.join(', ')}` : '',
    ].filter(Boolean).join('; ')})`);
  }
  for (const [path, layer] of layers) layer.restoreStructure(gates[path]!);
}

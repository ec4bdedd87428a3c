// Multiply-accumulate counters by module type, for the profiler (analysis/profile.ts): a layer type registers how
// many MACs one call makes per sample, from the shapes it saw. Conv2d and Linear register here; a block whose forward
// does not call its children (a learned group conv, a DGConv) registers its own beside its code.
import type { Shape } from '../engine/tensor.js';
import { Conv2d, Linear } from './layers.js';
import type { Module } from './module.js';

/** MACs of one call for one sample, from the module and the shapes it saw. */
export type MacCounter = (module: Module, input: Shape, output: Shape) => number;

const counters = new Map<Function, MacCounter>();

/** Teaches the profiler the MAC count of a layer type (later papers register their own layers). */
export function registerMacCounter(type: abstract new (...args: never[]) => Module, counter: MacCounter): void {
  counters.set(type, counter);
}

// Conv: every output element takes (Cin/groups)*kh*kw multiply-accumulates.
export const convMacs: MacCounter = (m, _input, output) => {
  const c = m as Conv2d;
  const perOutput = (c.inChannels / c.groups) * c.kernelSize[0] * c.kernelSize[1];
  return (output.slice(1).reduce((a, b) => a * b, 1)) * perOutput;
};
registerMacCounter(Conv2d, convMacs);
registerMacCounter(Linear, (m, input) => {
  const l = m as Linear;
  const rows = input.slice(1, -1).reduce((a, b) => a * b, 1);
  return rows * l.inFeatures * l.outFeatures;
});

/** The counter registered for the module's class or its nearest ancestor class. */
export function counterFor(m: Module): MacCounter | undefined {
  for (let proto = Object.getPrototypeOf(m); proto !== null; proto = Object.getPrototypeOf(proto)) {
    const c = counters.get(proto.constructor);
    if (c !== undefined) return c;
  }
  return undefined;
}

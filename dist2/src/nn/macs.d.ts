import type { Shape } from '../engine/tensor.js';
import type { Module } from './module.js';
/** MACs of one call for one sample, from the module and the shapes it saw. */
export type MacCounter = (module: Module, input: Shape, output: Shape) => number;
/** Teaches the profiler the MAC count of a layer type (later papers register their own layers). */
export declare function registerMacCounter(type: abstract new (...args: never[]) => Module, counter: MacCounter): void;
export declare const convMacs: MacCounter;
/** The counter registered for the module's class or its nearest ancestor class. */
export declare function counterFor(m: Module): MacCounter | undefined;

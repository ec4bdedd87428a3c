import type { Module } from '../nn/module.js';
/** The binary gates of every DGConv2d by path (undefined without any). */
export declare function dgGatesOf(model: Module): Record<string, number[]> | undefined;
/** Sets every DGConv2d's gates from a record of dgGatesOf; a record that does not fit the model is an error naming the layer. */
export declare function assumeDgGates(model: Module, gates: Readonly<Record<string, readonly number[]>>): void;

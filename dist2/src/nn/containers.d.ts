import { Tensor } from '../engine/tensor.js';
import { Module } from './module.js';
/** Children named '0', '1', ... unless given as [name, module] pairs. */
export declare class Sequential extends Module {
    constructor(...modules: (Module | [string, Module])[]);
    get length(): number;
    at(index: number): Module;
    append(module: Module): this;
    /** Runs the children in order, releasing each intermediate as soon as the next one has consumed it. */
    forward(x: Tensor): Tensor;
}
/**
 * Feeds x through modules in order, disposing every intermediate (never x itself) once consumed. At
 * inference Identity modules are skipped, a Conv2d directly followed by a BatchNorm2d runs as one conv with the
 * BN folded in, a ReLU after a conv runs as the conv's epilogue, and a BatchNorm2d directly followed by a ReLU
 * runs as one pass, and with a Conv2d after them as one pre-activated conv (nn/fusion).
 */
export declare function runInOrder(layers: readonly Module[], x: Tensor): Tensor;
/** An indexed list of modules registered as children '0', '1', ...; it has no forward of its own. */
export declare class ModuleList extends Module {
    constructor(modules?: readonly Module[]);
    get length(): number;
    push(module: Module): this;
    at(index: number): Module;
    [Symbol.iterator](): Iterator<Module>;
    forward(): Tensor;
}

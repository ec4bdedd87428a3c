import { type ModelForm } from '../convert/form.js';
import { type ModelSpec, type ResolvedModelOptions } from '../models/index.js';
import type { Module } from '../nn/module.js';
import type { TrainCallback } from './callbacks.js';
export interface InitializedModel {
    model: Module;
    /** What was done beyond copying (a replaced classifier, an adapted first conv, the ACNet form made). */
    notes: string[];
}
/**
 * A model of `name` for the run's options (the data's classes and channels) in the run's form, holding the
 * weights of `file` (see the file comment).
 */
export declare function modelFromWeights(file: string, name: string, options: ResolvedModelOptions, form: ModelForm): Promise<InitializedModel>;
/** Module paths whose parameters `--freeze` fixes: every layer up to a declared stage's output (1-based), and named modules. */
export declare function frozenModules(model: Module, spec: ModelSpec, freeze: readonly (number | string)[]): Set<string>;
/** Parameter names owned by the given modules. */
export declare function parametersOf(model: Module, modules: ReadonlySet<string>): Set<string>;
/**
 * Fixes the frozen modules: their parameters stop recording gradients (the caller leaves them out of the
 * optimizer), and the callback keeps their batch norms in inference mode so that their statistics stay too.
 */
export declare function freeze(model: Module, modules: ReadonlySet<string>): TrainCallback;

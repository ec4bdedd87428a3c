import type { Tensor } from '../engine/tensor.js';
import type { Module } from './module.js';
/** Where a training run stands, before one batch. */
export interface TrainingProgress {
    /** Epoch, from 0. */
    epoch: number;
    /** Batch within the epoch, from 0. */
    batch: number;
    epochs: number;
    batchesPerEpoch: number;
    /** (epoch·batchesPerEpoch + batch) / (epochs·batchesPerEpoch), in [0, 1): CondenseNet's `progress`. */
    fraction: number;
    /** Where the epoch stands in the LR schedule's warm-restart cycle, when the run uses SGDR (HCGNet's DropBlock follows it). */
    restartCycle?: {
        tCur: number;
        tI: number;
    };
}
export declare function trainingProgress(epoch: number, batch: number, epochs: number, batchesPerEpoch: number, restartCycle?: {
    tCur: number;
    tI: number;
}): TrainingProgress;
/**
 * Position of an epoch in SGDR's restart cycles (Loshchilov & Hutter): epochs since the last restart and
 * the current cycle length. Shared by the LR schedule and modules that follow the same cycle (DropBlock).
 */
export declare function sgdrCycle(epoch: number, t0: number, tmult: number): {
    tCur: number;
    tI: number;
};
/** A module whose behaviour follows training progress. */
export interface ProgressAware {
    onTrainingProgress(progress: TrainingProgress): void;
}
export declare function isProgressAware(m: Module): m is Module & ProgressAware;
/** Tells every progress-aware module of the model (children first) where training stands. */
export declare function broadcastProgress(model: Module, progress: TrainingProgress): void;
/** A module that contributes named regulariser terms (e.g. 'groupLasso'). */
export interface Regularized {
    /** The regularisers this module offers. */
    readonly regularizerNames: readonly string[];
    /** The unweighted term, or undefined when it is currently zero (e.g. once condensation is over). */
    regularizer(name: string): Tensor | undefined;
    /** The term's largest possible value (DGConv: C², every channel connected); budgets are fractions of it. */
    regularizerBound?(name: string): number;
}
export declare function isRegularized(m: Module): m is Module & Regularized;
/** The sum of the modules' bounds of a named regulariser (0 when none states one). */
export declare function regularizerBound(model: Module, name: string): number;
/** Names of the regularisers some module of the model offers, sorted. */
export declare function regularizerNames(model: Module): string[];
/** The sum of a named regulariser over the model's modules (undefined when every term is zero). */
export declare function regularizerTerm(model: Module, name: string): Tensor | undefined;
/** A module whose learned structure is worth logging once per epoch (DGConv: its group count). */
export interface StructureReporting {
    learnedStructure(): {
        label: string;
        value: number;
    };
}
export declare function isStructureReporting(m: Module): m is Module & StructureReporting;
/** The learned structure of every reporting module, by path. */
export declare function learnedStructures(model: Module): {
    path: string;
    label: string;
    value: number;
}[];
/**
 * A module with gate parameters (DGConv's `gate`): architecture choices, not weights, so weight decay
 * leaves them alone unless a recipe asks for it.
 */
export interface Gated {
    readonly gateParameterNames: readonly string[];
}
/** Full names of the model's gate parameters. */
export declare function gateParameterNames(model: Module): Set<string>;

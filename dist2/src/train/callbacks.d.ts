import type { Tensor } from '../engine/tensor.js';
import type { Module } from '../nn/module.js';
import { type TrainingProgress } from '../nn/training.js';
export interface BatchContext extends TrainingProgress {
    model: Module;
    /** A seed for this batch's random choices, fixed by (seed, epoch, batch) so that a resumed run repeats them (the trainer sets it). */
    batchSeed?: number;
}
/** Cross-entropy with the run's label smoothing. */
export type LossOf = (logits: Tensor, target: Tensor) => Tensor;
export interface EpochContext {
    model: Module;
    /** The epoch just finished, from 1. */
    epoch: number;
}
/** What a callback has to say about an epoch: a line for the log and values for the epoch record (log.jsonl). */
export interface EpochNotes {
    line?: string;
    values?: Record<string, unknown>;
}
export interface TrainCallback {
    /** Before a training batch's forward pass (the learning rate is already set). */
    onBatchStart?(context: BatchContext): void;
    /**
     * The batch loss as this callback shapes it (add a term, scale it). Called in order inside the
     * step's tidy scope after the forward pass, so new tensors may be graph nodes and are freed with the step.
     */
    adjustLoss?(loss: Tensor, context: BatchContext): Tensor;
    /**
     * Replaces the images a training step sees and, with them, how its loss follows from the logits (mixup). Called
     * inside the step's tidy scope; at most one callback of a run transforms batches.
     */
    transformBatch?(batch: {
        images: Tensor;
        labels: Tensor;
    }, context: BatchContext): {
        images: Tensor;
        loss(logits: Tensor, ce: LossOf): Tensor;
    };
    /** After an epoch's training, before the model is evaluated (e.g. align buffers across ranks). */
    beforeEvaluate?(context: EpochContext): void;
    /** After an epoch's training and evaluation, before its record is written. */
    onEpochEnd?(context: EpochContext): EpochNotes | undefined;
    /** When training ends (finished or failed): release what the callback holds. */
    close?(): void;
}
/** Tells every ProgressAware module of the model where training stands, before each batch. */
export declare const moduleProgress: () => TrainCallback;
/** Adds weight·(the model's named regulariser) to every batch loss. */
export declare function regularization(name: string, weight: number): TrainCallback;
/**
 * A soft budget on a regulariser (MnasNet-style, the DGConv maintainer's recipe in
 * d-li14/dgconv.pytorch#1): while the term R exceeds the budget, loss · (R / budget)^exponent; at or
 * under the budget the loss is left alone. budget = (the model's bound on R) / divisor: for DGConv's
 * connection count the bound is Σ C², so divisor 32 asks for the cost of 32 groups per layer.
 */
export declare function budgetConstraint(model: Module, name: string, divisor: number, exponent?: number): TrainCallback;
/** Logs every StructureReporting module's learned structure after each epoch (e.g. DGConv's groups per layer). */
export declare const structureReport: () => TrainCallback;
export interface RecipeTerms {
    /** Mixup's Beta(alpha, alpha) (0: off). */
    mixupAlpha?: number;
    /** Weights of regularisers added to the loss. */
    regularizers?: Readonly<Record<string, number>>;
    /** Budget divisors of regularisers (see budgetConstraint). */
    budgets?: Readonly<Record<string, number>>;
}
/**
 * The callbacks a run's recipe implies: module progress always, each configured regulariser and
 * budget, and the structure report when some module learns its structure.
 */
export declare function recipeCallbacks(model: Module, terms?: RecipeTerms): TrainCallback[];

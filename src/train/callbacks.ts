// Trainer callbacks: the one mechanism through which anything beyond the plain step takes part in
// training. The trainer calls them at fixed points of its loop; it knows nothing of what they do.
// Built in: module progress (every ProgressAware module learns where training stands: CondenseNet's
// condensation, DropBlock schedules) and weighted regularisers offered by modules (group lasso).
import type { Tensor } from '../engine/tensor.js';
import type { Module } from '../nn/module.js';
import { broadcastProgress, regularizerNames, regularizerTerm, type TrainingProgress } from '../nn/training.js';
import { ConfigError } from './config.js';

export interface BatchContext extends TrainingProgress {
  model: Module;
}

export interface TrainCallback {
  /** Before a training batch's forward pass (the learning rate is already set). */
  onBatchStart?(context: BatchContext): void;
  /**
   * Terms added to the batch loss. Called inside the step's tidy scope after the forward pass, so
   * the returned tensors may be graph nodes and are freed with the step.
   */
  lossTerms?(context: BatchContext): Tensor[];
}

/** Tells every ProgressAware module of the model where training stands, before each batch. */
export const moduleProgress = (): TrainCallback => ({
  onBatchStart: (context) => broadcastProgress(context.model, context),
});

/** Adds weight·(the model's named regulariser) to every batch loss. */
export function regularization(name: string, weight: number): TrainCallback {
  return {
    lossTerms: ({ model }) => {
      const term = regularizerTerm(model, name);
      return term === undefined ? [] : [term.mul(weight)];
    },
  };
}

/** The callbacks a run's recipe implies: module progress always, and each configured regulariser. */
export function recipeCallbacks(model: Module, regularizers: Readonly<Record<string, number>>): TrainCallback[] {
  const offered = regularizerNames(model);
  const callbacks = [moduleProgress()];
  for (const [name, weight] of Object.entries(regularizers)) {
    if (!offered.includes(name)) {
      throw new ConfigError(`the model has no '${name}' regulariser (${offered.length ? `it offers: ${offered.join(', ')}` : 'it offers none'})`);
    }
    if (weight > 0) callbacks.push(regularization(name, weight));
  }
  return callbacks;
}

// Trainer callbacks: the one mechanism through which anything beyond the plain step takes part in
// training. The trainer calls them at fixed points of its loop; it knows nothing of what they do.
// Built in: module progress (every ProgressAware module learns where training stands: CondenseNet's
// condensation, DropBlock schedules), weighted regularisers offered by modules (group lasso), budget
// constraints on a regulariser (DGConv's connection count), the per-epoch report of learned
// structures (DGConv's group counts), mixup (mixup.ts) and data-parallel training (data_parallel.ts).
import { tidy } from '../engine/scope.js';
import type { Tensor } from '../engine/tensor.js';
import type { Module } from '../nn/module.js';
import { broadcastProgress, learnedStructures, regularizerBound, regularizerNames, regularizerTerm, type TrainingProgress } from '../nn/training.js';
import { ConfigError } from './config.js';
import { mixup } from './mixup.js';

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
  transformBatch?(batch: { images: Tensor; labels: Tensor }, context: BatchContext): { images: Tensor; loss(logits: Tensor, ce: LossOf): Tensor };
  /** After an epoch's training, before the model is evaluated (e.g. align buffers across ranks). */
  beforeEvaluate?(context: EpochContext): void;
  /** After an epoch's training and evaluation, before its record is written. */
  onEpochEnd?(context: EpochContext): EpochNotes | undefined;
  /** When training ends (finished or failed): release what the callback holds. */
  close?(): void;
}

/** Tells every ProgressAware module of the model where training stands, before each batch. */
export const moduleProgress = (): TrainCallback => ({
  onBatchStart: (context) => broadcastProgress(context.model, context),
});

/** Adds weight·(the model's named regulariser) to every batch loss. */
export function regularization(name: string, weight: number): TrainCallback {
  return {
    adjustLoss: (loss, { model }) => {
      const term = regularizerTerm(model, name);
      return term === undefined ? loss : loss.add(term.mul(weight));
    },
  };
}

/**
 * A soft budget on a regulariser (MnasNet-style, the DGConv maintainer's recipe in
 * d-li14/dgconv.pytorch#1): while the term R exceeds the budget, loss · (R / budget)^exponent; at or
 * under the budget the loss is left alone. budget = (the model's bound on R) / divisor: for DGConv's
 * connection count the bound is Σ C², so divisor 32 asks for the cost of 32 groups per layer.
 */
export function budgetConstraint(model: Module, name: string, divisor: number, exponent = 0.02): TrainCallback {
  const bound = regularizerBound(model, name);
  if (!(bound > 0)) throw new ConfigError(`the '${name}' regulariser states no bound, so a budget cannot be a fraction of it`);
  if (!(Number.isFinite(divisor) && divisor >= 1)) throw new ConfigError(`the ${name} budget divisor must be >= 1, got ${divisor}`);
  const budget = bound / divisor;
  return {
    adjustLoss: (loss, { model: m }) => {
      const term = regularizerTerm(m, name);
      if (term === undefined || term.item() <= budget) return loss;
      return loss.mul(term.div(budget).pow(exponent));
    },
    onEpochEnd: ({ model: m }) => {
      const value = tidy(() => regularizerTerm(m, name)?.item() ?? 0);
      const state = value > budget ? 'over' : 'within';
      return { line: `${name}: ${Math.round(value)} (budget ${Math.round(budget)} = ${bound}/${divisor}, ${state})`, values: { [name]: value, [`${name}Budget`]: budget } };
    },
  };
}

/** Logs every StructureReporting module's learned structure after each epoch (e.g. DGConv's groups per layer). */
export const structureReport = (): TrainCallback => ({
  onEpochEnd: ({ model }) => {
    const found = learnedStructures(model);
    if (found.length === 0) return undefined;
    const labels = [...new Set(found.map((f) => f.label))];
    const line = labels.map((label) => `${label} per layer: ${found.filter((f) => f.label === label).map((f) => f.value).join(' ')}`).join('; ');
    return { line, values: { structure: Object.fromEntries(found.map((f) => [f.path, f.value])) } };
  },
});

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
export function recipeCallbacks(model: Module, terms: RecipeTerms = {}): TrainCallback[] {
  const offered = regularizerNames(model);
  const check = (name: string): void => {
    if (!offered.includes(name)) {
      throw new ConfigError(`the model has no '${name}' regulariser (${offered.length ? `it offers: ${offered.join(', ')}` : 'it offers none'})`);
    }
  };
  const callbacks = [moduleProgress()];
  for (const [name, weight] of Object.entries(terms.regularizers ?? {})) {
    check(name);
    if (weight > 0) callbacks.push(regularization(name, weight));
  }
  for (const [name, divisor] of Object.entries(terms.budgets ?? {})) {
    check(name);
    callbacks.push(budgetConstraint(model, name, divisor));
  }
  if (learnedStructures(model).length > 0) callbacks.push(structureReport());
  if ((terms.mixupAlpha ?? 0) > 0) callbacks.push(mixup(terms.mixupAlpha!));
  return callbacks;
}

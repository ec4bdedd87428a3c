// Protocols through which modules take part in training beyond forward/backward. The trainer knows
// nothing of particular layers: it tells every module that wants it how far training has come, and
// asks modules for named regulariser terms that the run's recipe weights (or budgets) into the loss.
// (CondenseNet's learned group convs condense on progress and offer a group lasso; HCGNet's DropBlock
// follows its schedule; DGConv offers its connection count, reports its learned group counts and
// marks its gates as exempt from weight decay.)
import { tidy } from '../engine/scope.js';
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
  restartCycle?: { tCur: number; tI: number };
}

export function trainingProgress(
  epoch: number, batch: number, epochs: number, batchesPerEpoch: number, restartCycle?: { tCur: number; tI: number },
): TrainingProgress {
  const progress: TrainingProgress = { epoch, batch, epochs, batchesPerEpoch, fraction: (epoch * batchesPerEpoch + batch) / (epochs * batchesPerEpoch) };
  if (restartCycle) progress.restartCycle = restartCycle;
  return progress;
}

/**
 * Position of an epoch in SGDR's restart cycles (Loshchilov & Hutter): epochs since the last restart and
 * the current cycle length. Shared by the LR schedule and modules that follow the same cycle (DropBlock).
 */
export function sgdrCycle(epoch: number, t0: number, tmult: number): { tCur: number; tI: number } {
  let tI = t0;
  let tCur = epoch;
  while (tCur >= tI) {
    tCur -= tI;
    tI *= tmult;
  }
  return { tCur, tI };
}

/** A module whose behaviour follows training progress. */
export interface ProgressAware {
  onTrainingProgress(progress: TrainingProgress): void;
}

export function isProgressAware(m: Module): m is Module & ProgressAware {
  return typeof (m as Partial<ProgressAware>).onTrainingProgress === 'function';
}

/** Tells every progress-aware module of the model (children first) where training stands. */
export function broadcastProgress(model: Module, progress: TrainingProgress): void {
  model.apply((m) => {
    if (isProgressAware(m)) m.onTrainingProgress(progress);
  });
}

/** A module that contributes named regulariser terms (e.g. 'groupLasso'). */
export interface Regularized {
  /** The regularisers this module offers. */
  readonly regularizerNames: readonly string[];
  /** The unweighted term, or undefined when it is currently zero (e.g. once condensation is over). */
  regularizer(name: string): Tensor | undefined;
  /** The term's largest possible value (DGConv: C², every channel connected); budgets are fractions of it. */
  regularizerBound?(name: string): number;
}

export function isRegularized(m: Module): m is Module & Regularized {
  return typeof (m as Partial<Regularized>).regularizer === 'function' && Array.isArray((m as Partial<Regularized>).regularizerNames);
}

/** The sum of the modules' bounds of a named regulariser (0 when none states one). */
export function regularizerBound(model: Module, name: string): number {
  let total = 0;
  for (const m of model.modules()) if (isRegularized(m) && m.regularizerNames.includes(name)) total += m.regularizerBound?.(name) ?? 0;
  return total;
}

/** Names of the regularisers some module of the model offers, sorted. */
export function regularizerNames(model: Module): string[] {
  const names = new Set<string>();
  for (const m of model.modules()) if (isRegularized(m)) m.regularizerNames.forEach((n) => names.add(n));
  return [...names].sort();
}

/** The sum of a named regulariser over the model's modules (undefined when every term is zero). */
export function regularizerTerm(model: Module, name: string): Tensor | undefined {
  return tidy(() => {
    let total: Tensor | undefined;
    for (const m of model.modules()) {
      if (!isRegularized(m) || !m.regularizerNames.includes(name)) continue;
      const term = m.regularizer(name);
      if (term !== undefined) total = total === undefined ? term : total.add(term);
    }
    return total;
  });
}

/** A module whose learned structure is worth logging once per epoch (DGConv: its group count). */
export interface StructureReporting {
  learnedStructure(): { label: string; value: number };
}

export function isStructureReporting(m: Module): m is Module & StructureReporting {
  return typeof (m as Partial<StructureReporting>).learnedStructure === 'function';
}

/** The learned structure of every reporting module, by path. */
export function learnedStructures(model: Module): { path: string; label: string; value: number }[] {
  const found: { path: string; label: string; value: number }[] = [];
  for (const [path, m] of model.namedModules()) if (isStructureReporting(m)) found.push({ path, ...m.learnedStructure() });
  return found;
}

/**
 * A module with gate parameters (DGConv's `gate`): architecture choices, not weights, so weight decay
 * leaves them alone unless a recipe asks for it.
 */
export interface Gated {
  readonly gateParameterNames: readonly string[];
}

/** Full names of the model's gate parameters. */
export function gateParameterNames(model: Module): Set<string> {
  const names = new Set<string>();
  for (const [path, m] of model.namedModules()) {
    const own = (m as Partial<Gated>).gateParameterNames;
    if (Array.isArray(own)) for (const n of own) names.add(path ? `${path}.${n}` : n);
  }
  return names;
}

import type { Module } from '../nn/module.js';
import type { TrainCallback } from './callbacks.js';
import type { TrainConfig } from './config.js';
import type { EvalResult } from './metrics.js';
import { type RecoveryPoint } from './run-directory.js';
export interface TrainingWorld {
    readonly rank: number;
    readonly worldSize: number;
    /** Rank 0: it prints and writes the run directory. */
    readonly isMain: boolean;
    /** Prefix of this rank's warnings ('' in one process). */
    readonly tag: string;
    /** What the run-directory line adds about the processes ('' in one process). */
    describe(batchSize: number): string;
    /** Refuses a config this world cannot train. */
    check(config: TrainConfig): void;
    /** The model's layers for this world (SyncBatchNorm when asked), before it moves to its device. */
    adaptModel(model: Module, config: TrainConfig): void;
    /** The callbacks that keep the ranks' models identical, once the model is final. */
    callbacks(model: Module): TrainCallback[];
    /**
     * The epoch's random stream: in a data-parallel run each rank draws from one fixed by (seed, epoch, rank), or from
     * the recovery point's state; one process continues its generator.
     */
    seedEpoch(seed: number, epoch: number, resume?: RecoveryPoint): void;
    /** Whether this rank carries a recovery point's figures (summed over the ranks, so rank 0 alone does). */
    carriesFigures(resume: RecoveryPoint | undefined): boolean;
    sum(values: readonly number[]): number[];
    max(values: readonly number[]): number[];
    /** Whether any rank says yes. */
    any(flag: boolean): boolean;
    /** Every rank's RNG state (base64) for a recovery point; undefined in one process, whose checkpoint holds its own. */
    rngStates(): string[] | undefined;
    /** The test figures of the whole split from each rank's share. */
    combine(local: EvalResult): EvalResult;
}
/** The world of this process: a data-parallel rank when a process group exists, else one process. */
export declare function trainingWorld(): TrainingWorld;

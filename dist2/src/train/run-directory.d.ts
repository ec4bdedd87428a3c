import type { OptimizerState } from '../engine/optim.js';
import type { Module } from '../nn/module.js';
import { type CheckpointMeta } from '../convert/checkpoint.js';
import { type TrainConfig } from './config.js';
import type { EvalResult } from './metrics.js';
export declare class TrainingError extends Error {
    constructor(message: string);
}
/** One line of log.jsonl: an epoch's training figures and, when it was evaluated, its test figures. */
export interface EpochRecord {
    epoch: number;
    /** Learning rate of the epoch's last batch. */
    lr: number;
    train: {
        loss: number;
        top1: number;
    };
    test?: EvalResult;
    seconds: number;
    imagesPerSecond: number;
    /** Fraction of the epoch's training time spent waiting for the loader's next batch (0: the loader always kept ahead). */
    dataWait?: number;
    /** What the callbacks reported after the epoch (e.g. a budgeted regulariser's value, DGConv's groups per layer). */
    notes?: Record<string, unknown>;
}
export type TrainOptions = Partial<TrainConfig> & {
    /** A run directory (or its checkpoint) to continue; only RESUME_OVERRIDES may be given with it. */
    resume?: string;
};
/** Where a mid-epoch recovery checkpoint resumes: the batch to train next and the epoch's figures so far. */
export interface RecoveryPoint {
    batch: number;
    lossSum: number;
    correct: number;
    seen: number;
    waited: number;
    /** Training seconds of the epoch so far. */
    seconds: number;
    /** Each rank's RNG state (base64) in a data-parallel run. */
    rngStates?: string[];
    worldSize: number;
}
export declare const RECOVERY_CHECKPOINT = "recovery.safetensors";
/**
 * Resolves a --resume argument (run directory or checkpoint file) to the run directory and the checkpoint to continue
 * from: the directory's recovery point when it is further on than its last epoch's checkpoint.
 */
export declare function resolveResume(target: string): {
    runDir: string;
    checkpoint: string;
};
/** The config a call trains: a new run's (defaults filled in), or a resumed run's recorded one with its allowed overrides. */
export declare function resolveRun(options: TrainOptions): {
    config: TrainConfig;
    runDir: string;
    resumeFrom?: string;
    recordedEpochs?: number;
};
/**
 * The files of one run. Only the process that writes the run (rank 0 of a data-parallel run) changes them; the
 * others get the same calls and do nothing.
 */
export declare class RunDirectory {
    readonly path: string;
    private readonly writes;
    private created;
    constructor(path: string, writes: boolean);
    get lastCheckpoint(): string;
    /** A new run: refuses a directory that already holds one. */
    checkFree(): void;
    /** Creates the directory of a new run with its config.json. */
    create(config: TrainConfig): void;
    writeConfig(config: TrainConfig): void;
    /**
     * The records of epochs <= `epochs`, with the logs rewritten to hold just those: a resumed run rewrites what came
     * after its checkpoint (a kill between a log line and its checkpoint leaves such a line).
     */
    truncateLogs(epochs: number): EpochRecord[];
    /**
     * Appends the epoch's record to the logs, then writes the checkpoints (last, and best when it improved): a kill in
     * between is repaired on resume by truncateLogs.
     */
    recordEpoch(record: EpochRecord, model: Module, meta: CheckpointMeta, optimizer: OptimizerState, improved: boolean): void;
    /** A recovery point inside an epoch (atomic, as every checkpoint), replaced by the next one or the epoch's. */
    recordRecoveryPoint(model: Module, meta: CheckpointMeta, optimizer: OptimizerState): void;
    /** After a failure: a directory this call created and no checkpoint was written in is removed, so its name can be used again. */
    removeIfUnfinished(): void;
}

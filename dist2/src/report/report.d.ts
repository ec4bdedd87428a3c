import { type Dataset } from '../data/datasets.js';
export declare class ReportError extends Error {
    constructor(message: string);
}
/** One epoch line of a run's log.jsonl (the fields the report draws). */
interface EpochLine {
    epoch: number;
    lr: number;
    train: {
        loss: number;
        top1: number;
    };
    test?: {
        loss: number;
        top1: number;
    };
    seconds?: number;
}
export interface RunLog {
    name: string;
    dir: string;
    config: Record<string, unknown>;
    epochs: EpochLine[];
}
/** Reads a run directory's config.json and log.jsonl, with errors that name the file and line. */
export declare function readRun(dir: string): RunLog;
export interface Evaluation {
    run: string;
    checkpoint: string;
    dataset: string;
    classes: string[];
    labels: Int32Array;
    predicted: Int32Array;
    /** For a training-form checkpoint (ACNet, CondenseNet, DGConv): the predictions of its deploy form. */
    deployPredicted?: Int32Array;
}
/** The first checkpoint of a run that exists: best, then last. */
export declare function runCheckpoint(dir: string): string | undefined;
/** Evaluates a checkpoint on the test split it was trained on, keeping every prediction. */
export declare function evaluateForReport(run: RunLog, checkpoint: string, dataDir?: string): Promise<{
    evaluation: Evaluation;
    dataset: Dataset;
}>;
export interface ReportOptions {
    outDir: string;
    /** Dataset directory for the evaluation (default: the one the run recorded). */
    dataDir?: string;
    /** Misclassified images shown (default 40). */
    misclassified?: number;
    /** Skip evaluating a checkpoint (curves only). */
    curvesOnly?: boolean;
}
export interface ReportResult {
    html: string;
    files: string[];
    evaluation?: {
        run: string;
        top1: number;
        misclassified: number; /** The deploy form's, for a training-form checkpoint. */
        deployTop1?: number;
    };
}
/** Writes index.html and its SVG/PNG files into options.outDir for the given run directories. */
export declare function writeReport(runDirs: string[], options: ReportOptions): Promise<ReportResult>;
export {};

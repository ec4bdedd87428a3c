import { type Split } from '../data/datasets.js';
import { type Normalization } from '../data/pipelines.js';
import { type Module } from '../nn/module.js';
import { type OnnxBackend, OnnxModel } from './runtime.js';
/**
 * Largest output difference accepted between the training and deploy forms, and between ONNX Runtime
 * and libtorch, relative to the output's magnitude when that exceeds 1 (float32 fusion is ~1e-7 relative).
 */
export declare const CONVERT_TOLERANCE = 0.0001;
export declare const VERIFY_TOLERANCE = 0.0001;
export declare class NothingToConvertError extends Error {
    constructor(message: string);
}
export interface ConvertResult {
    output: string;
    model: string;
    /** Training-form blocks converted (ACBlocks, learned group convs, condensable classifiers). */
    blocks: number;
    params: number;
    /** Max |training form - deploy form| of the exact conversions, on a random batch of 4 in eval mode. */
    maxAbsDiff: number;
    /**
     * Conversions that change the function on purpose (CondenseNet's classifier prune): how many, and
     * the max |logit change| they cause on the same batch.
     */
    lossy?: {
        blocks: number;
        maxAbsDiff: number;
    };
}
/**
 * Writes the deploy checkpoint of a training-form checkpoint (default <name>.deploy.safetensors
 * beside it). The exact conversions are applied first and checked against the training form; the
 * lossy ones (classifier prune) after, and their effect is reported.
 */
export declare function convertCheckpoint(path: string, output?: string): ConvertResult;
/**
 * Max |ONNX Runtime - libtorch| over a random batch (default 4) in eval mode, and the largest |output|; the
 * module runs as written (nn.withoutEvalFusion).
 */
export declare function verifyOnnx(model: Module, bytes: Uint8Array, input: readonly number[], options?: {
    backend?: OnnxBackend;
    batch?: number;
}): Promise<{
    maxAbsDiff: number;
    scale: number;
}>;
export interface ExportResult {
    output: string;
    bytes: number;
    nodes: number;
    ops: Record<string, number>;
    foldedBatchNorms: number;
    /** ONNX Runtime vs libtorch on a random batch (absent with verify: false). */
    maxAbsDiff?: number;
}
/** Exports a deploy-form (or baseline) checkpoint to ONNX with its metadata; refuses a training form. */
export declare function exportCheckpoint(path: string, options?: {
    output?: string;
    foldBatchNorm?: boolean;
    verify?: boolean; /** Export the backbone's stage outputs (head dropped). */
    features?: boolean;
    /** A normalisation for the metadata instead of the checkpoint's. */ normalize?: Normalization;
}): Promise<ExportResult>;
export interface OnnxEvalResult {
    count: number;
    top1: number;
    imagesPerSecond: number;
}
/** Top-1 accuracy of an ONNX model on a dataset split, preprocessed as for libtorch evaluation. */
export declare function evaluateOnnx(session: OnnxModel, dataset: string, options?: {
    dataDir?: string;
    split?: Split;
    limit?: number;
    batchSize?: number;
    normalize?: Normalization;
}): Promise<OnnxEvalResult>;
export interface DeployedRun {
    /** The checkpoint that was exported (the fused one for a training-form run). */
    checkpoint: string;
    onnx: string;
    convert?: ConvertResult;
    export: ExportResult;
    onnxEval: OnnxEvalResult;
}
/**
 * Deploys a finished training run: fuses its last checkpoint if the run trained a training form, exports
 * <runDir>/model.onnx (checked against libtorch), and measures the ONNX model on the run's test split.
 */
export declare function deployTrainingRun(runDir: string, log?: (line: string) => void): Promise<DeployedRun>;

import type { Module } from '../nn/module.js';
import { type Graph } from './graph.js';
export declare const ONNX_OPSET = 13;
export declare const METADATA_PREFIX = "leanconv.";
export interface OnnxExportOptions {
    /** [C, H, W] of one input image. */
    inputShape: readonly number[];
    /** Stored as metadata_props 'leanconv.<key>' (values JSON-encoded unless strings). */
    metadata?: Record<string, unknown>;
    /** Fold BNs that follow a conv into it (default true). */
    foldBatchNorm?: boolean;
    /** Graph name (default 'leanconv'). */
    name?: string;
    /** Export even with training-form blocks left (only to measure what the training form costs). */
    allowTrainingForm?: boolean;
}
export interface OnnxExport {
    bytes: Uint8Array;
    nodes: number;
    /** Op type -> count, e.g. { Conv: 20, Relu: 19, ... }. */
    ops: Record<string, number>;
    foldedBatchNorms: number;
}
export declare function encodeGraph(graph: Graph, options?: {
    name?: string;
    metadata?: Record<string, unknown>;
}): Uint8Array;
/** Exports a deploy-form model to ONNX bytes (the model is put in eval mode for the trace and restored). */
export declare function exportOnnx(model: Module, options: OnnxExportOptions): OnnxExport;
/** Reads the 'leanconv.*' metadata of an ONNX file (JSON values parsed). */
export declare function readOnnxMetadata(bytes: Uint8Array): Record<string, unknown>;

import { type Module } from '../nn/module.js';
export type AttributeValue = number | number[] | {
    float: number;
};
export interface GraphNode {
    op: string;
    inputs: string[];
    outputs: string[];
    attributes: Record<string, AttributeValue>;
}
export interface Initializer {
    dims: number[];
    /** float32 weights, or int64 for shape constants. */
    data: Float32Array | BigInt64Array;
}
export interface Graph {
    nodes: GraphNode[];
    initializers: Map<string, Initializer>;
    input: {
        name: string;
        shape: number[];
    };
    /** One output for a classifier ('logits'); one per feature map for a multi-output module. */
    outputs: {
        name: string;
        shape: number[];
    }[];
}
export declare class ExportError extends Error {
    constructor(message: string);
}
/**
 * Runs the model once (eval mode, no grad, batch 2 of random data shaped like `input`) and records its
 * graph. The batch dimension stays symbolic: reshapes keep it with ONNX's 0 ("copy this dimension").
 */
export declare function traceGraph(model: Module, input: readonly number[]): Graph;
/** The graph output's name (single-output models). */
export declare const OUTPUT_NAME = "logits";
/**
 * Folds every BatchNormalization whose input comes from a Conv used only by that BN into the conv
 * (W·γ/√(σ²+ε), β + (b − μ)·γ/√(σ²+ε), in float64). Returns how many were folded.
 */
export declare function foldBatchNorms(graph: Graph): number;

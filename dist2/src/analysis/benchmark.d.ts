import type { Module } from '../nn/module.js';
export interface ThroughputOptions {
    batchSize: number;
    /** [C, H, W] */
    input: readonly [number, number, number];
    numClasses: number;
    mode: 'train' | 'infer' | 'both';
    warmup?: number;
    steps?: number;
}
export interface Throughput {
    batchSize: number;
    train?: {
        imagesPerSecond: number;
        msPerStep: number;
    };
    infer?: {
        imagesPerSecond: number;
        msPerBatch: number;
    };
}
export declare function measureThroughput(model: Module, options: ThroughputOptions): Throughput;

import { type Tensor } from '../engine/tensor.js';
import { type BadImagePolicy } from './batch.js';
import { type Dataset } from './datasets.js';
import type { TransformSpec } from './transforms.js';
export interface LoaderOptions {
    batchSize: number;
    shuffle?: boolean;
    /** Drop the last incomplete batch (default false). */
    dropLast?: boolean;
    seed?: number;
    transforms?: TransformSpec[];
    /** Worker threads preparing batches; 0 prepares them in the calling thread. Default 1. */
    workers?: number;
    /** Batches requested ahead of the one being consumed (default 3). */
    prefetch?: number;
    /**
     * Data-parallel sharding: every batch of the unsharded order is cut into `worldSize` contiguous parts
     * and this loader yields part `rank` (a part that comes out empty, in a short last batch, is skipped).
     * Samples keep the augmentation seeds of their place in the global order, so N ranks together see
     * exactly the batches one unsharded loader would.
     */
    shard?: {
        rank: number;
        worldSize: number;
    };
    /**
     * An image that cannot be read or decoded: 'fail' (default) stops with an error naming it; 'skip' leaves it out of
     * its batch and reports it to `onSkippedImage` (default: a warning on stderr).
     */
    onBadImage?: BadImagePolicy;
    onSkippedImage?: (problem: string) => void;
    /**
     * Decode image files with the native codec where the pipeline allows (default true); false runs sharp and the
     * float transforms for every image (the reference the codec is checked and measured against).
     */
    nativeImages?: boolean;
}
export interface Batch {
    /** float32 [N, C, H, W]; owned by the consumer (dispose it). */
    images: Tensor;
    /** int64 [N]; owned by the consumer. */
    labels: Tensor;
    /** Batch index within the epoch. */
    index: number;
}
export declare class DataLoaderError extends Error {
    constructor(message: string, options?: {
        cause?: unknown;
    });
}
export declare class DataLoader {
    readonly dataset: Dataset;
    readonly batchSize: number;
    readonly shuffle: boolean;
    readonly dropLast: boolean;
    readonly seed: number;
    readonly transforms: TransformSpec[];
    readonly shard: {
        rank: number;
        worldSize: number;
    };
    readonly onBadImage: BadImagePolicy;
    readonly nativeImages: boolean;
    /** Every image left out so far under the 'skip' policy, with its problem. */
    readonly skippedImages: string[];
    private readonly pipeline;
    private readonly onSkippedImage;
    private readonly prefetch;
    private readonly workers;
    private readonly pending;
    /** The worker each batch came from, to hand its buffer back once copied. */
    private readonly producer;
    private nextId;
    private nextWorker;
    private failure?;
    private closing;
    constructor(dataset: Dataset, options: LoaderOptions);
    /** Batches per epoch (of the unsharded order: every rank steps through the same count). */
    get length(): number;
    private startWorker;
    private fail;
    /** The sample order of an epoch (a seeded permutation when shuffling). */
    order(epoch: number): Uint32Array;
    private request;
    private fetch;
    /** Iterates over one epoch's batches, from `startBatch` on, keeping `prefetch` batches in preparation. */
    epoch(epoch?: number, startBatch?: number): AsyncGenerator<Batch>;
    /** Stops the worker threads. */
    close(): Promise<void>;
}

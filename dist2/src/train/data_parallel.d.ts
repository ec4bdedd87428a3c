import type { Module } from '../nn/module.js';
import type { TrainCallback } from './callbacks.js';
export interface DataParallelOptions {
    /** Bucket size in MB (DDP's bucket_cap_mb, default 25); the first bucket is 1 MB so communication starts early. */
    bucketMB?: number;
    /** Overwrite buffers with rank 0's before every batch (DDP's broadcast_buffers, default true). */
    broadcastBuffers?: boolean;
}
/** The world this process trains in: rank 0 of 1 without a process group. */
export declare function currentWorld(): {
    rank: number;
    worldSize: number;
    isMain: boolean;
};
/**
 * Makes `model` identical on every rank (rank 0's parameters and buffers) and returns the callback
 * that keeps it so. Create it after the model is final (SyncBatchNorm converted) and before training.
 */
export declare function dataParallel(model: Module, options?: DataParallelOptions): TrainCallback;

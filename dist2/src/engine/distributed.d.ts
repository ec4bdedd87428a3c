import { Tensor } from './tensor.js';
export declare class DistributedError extends Error {
    constructor(message: string);
}
export interface ProcessGroupOptions {
    rank: number;
    worldSize: number;
    /** Address of rank 0's store (default 127.0.0.1). */
    masterAddr?: string;
    /** Port of rank 0's store (default 29500, torchrun's). */
    masterPort?: number;
    /** Bound on the rendezvous and on every collective; a peer that vanished fails the waiting call sooner. Default 300 s. */
    timeoutSeconds?: number;
    /** Network interface Gloo uses (GLOO_SOCKET_IFNAME's role); default: the one that reaches masterAddr's host name. */
    interface?: string;
}
export type ReduceOp = 'sum' | 'max' | 'min' | 'product';
/** Rank and size of this process's group, or undefined when it trains alone. */
export declare function processGroup(): {
    rank: number;
    worldSize: number;
} | undefined;
/**
 * Joins (rank 0: hosts) the rendezvous and creates the Gloo process group. Blocks until all
 * `worldSize` processes have joined or the timeout passes.
 */
export declare function initProcessGroup(options: ProcessGroupOptions): void;
/** The environment torchrun (and `leanconv train --nproc`) hands each worker: RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT. */
export declare function processGroupFromEnv(env?: NodeJS.ProcessEnv): ProcessGroupOptions | undefined;
export declare function destroyProcessGroup(): void;
/** Reduces the tensors in place across all ranks (one message per dtype). */
export declare function allReduce(tensors: readonly Tensor[], op?: ReduceOp): void;
/** Overwrites the tensors on every rank with rank `root`'s, in place (one message per dtype). */
export declare function broadcast(tensors: readonly Tensor[], root?: number): void;
/** Every rank's copy of `tensor` (same shape everywhere), in rank order; the caller owns them. */
export declare function allGather(tensor: Tensor): Tensor[];
export declare function barrier(): void;
/** Σ over ranks of `tensor`, recorded by autograd: the gradient is the same sum of the output gradients. */
export declare function allReduceSum(tensor: Tensor): Tensor;
/** Reduces plain numbers across ranks (as float64); without a process group, returns them unchanged. */
export declare function allReduceNumbers(values: readonly number[], op?: ReduceOp): number[];
/**
 * Averages gradients over ranks while backward runs: parameters are bucketed (reverse order, the first
 * bucket small so communication starts early), each full bucket is all-reduced asynchronously, and the
 * averaged gradients are in `.grad` when backward returns. Call arm() before each backward pass whose
 * gradients should be reduced; a parameter that got no gradient on a rank contributes zeros.
 */
export declare class GradientReducer {
    private id;
    readonly buckets: number;
    constructor(parameters: readonly Tensor[], options?: {
        firstBucketMB?: number;
        bucketMB?: number;
    });
    arm(): void;
    dispose(): void;
}

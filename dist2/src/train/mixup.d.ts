import { type Tensor } from '../engine/tensor.js';
import type { TrainCallback } from './callbacks.js';
/**
 * Mixup of one batch: lambda ~ Beta(alpha, alpha) and a partner permutation, both from `seed`; the batch becomes
 * lambda·x + (1 − lambda)·x[partner]. The caller owns the returned tensors.
 */
export declare function mixupBatch(images: Tensor, alpha: number, seed: number): {
    mixed: Tensor;
    lambda: number;
    partner: Tensor;
};
/** The training callback that mixes every batch with Beta(alpha, alpha) weights, seeded per batch. */
export declare const mixup: (alpha: number) => TrainCallback;

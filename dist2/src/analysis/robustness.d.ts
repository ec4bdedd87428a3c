import { type Tensor } from '../engine/tensor.js';
import type { Module } from '../nn/module.js';
export interface AttackOptions {
    attack: 'fgsm' | 'pgd';
    /** L∞ budgets in pixel units ([0, 1] images), e.g. [0, 0.001, 0.002]. */
    epsilons: readonly number[];
    /** PGD iterations (default 10). */
    steps?: number;
    /** PGD step size as a fraction of ε (default 2.5 / steps, Madry et al.'s choice). */
    relativeStepSize?: number;
    /** PGD starts from a uniform random point of the ε-ball (default true). */
    randomStart?: boolean;
}
/** Per-channel normalisation applied inside the attacked model: (x - mean) / std. */
export interface Normalization {
    mean: readonly number[];
    std: readonly number[];
}
export interface RobustnessResult {
    attack: 'fgsm' | 'pgd';
    count: number;
    /** Top-1 accuracy at each ε (fraction), clean-wrong images counted wrong. */
    accuracy: {
        epsilon: number;
        top1: number;
    }[];
}
/** The adversarial pixels for one ε (FGSM: one signed step; PGD: projected signed steps), computed in eval mode. */
export declare function attackBatch(model: Module, pixels: Tensor, labels: Tensor, epsilon: number, normalization: Normalization, options: Omit<AttackOptions, 'epsilons'>): Tensor;
/**
 * Accuracy under attack over batches of clean pixels in [0, 1] (before normalisation). The model is
 * put in eval mode (and restored).
 */
export declare function robustness(model: Module, batches: AsyncIterable<{
    pixels: Tensor;
    labels: Tensor;
}>, normalization: Normalization, options: AttackOptions): Promise<RobustnessResult>;

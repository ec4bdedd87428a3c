import { type AcbGamma } from '../blocks/acb.js';
import { Conv2d } from '../nn/layers.js';
import type { Module } from '../nn/module.js';
declare module './form.js' {
    interface ModelForm {
        /** ACNet training form (every 3x3/5x5 conv an ACBlock) with this initial gamma and 1-D branch length (default: the kernel's). */
        acb?: {
            gamma: AcbGamma;
            branchLength?: number;
        };
    }
}
export interface AcnetizeOptions {
    /** Initial BN gamma of every branch (default 1, the paper's; the repo's CIFAR recipe uses 1/3). */
    gamma?: AcbGamma;
    /** Length of the blocks' 1-D branches (default: each conv's kernel size; 3 gives 1x3 and 3x1 on 5x5 convs too). */
    branchLength?: number;
    /** Kernel sizes to replace (default [3, 5], the reference builder's rule). */
    kernelSizes?: readonly number[];
    /** Extra filter: return false to keep a conv (path is its dotted name). */
    filter?: (path: string, conv: Conv2d) => boolean;
    /**
     * Keep what a trained model computes: each block's square branch takes the replaced BN (γ, β,
     * running statistics, ε, momentum; identity statistics for a bare conv) and the 1-D branches start
     * at zero (their BN γ = β = 0). 'auto' (default) does so when the model's BNs hold trained values
     * (batches tracked, or statistics/affine values that differ from a fresh BN's).
     */
    preserveFunction?: boolean | 'auto';
}
/** Whether any BatchNorm of the model holds values a fresh one does not (it has been trained or loaded). */
export declare function hasTrainedBatchNorms(model: Module): boolean;
/**
 * Turns the model into its ACNet training form in place and returns it. The square branch starts from
 * the original kernel (and bias). On a fresh model the BNs start fresh with the requested gamma; on a
 * trained one (see preserveFunction) the block computes what the replaced layers did, so fine-tuning
 * starts from the trained function. Existing ACBlocks are left alone, so acnetizing twice changes nothing.
 */
export declare function acnetize(model: Module, options?: AcnetizeOptions): Module;
/** Fuses every ACBlock of the model into one KxK conv with bias (in place); other blocks are kept. */
export declare function switchToDeploy(model: Module): Module;

import { Module } from '../nn/module.js';
export interface Reparameterizable {
    /** The deploy-form module computing the same eval-mode function. The block itself is left intact. */
    toDeploy(): Module;
    /**
     * False for a conversion that changes the function on purpose (CondenseNet's classifier prune);
     * converters check the exact ones for equality and report what the others change. Default true.
     */
    readonly exactDeploy?: boolean;
}
export declare const isExactDeploy: (m: Reparameterizable) => boolean;
export declare function isReparameterizable(m: Module): m is Module & Reparameterizable;
/**
 * The block's deploy form for inference (eval mode, no gradient recorded, fusion on): built by toDeploy() on
 * first use, in the block's memory format and eval mode, and cached until one of the block's tensors changes,
 * so that the conversion runs once rather than per batch. undefined when the block must run as written (in
 * training, while tracing, with a watched submodule, or for a conversion that changes the function).
 */
export declare function cachedDeployForm(block: Module & Reparameterizable): Module | undefined;

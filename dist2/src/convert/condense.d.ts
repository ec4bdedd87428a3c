import type { Module } from '../nn/module.js';
export declare const isCondensationBlock: (m: Module) => boolean;
/** Condenses the model in place (see the file comment) and returns it. Other training-form blocks are left as they are. */
export declare function condense(model: Module): Module;
/**
 * The condensation stage the model's learned group convs have reached (undefined without any). They
 * all follow the same training progress, so they agree unless they were edited by hand.
 */
export declare function condensationStageOf(model: Module): number | undefined;
/**
 * Puts every learned group conv into a valid state of the given stage (default: fully condensed): only the
 * structure matters (LearnedGroupConv.restoreStructure); this is how a deploy-form model is built before its
 * weights (and real indices) are loaded.
 */
export declare function assumeCondensationStage(model: Module, stage?: number): void;

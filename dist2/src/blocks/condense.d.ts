import type { Reparameterizable } from './reparam.js';
import { type Tensor } from '../engine/tensor.js';
import { BatchNorm2d, Conv2d, Dropout, Linear, ReLU } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import type { ProgressAware, Regularized, TrainingProgress } from '../nn/training.js';
import type { LearnedStructure } from '../nn/structure.js';
export interface LearnedGroupConvOptions {
    /** G: output channel o belongs to group o mod G; the deploy conv has G groups. */
    groups: number;
    /** C: every group finally keeps in/C input channels, after C-1 drops (default G). */
    condenseFactor?: number;
    /** Dropout before the conv (default 0). */
    dropoutRate?: number;
}
/** The condensation stage at a training-progress fraction p (0 .. C-1). */
export declare function condensationStage(fraction: number, condenseFactor: number): number;
export declare class LearnedGroupConv extends Module implements Reparameterizable, ProgressAware, Regularized, LearnedStructure {
    readonly inChannels: number;
    readonly outChannels: number;
    /** Checkpoints before form.structure recorded one condensation stage for all learned group convs. */
    static readonly legacyFormField: {
        key: string;
        perLayer: boolean;
    };
    readonly _count: Tensor;
    readonly _stage: Tensor;
    readonly _mask: Tensor;
    readonly norm: BatchNorm2d;
    readonly relu: ReLU;
    readonly drop: Dropout | undefined;
    readonly conv: Conv2d;
    readonly groups: number;
    readonly condenseFactor: number;
    readonly dropoutRate: number;
    readonly regularizerNames: readonly ["groupLasso"];
    constructor(inChannels: number, outChannels: number, options: LearnedGroupConvOptions);
    /** Input channels dropped so far from every group. */
    get count(): number;
    /** Condensation stages passed (0 .. C-1). */
    get stage(): number;
    /** Input channels dropped from every group at each stage. */
    get dropPerStage(): number;
    forward(x: Tensor): Tensor;
    onTrainingProgress(progress: TrainingProgress): void;
    /** Enters the next stage: drops the dropPerStage least important kept inputs of every group. */
    condenseStage(): void;
    /**
     * The group lasso of the masked weights, Σ_groups Σ_j sqrt(Σ_{o in group} W_oj²) (clamped at 1e-6
     * under the root). Undefined (zero) from stage G-1 on: the official code compares the stage with
     * the group count, not C, which is the same thing for its C = G models.
     */
    regularizer(name: string): Tensor | undefined;
    /** The condensation stage reached: with the weights, it fixes the condensed widths. */
    exportStructure(): number;
    /**
     * A valid mask of the given stage (undefined: fully condensed, as the official converted models), before the
     * weights and real mask are loaded. Group g keeps the inputs g·keep, g·keep + 1, ... (mod in), so a fully
     * condensed C = G layer gathers the identity 0..in-1.
     */
    restoreStructure(stage: unknown): void;
    /** The condensed module (CondenseConv) computing the same function in eval mode. */
    toDeploy(): CondenseConv;
    extraRepr(): string;
}
export interface CondenseConvOptions {
    groups: number;
    kernelSize?: number;
    stride?: number;
    padding?: number;
}
/**
 * Gather -> BN -> ReLU -> group conv -> channel shuffle (the official CondenseConv). Built directly
 * (e.g. to load an official converted checkpoint) its index is the identity 0..in-1, a valid gather
 * from any input of at least `inChannels` channels, until a state dict sets it.
 */
export declare class CondenseConv extends Module {
    readonly inChannels: number;
    readonly outChannels: number;
    readonly index: Tensor;
    readonly norm: BatchNorm2d;
    readonly relu: ReLU;
    readonly conv: Conv2d;
    readonly groups: number;
    constructor(inChannels: number, outChannels: number, options: CondenseConvOptions);
    forward(x: Tensor): Tensor;
    private gatherAndConv;
    extraRepr(): string;
}
/**
 * A Linear whose deploy form keeps only its most important inputs (the official CondensingLinear):
 * importance of an input feature = Σ over outputs of |W|; the top `keepFraction` are kept. This
 * changes the logits: it is a prune without fine-tuning.
 */
export declare class CondensableLinear extends Linear implements Reparameterizable {
    readonly keepFraction: number;
    /** Conversion changes the output (the prune), unlike the other re-parameterisations. */
    readonly exactDeploy = false;
    constructor(inFeatures: number, outFeatures: number, keepFraction?: number);
    resized(outFeatures: number): CondensableLinear;
    toDeploy(): CondenseLinear;
    extraRepr(): string;
}
/** Gather `inFeatures` input features (index buffer, identity until loaded) -> Linear (the official CondenseLinear). */
export declare class CondenseLinear extends Module {
    readonly inFeatures: number;
    readonly outFeatures: number;
    readonly index: Tensor;
    readonly linear: Linear;
    constructor(inFeatures: number, outFeatures: number);
    forward(x: Tensor): Tensor;
    extraRepr(): string;
}

import { type Tensor } from '../engine/tensor.js';
import { Conv2d } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import type { Regularized, StructureReporting } from '../nn/training.js';
import type { Reparameterizable } from './reparam.js';
import type { LearnedStructure } from '../nn/structure.js';
/** (sign(x) + 1)/2 in the forward pass, the identity in the backward pass. */
export declare function binarizeStraightThrough(gate: Tensor): Tensor;
/**
 * Kronecker product of the factors, multiplied pairwise level by level as the official `aggregate`
 * does (the product is associative, so this is U_0 ⊗ U_1 ⊗ … in order).
 */
export declare function kroneckerChain(factors: readonly Tensor[]): Tensor;
/**
 * The connection mask U (C×C, C = 2^K) of gates b ([K], binary in use; a graph node keeps the
 * gradient): factor k is (1 − b_k)·D + b_k·I. With `sort` the factors are reordered split (b = 0)
 * first, as the official `aggregate(sort=True)`.
 */
export declare function groupMask(b: Tensor, options?: {
    sort?: boolean;
    D?: Tensor;
    I?: Tensor;
}): Tensor;
/** The channel grouping a mask stands for: `groups` groups of `size`, listed group by group in `order`. */
export interface GroupStructure {
    groups: number;
    size: number;
    /** Channels group by group (groups by their smallest channel, channels ascending); the identity when the groups are contiguous. */
    order: number[];
}
/**
 * Reads the group structure of a C×C 0/1 mask, checking that it is one: every channel connects to
 * exactly the members of its own group (equal-size cliques). Anything else is an error naming the
 * offending entry.
 */
export declare function maskGroups(mask: Float32Array, channels: number, what?: string): GroupStructure;
export declare const isIdentityOrder: (order: readonly number[]) => boolean;
/**
 * A dense conv weight [C, C, kh, kw] restricted to a group structure: rows and columns taken in
 * `order`, the diagonal blocks stacked into the grouped weight [C, C/groups, kh, kw] that a group
 * conv over the reordered channels uses.
 */
export declare function groupedWeight(weight: Tensor, structure: GroupStructure): Tensor;
/** Inverse of a permutation: inverse[order[p]] = p. */
export declare function inversePermutation(order: readonly number[]): number[];
export interface DGConv2dOptions {
    stride?: number;
    padding?: number;
    dilation?: number;
    /** Default true, as the official layer. */
    bias?: boolean;
    /** Order the factors split-first so that the groups are contiguous (default false, as G-ResNeXt). */
    sort?: boolean;
}
export declare class DGConv2d extends Module implements Reparameterizable, Regularized, StructureReporting, LearnedStructure {
    readonly inChannels: number;
    readonly outChannels: number;
    /** Checkpoints before form.structure recorded the gates of every DGConv2d by path. */
    static readonly legacyFormField: {
        key: string;
        perLayer: boolean;
    };
    readonly gate: Tensor;
    readonly D: Tensor;
    readonly I: Tensor;
    readonly conv: Conv2d;
    /** log2 of the channel count: the number of gates. */
    readonly K: number;
    readonly sort: boolean;
    readonly regularizerNames: readonly ["connections"];
    /** Gates are not weights: the trainer leaves them out of weight decay unless told otherwise. */
    readonly gateParameterNames: readonly ["gate"];
    constructor(inChannels: number, outChannels: number, kernelSize: number, options?: DGConv2dOptions);
    /** The binary gates b (straight-through: a graph node whose gradient flows to `gate`). */
    binaryGates(): Tensor;
    /** The connection mask U [C, C] in use (a graph node). */
    mask(): Tensor;
    forward(x: Tensor): Tensor;
    /** R = 2^(K + Σb), U's number of non-zeros (a graph node through the straight-through gates). */
    regularizer(name: string): Tensor | undefined;
    /** The largest R: every channel connected (C²). */
    regularizerBound(name: string): number;
    /** The binary gates as numbers (0, 1; 0.5 for a gate exactly at 0). */
    gateValues(): number[];
    /** Sets the gates to these binary values (±1 for 1/0): a deploy form is rebuilt from its recorded gates this way. */
    setGates(binary: readonly number[]): void;
    /** The binary gates: they fix the deploy form's group count and channel order. */
    exportStructure(): number[];
    /** Sets the recorded gates (undefined: no record, the gates stay as they are). */
    restoreStructure(gates: unknown): void;
    /** Group count 2^(K − Σb). */
    get groups(): number;
    learnedStructure(): {
        label: string;
        value: number;
    };
    /** The groups the current gates define, read off the mask itself. */
    groupStructure(): GroupStructure;
    /** The same function as a group conv: a Conv2d when the groups are contiguous, else a PermutedGroupConv. */
    toDeploy(): Module;
    extraRepr(): string;
}
/**
 * A group conv over a channel permutation: gather the inputs in `order` (buffer `index`), group conv,
 * scatter the outputs back (buffer `inverse`). The deploy form of a DGConv2d with interleaved groups
 * whose neighbours cannot absorb the permutation.
 */
export declare class PermutedGroupConv extends Module {
    readonly index: Tensor;
    readonly inverse: Tensor;
    readonly conv: Conv2d;
    constructor(conv: Conv2d, order: readonly number[]);
    forward(x: Tensor): Tensor;
}

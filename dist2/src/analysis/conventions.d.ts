import type { Module } from '../nn/module.js';
export interface ReferenceCount {
    /** The convention's name, e.g. 'condensenet'. */
    convention: string;
    /** What the paper's counter calls FLOPs. */
    flops: number;
    params: number;
    /** What the convention counts, in a line. */
    description: string;
    /** Where the convention is known to be wrong, with the size of the error. */
    note?: string;
}
/** The FLOPs and params of `model` on one [C, H, W] input under a paper's convention. */
export declare function referenceCount(convention: string, model: Module, input: readonly number[]): ReferenceCount;
export declare function formatReferenceCount(r: ReferenceCount): string;

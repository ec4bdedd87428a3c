import type { Module } from './module.js';
export interface LearnedStructure {
    /** What the block learned that fixes its deploy structure, as JSON. */
    exportStructure(): unknown;
    /**
     * Puts the block into a valid state of that structure (weights aside: they are loaded next). undefined: no record
     * (the block's final state where it has one, an error otherwise).
     */
    restoreStructure(structure: unknown): void;
}
/** The form field a block family used before form.structure: one value for all its layers, or a record by path. */
export interface LegacyFormField {
    key: string;
    perLayer: boolean;
}
export declare function hasLearnedStructure(m: Module): m is Module & LearnedStructure;
/**
 * The learned structure of every block that has one, by path, and the same in the legacy form fields (undefined
 * when the model has none).
 */
export declare function learnedStructureOf(model: Module): {
    structure: Record<string, unknown>;
    legacy: Record<string, unknown>;
} | undefined;
/**
 * Restores every structured block from a record by path (form.structure), or from the legacy form fields when the
 * form has no record. A record that names a path without such a block is an error naming it; a block without a
 * record restores `undefined` (its final state, or an error of its own).
 */
export declare function restoreLearnedStructure(model: Module, form: {
    structure?: Record<string, unknown>;
} & Record<string, unknown>): void;

import type { TransformSpec } from '../data/transforms.js';
import { type ModelForm } from '../convert/form.js';
import { type ModelOptions } from '../models/index.js';
import type { Module } from '../nn/module.js';
import type { StoredTensor } from './torch-file.js';
export declare class ImportError extends Error {
    constructor(file: string, problem: string);
}
export interface ImportOptions {
    model: string;
    modelOptions?: ModelOptions;
    form?: ModelForm;
    /** Class names to record (default: the indices '0', '1', ...). Their count must equal the model's outputs. */
    classes?: string[];
    /** Eval preprocessing to record (default: the model spec's, defaultEvalPreprocessing). */
    preprocessing?: TransformSpec[];
}
export interface ImportResult {
    model: Module;
    modelOptions: ModelOptions;
    /** The form the weights were in, when the file says (ACNet's HDF5: base, ACB training or deploy). */
    form?: ModelForm;
    /**
     * The eval preprocessing the source of these weights trained with, when the file says which source it is (ACNet's
     * HDF5: its CIFAR loader normalises with mean 0.5 / std 0.5); else the model spec's applies.
     */
    preprocessing?: TransformSpec[];
    /** Where the state dict was in the file ('' at the top level, else e.g. 'state_dict'). */
    foundAt: string;
    strippedPrefix: boolean;
    tensors: number;
}
/** A fresh model of the import's name, options and form: what a state dict is checked against and loaded into. */
export declare function buildImportTarget(options: ImportOptions): Module;
/**
 * Most tensor bytes a file for this model may hold: the weights four times over (the state dict, an
 * optimizer's momentum or Adam's two moments, an EMA copy) plus 64 MiB for anything else (a classifier for more
 * classes than the model was built with included). A file that needs more is not a checkpoint of this model, and
 * is refused before it is read into memory.
 */
export declare function tensorBudget(model: Module): number;
/**
 * A new model (options.model in options.form) holding `state`, checked strictly: every name and shape must
 * match. The class count is taken from the classifier unless modelOptions.numClasses is given. `target`, a model
 * buildImportTarget made for these options, is used (and owned from then on) instead of building another.
 */
export declare function loadStoredState(file: string, state: Map<string, StoredTensor>, options: ImportOptions, target?: Module): {
    model: Module;
    modelOptions: ModelOptions;
};

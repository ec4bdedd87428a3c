import { type ModelForm } from '../convert/form.js';
import type { Module } from '../nn/module.js';
export interface ModelArgument {
    model: Module;
    name: string;
    form: ModelForm;
    shape: [number, number, number];
    numClasses: number;
    /** A fresh model of the same structure (weights not copied). */
    rebuild(): Module;
    /** Something the user should know about how the arguments were taken. */
    note?: string;
}
export declare function modelFromArgument(target: string, values: Record<string, unknown>): ModelArgument;

import type { Module } from '../nn/module.js';
export interface ModelTransform<O = unknown> {
    /** The key that records the transform in a model form. */
    name: string;
    description: string;
    /**
     * Applies the transform to `model` (in place or not; the result is the model to use). `preserveFunction`: a
     * trained model keeps what it computes (fine-tuning pretrained weights in the transformed structure).
     */
    apply(model: Module, options: O, context: {
        preserveFunction: boolean;
    }): Module;
}
export declare function registerModelTransform<O>(transform: ModelTransform<O>): void;
export declare function getModelTransform(name: string): ModelTransform;
/** The registered transforms a form records, with their options, in registration order. */
export declare function transformsOf(form: object): [ModelTransform, unknown][];

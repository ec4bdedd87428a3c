import { type Tensor } from '../engine/tensor.js';
import { Conv2d, Linear } from '../nn/layers.js';
import type { Module } from '../nn/module.js';
import type { ModelSpec } from './registry.js';
/** The model's classifier: the Linear its spec names (or the one inside it), with its dotted path. */
export declare function classifierOf(model: Module, spec: ModelSpec): {
    path: string;
    linear: Linear;
};
/** The model's first conv (the Conv2d at or first inside the declared path: an ACNet block's square branch), with its dotted path. */
export declare function firstConvOf(model: Module, spec: ModelSpec): {
    path: string;
    conv: Conv2d;
};
/**
 * Replaces the classifier by a freshly initialised one of the same kind for `numClasses` outputs (timm's
 * reset_classifier); nothing else changes. Returns the classifier's path.
 */
export declare function resetClassifier(model: Module, spec: ModelSpec, numClasses: number): string;
/**
 * A first conv's weight [out, in, kh, kw] for `inChannels` inputs (timm's adapt_input_conv): summed over the
 * stored channels for one input channel (a grayscale image gives what its RGB copy gave), otherwise the stored
 * channels repeated to `inChannels` and scaled by stored/inChannels. The caller owns the result.
 */
export declare function adaptInputConvWeight(weight: Tensor, inChannels: number): Tensor;

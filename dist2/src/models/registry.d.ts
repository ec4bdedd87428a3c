import type { TransformSpec } from '../data/transforms.js';
import type { Module } from '../nn/module.js';
export interface ModelOptions {
    /** Output classes (default: the model's own, e.g. 10 for CIFAR-10 models). */
    numClasses?: number;
    /** Input channels (1 for grayscale data; default 3). */
    inChannels?: number;
    /** Square input resolution; only models whose layer sizes depend on it (e.g. a flatten) use it. */
    inputSize?: number;
    /** Architecture hyper-parameters of configurable families (e.g. CondenseNet's stages, growth, C, G). */
    args?: ModelArgs;
    /**
     * Build the backbone instead of the classifier (timm's features_only): `true` returns the family's
     * stage outputs (a FeatureExtractor whose forwardOutputs gives one map per stage, head dropped); a list
     * of module paths taps those modules.
     */
    features?: boolean | readonly string[];
}
export type ModelArgValue = number | readonly number[] | boolean | string;
export type ModelArgs = Readonly<Record<string, ModelArgValue>>;
export interface ResolvedModelOptions {
    numClasses: number;
    inChannels: number;
    inputSize: number;
    /** The spec's default args with the given ones applied (empty for models without args). */
    args: ModelArgs;
}
export interface ModelSpec {
    name: string;
    family: string;
    description: string;
    /** [channels, height, width] the reference model was designed for. */
    inputSize: [number, number, number];
    defaultNumClasses: number;
    /** Where the definition comes from (paper / reference implementation). */
    source: string;
    /** Hyper-parameters the model takes: their defaults (which also fix their types) and a line each. */
    args?: {
        defaults: ModelArgs;
        help: Record<string, string>;
    };
    /**
     * The eval preprocessing of the reference implementation's published weights (recorded by `leanconv import`);
     * default: defaultEvalPreprocessing.
     */
    evalPreprocessing?: TransformSpec[];
    /**
     * Module path of the classifier (the Linear that produces the logits), replaced for another class count
     * (timm's pretrained_cfg 'classifier').
     */
    classifier: string;
    /** Module path of the first conv (the one that reads the image; timm's pretrained_cfg 'first_conv'). */
    firstConv: string;
    /** How the reference implementation counts FLOPs, when it has its own convention (shown by `info`). */
    flopsConvention?: string;
    create(options: ResolvedModelOptions): Module;
}
export declare function registerModel(spec: ModelSpec): void;
/** Glob-style search ('resnet*', '*cifar*'); all names when no pattern is given. Sorted. */
export declare function listModels(pattern?: string): string[];
export declare function getModelSpec(name: string): ModelSpec;
/**
 * The eval preprocessing weights for this model expect, unless the spec names its own: ImageNet's (resize to
 * 256/224 of the input, centre crop, ImageNet mean/std) for models designed at 224 px and more, CIFAR-10's
 * normalisation for small RGB models (CIFAR-100's for 100 classes, as HCGNet's and CondenseNet's loaders), none for
 * other inputs.
 */
export declare function defaultEvalPreprocessing(spec: ModelSpec, options?: ModelOptions): TransformSpec[];
export declare function resolveModelOptions(spec: ModelSpec, options?: ModelOptions): ResolvedModelOptions;
/**
 * Parses 'stages=4-4-4,growth=8-16-32,condenseFactor=4' (the official flags' values: dash-separated
 * lists) into model args.
 */
export declare function parseModelArgs(text: string): ModelArgs;
export declare function createModel(name: string, options?: ModelOptions): Module;

import { type Tensor } from '../engine/tensor.js';
import { type MemoryFormatChoice, type MultiOutput, Module } from '../nn/module.js';
/** One feature map a backbone returns. */
export interface FeatureInfo {
    /** The module whose output it is (dotted path). */
    module: string;
    channels: number;
    /** Input size / feature size (the stride of the map). */
    reduction: number;
}
/** A model that declares its stages when built (timm's feature_info and forward_intermediates). */
export interface StagedModel {
    /** The stage outputs, in order. */
    readonly featureInfo: readonly FeatureInfo[];
    /** Modules used only after the last stage (the classifier), which a backbone drops. */
    readonly headModules: readonly string[];
    /** The stage outputs from the first to stage `last` (default: every stage); later stages do not run. The caller owns them. */
    forwardIntermediates(x: Tensor, last?: number): Tensor[];
}
export declare function isStagedModel(m: Module): m is Module & StagedModel;
/**
 * forwardIntermediates for a model that is a chain of stages: runs each stage's modules in order (with the
 * inference fusions of runInOrder) and keeps every stage's output, up to stage `last`.
 */
export declare function runStages(stages: readonly (readonly Module[])[], x: Tensor, last?: number): Tensor[];
export declare function checkStageIndex(last: number, stages: number): void;
/** A backbone whose outputs are feature maps (ONNX outputs feature0, feature1, ...). */
export declare abstract class FeatureExtractor extends Module implements MultiOutput {
    protected readonly model: Module;
    abstract readonly featureInfo: readonly FeatureInfo[];
    abstract readonly outputNames: readonly string[];
    /** Takes the model's children as its own (same names), so the state-dict names stay the model's. */
    protected constructor(model: Module);
    abstract forwardOutputs(x: Tensor): Tensor[];
    /** The deepest feature map (forwardOutputs returns all of them). */
    forward(x: Tensor): Tensor;
    train(mode?: boolean): this;
    toMemoryFormat(format: MemoryFormatChoice): this;
}
/** The declared stage outputs of a model; its head modules are disposed. */
export declare class StageFeatures extends FeatureExtractor {
    readonly featureInfo: readonly FeatureInfo[];
    readonly outputNames: readonly string[];
    private readonly staged;
    /** Takes ownership of `model`. */
    constructor(staged: Module & StagedModel);
    forwardOutputs(x: Tensor): Tensor[];
}
/**
 * The outputs of any modules, named by path, caught while the model's own forward runs (which stops once
 * the last tap has produced its output). Their channels and strides are measured once on a random input
 * of `inputShape` [C, H, W]: an arbitrary module declares neither. Nothing is dropped.
 */
export declare class HookedFeatures extends FeatureExtractor {
    readonly taps: readonly string[];
    readonly outputNames: readonly string[];
    private readonly inputShape;
    private info;
    /** Takes ownership of `model`. */
    constructor(model: Module, taps: readonly string[], inputShape: readonly number[]);
    get featureInfo(): readonly FeatureInfo[];
    /** Every tapped output, in tap order; the caller owns them. */
    forwardOutputs(x: Tensor): Tensor[];
}
/**
 * The backbone of a model: `true` for the family's declared stages (head dropped), or the module paths to
 * tap (nothing dropped). Takes ownership of the model (disposed on error).
 */
export declare function featureBackbone(model: Module, features: true | readonly string[], inputShape: readonly number[], name?: string): FeatureExtractor;

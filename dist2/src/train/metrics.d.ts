import type { Device, Tensor } from '../engine/tensor.js';
import type { DataLoader } from '../data/loader.js';
import type { Module } from '../nn/module.js';
/** Number of samples whose label is among the top-k logits, for each k. */
export declare function topkCorrect(logits: Tensor, labels: Tensor, ks: readonly number[]): number[];
/** The batch on `device` (the loader delivers CPU tensors; moved ones replace them). */
export declare function batchOn<B extends {
    images: Tensor;
    labels: Tensor;
}>(device: Device, batch: B): B;
export interface EvalResult {
    loss: number;
    top1: number;
    top5: number;
    count: number;
    /** Images per second of the whole evaluation. */
    imagesPerSecond: number;
}
/** Mean cross-entropy, top-1 and top-5 accuracy (fractions) over one pass of the loader, in eval mode. */
export declare function evaluate(model: Module, loader: DataLoader, onBatch?: (done: number, total: number) => void): Promise<EvalResult>;
export interface ModelAgreement {
    count: number;
    /** Samples whose top-1 class is the same under both models. */
    samePrediction: number;
    /** Largest |logit difference| seen. */
    maxAbsDiff: number;
    top1: [number, number];
}
/**
 * Runs two models (eval mode) over one pass of the loader and compares their logits and predictions. `a` is the
 * reference and runs as written (nn.withoutEvalFusion): a training form with fusion on would run its own
 * cached deploy form, and a comparison with the converted model would compare the conversion with itself.
 */
export declare function compareModels(a: Module, b: Module, loader: DataLoader): Promise<ModelAgreement>;
/** Each sample's top-1 class, in the loader's order (an unshuffled loader: dataset order). */
export declare function predictClasses(model: Module, loader: DataLoader): Promise<Int32Array>;
/** counts[true][predicted] over all samples. */
export declare function confusionMatrix(labels: ArrayLike<number>, predicted: ArrayLike<number>, numClasses: number): number[][];

import type { ConceptDataset } from '../data/concepts.js';
import { type TransformSpec } from '../data/transforms.js';
import type { Module } from '../nn/module.js';
export interface DissectOptions {
    /** The module whose output is dissected (a [N, units, h, w] map). */
    layer: string;
    /** Model input [C, H, W]; images are resized to it (no crop, so maps and masks stay aligned). */
    inputShape: readonly [number, number, number];
    /** Eval preprocessing after resizing (e.g. the checkpoint's normalisation). */
    preprocessing?: readonly TransformSpec[];
    /** Fraction of top activations above each unit's threshold (NetDissect: 0.005). */
    quantile?: number;
    /** IoU from which a unit counts as a detector (NetDissect: 0.04). */
    iouThreshold?: number;
    /** Top-activating images kept per unit (NetDissect: 10). */
    topImages?: number;
    batchSize?: number;
    /** Dissect only the first N images. */
    limit?: number;
    /**
     * Write unit_<n>.png into `dir` for the best `units` units (default: every detector): a strip of the
     * unit's top images at segmentation size, dimmed outside the unit's mask.
     */
    overlays?: {
        dir: string;
        units?: number;
    };
    /** Called after each batch of activations and each image tallied. */
    onProgress?: (stage: 'activations' | 'tally', done: number, total: number) => void;
}
export interface UnitResult {
    /** Channel index, from 0. */
    unit: number;
    /** The best concept over all categories. */
    category: string;
    label: string;
    iou: number;
    detector: boolean;
    /** The best label and its IoU in each category. */
    perCategory: Record<string, {
        label: string;
        iou: number;
    }>;
    threshold: number;
    /** Indices (into the dataset's images) of the images with the highest maximum activation. */
    topImages: number[];
}
export interface DissectResult {
    layer: string;
    units: number;
    /** Feature map size. */
    mapSize: [number, number];
    images: number;
    quantile: number;
    iouThreshold: number;
    /** Units sorted by IoU, best first. */
    results: UnitResult[];
    /** Distinct concepts detected, per category (NetDissect's "unique detectors"). */
    uniqueDetectors: Record<string, number>;
    detectors: number;
}
/** The value below which a fraction 1 − quantile of `values` lies (linear interpolation, as numpy). */
export declare function upperQuantile(values: Float32Array, quantile: number): number;
/** The mask of one unit on one image: its map upsampled to the segmentation size, above the threshold. */
export declare function unitMask(map: Float32Array, h: number, w: number, sh: number, sw: number, threshold: number): Uint8Array;
/** Dissects one layer of a model on a concept dataset. The model is used, not kept or changed. */
export declare function dissect(model: Module, data: ConceptDataset, options: DissectOptions): Promise<DissectResult>;

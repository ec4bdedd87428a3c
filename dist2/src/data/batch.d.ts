import { type Dataset } from './datasets.js';
import { type CropPlan, type ImagePlan } from './image-plan.js';
import { type Image, type Transform, type TransformSpec } from './transforms.js';
export interface BatchRequest {
    /** Dataset indices of the samples. */
    indices: number[];
    /** One augmentation seed per sample. */
    seeds: number[];
}
export interface RawBatch {
    /** [N, C, H, W] row-major. */
    data: Float32Array;
    labels: Int32Array;
    shape: [number, number, number, number];
    /** Why each sample left out of the batch was left out (a bad image under the 'skip' policy). */
    skipped: string[];
}
/** An error as it crosses from a loader worker to the main thread (structured clone keeps no class). */
export interface SerializedError {
    name: string;
    message: string;
    stack?: string;
}
export declare function serializeError(err: unknown): SerializedError;
/** The worker's error with its class (DatasetError, RangeError, ...), message and stack restored. */
export declare function reviveError(s: SerializedError): Error;
/** Largest image decoded (a 48-megapixel photo fits), and the most elongated. */
export declare const MAX_IMAGE_PIXELS = 50000000;
export declare const MAX_IMAGE_ASPECT = 50;
/** Refuses an image whose declared size would take gigabytes to decode or to resize. */
export declare function checkImageSize(file: string, width: number, height: number): void;
/** Decodes an image file (or its bytes) to float RGB in [0, 1] (sharp is loaded on first use). */
export declare function decodeImageFile(file: string, bytes?: Uint8Array): Promise<Image>;
/** What a loader does with an image it cannot read: stop with the error (default), or leave the sample out of its batch. */
export type BadImagePolicy = 'fail' | 'skip';
/** A pipeline as the batch assembler runs it: the float transforms, and the native plan where the specs have one. */
export interface SamplePipeline {
    transform: Transform;
    /** How the codec decodes image files and shard members (a resampled window per sample). */
    plan?: ImagePlan;
    /** How the codec copies in-memory images (a whole-pixel window per sample), for datasets of that shape. */
    crop?: CropPlan;
}
/** A dataset's pipeline: the float transforms, and the codec's plans where the specs allow (nativeImages, default true). */
export declare function samplePipeline(specs: readonly TransformSpec[], nativeImages?: boolean, dataset?: Dataset): SamplePipeline;
export declare function assembleBatch(dataset: Dataset, pipeline: SamplePipeline, request: BatchRequest, onBadImage?: BadImagePolicy, allocate?: (length: number) => Float32Array): Promise<RawBatch>;

import { type ModelMetadata } from './metadata.js';
export type OnnxBackend = 'node' | 'web';
export interface OnnxModelOptions {
    backend?: OnnxBackend;
    /** Intra-op threads (node backend; default: ONNX Runtime's choice). */
    threads?: number;
}
export interface Prediction {
    index: number;
    label: string;
    probability: number;
}
/** An exported classifier in an ONNX Runtime session. */
export declare class OnnxModel {
    private readonly ort;
    private readonly session;
    /** leanconv's metadata, validated (validateMetadata): malformed fields are dropped, see metadataWarnings. */
    readonly metadata: ModelMetadata;
    readonly backend: OnnxBackend;
    /** One line per metadata field that was malformed and dropped. */
    readonly metadataWarnings: readonly string[];
    private constructor();
    static load(source: string | Uint8Array, options?: OnnxModelOptions): Promise<OnnxModel>;
    /** [C, H, W] of one input, from the metadata. */
    get inputShape(): [number, number, number];
    get classes(): string[] | undefined;
    /** Names of the model's outputs ('logits' for a classifier; feature0, ... for a feature backbone). */
    get outputNames(): readonly string[];
    /** Every output for `batch` preprocessed images laid out as [batch, C, H, W], in outputNames order. */
    runOutputs(pixels: Float32Array, batch: number): Promise<{
        name: string;
        data: Float32Array;
        dims: number[];
    }[]>;
    /** Logits [batch, classes] (the first output) for `batch` preprocessed images laid out as [batch, C, H, W]. */
    run(pixels: Float32Array, batch: number): Promise<{
        logits: Float32Array;
        classes: number;
    }>;
    /** Top-k classes with softmax probabilities, per image. */
    predict(pixels: Float32Array, batch: number, topk?: number): Promise<Prediction[][]>;
    release(): Promise<void>;
}

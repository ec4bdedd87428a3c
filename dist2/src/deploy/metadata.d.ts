import { type TransformSpec } from '../data/transforms.js';
export interface ModelMetadata {
    model?: string;
    form?: string;
    /** [channels, height, width] of one input. */
    input?: [number, number, number];
    classes?: string[];
    /** The eval preprocessing (resize, crop, normalize ...). */
    preprocessing?: TransformSpec[];
    dataset?: string;
    epoch?: number;
    /** Feature backbones: one entry per output stage. */
    features?: unknown[];
}
/**
 * The validated metadata of `raw` (as read from a file's 'leanconv.*' properties), with a warning for every field
 * that was present but malformed and has been dropped. `source` names the file in the warnings.
 */
export declare function validateMetadata(raw: Record<string, unknown>, source: string): {
    metadata: ModelMetadata;
    warnings: string[];
};

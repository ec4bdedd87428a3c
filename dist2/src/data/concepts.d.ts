export interface ConceptLabel {
    number: number;
    name: string;
    /** The category the label is scored in (largest coverage), e.g. 'object'. */
    category: string;
}
export interface ConceptImage {
    /** Path of the image under <dir>/images/. */
    image: string;
    /** Segmentation height and width. */
    sh: number;
    sw: number;
    /** Per category: mask files (under images/) and whole-image labels. */
    annotations: Map<string, {
        masks: string[];
        scalars: number[];
    }>;
}
export interface ConceptDataset {
    dir: string;
    categories: string[];
    /** Indexed by label number; entry 0 is the unlabeled background. */
    labels: ConceptLabel[];
    images: ConceptImage[];
}
/** Parses CSV with a header row (RFC 4180 quoting) into records keyed by the header's names. */
export declare function parseCsv(text: string, file?: string): Record<string, string>[];
/** Reads a concept dataset; `categories` keeps only those (default: all in category.csv). */
export declare function loadConceptDataset(dir: string, options?: {
    categories?: readonly string[];
}): ConceptDataset;

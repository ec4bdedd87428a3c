/** Levenshtein edit distance. */
export declare function editDistance(a: string, b: string): number;
/** The candidates closest to `name` (substring matches first), at most `limit`. */
export declare function closest(name: string, candidates: readonly string[], limit?: number): string[];
/** "unknown model 'resnt20'; did you mean: resnet20, resnet32?" */
export declare function unknownNameMessage(kind: string, name: string, candidates: readonly string[]): string;

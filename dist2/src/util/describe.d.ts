/** A short JSON-like description of `value` (about `budget` items at most). */
export declare function describeValue(value: unknown, budget?: number): string;

/** "1 epoch", "2 epochs". */
export declare function plural(n: number, word: string, many?: string): string;
/** A learning rate or similar, readable at any magnitude: 0.1, 0.0123, 1.13e-6, 5.00e+28. */
export declare function formatSmall(v: number): string;
/** JSON.stringify replacer: non-integer numbers rounded to 6 significant digits. */
export declare function roundNumbers(_key: string, value: unknown): unknown;

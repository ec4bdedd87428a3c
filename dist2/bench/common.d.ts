/** The middle value (the upper one of the two middles for an even count). */
export declare const median: (xs: readonly number[]) => number;
/**
 * Median ms of each variant over `reps` interleaved rounds, after `warmup` untimed rounds. `before` runs ahead of
 * each variant, outside the timing (a switch to set, for instance).
 */
export declare function interleaved<K extends string>(variants: Record<K, () => void>, options: {
    reps: number;
    warmup?: number;
    before?: (variant: K) => void;
}): Record<K, number>;

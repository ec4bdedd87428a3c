/** A 32-bit mixing hash of any number of integers (splitmix/murmur finaliser). */
export declare function hashInts(...values: number[]): number;
/** mulberry32: a small, fast generator with a 32-bit state. */
export declare class Rng {
    private state;
    constructor(seed: number);
    /** Uniform in [0, 1). */
    next(): number;
    uniform(low: number, high: number): number;
    /** Integer in [0, n). */
    int(n: number): number;
    /** A Beta(a, a) sample (mixup's mixing weight). */
    beta(a: number): number;
    /** Marsaglia-Tsang gamma(shape, 1). */
    gamma(shape: number): number;
    normal(): number;
}
/** A Fisher-Yates permutation of 0..n-1 determined by the seed. */
export declare function permutation(n: number, seed: number): Uint32Array;

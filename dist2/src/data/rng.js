// Seeded pseudo-random numbers for data order and augmentation. Every sample's augmentation stream is
// derived from (seed, epoch, position in the epoch), so batches are identical whatever the number of
// workers or the order in which they finish, and a resumed run sees exactly the data it would have.
/** A 32-bit mixing hash of any number of integers (splitmix/murmur finaliser). */
export function hashInts(...values) {
    let h = 0x9e3779b9;
    for (const v of values) {
        h = Math.imul(h ^ (v >>> 0), 0x85ebca6b);
        h ^= h >>> 13;
        h = Math.imul(h, 0xc2b2ae35);
        h ^= h >>> 16;
        h = (h + 0x6a09e667) | 0;
    }
    return h >>> 0;
}
/** mulberry32: a small, fast generator with a 32-bit state. */
export class Rng {
    state;
    constructor(seed) {
        this.state = seed >>> 0;
    }
    /** Uniform in [0, 1). */
    next() {
        this.state = (this.state + 0x6d2b79f5) | 0;
        let t = this.state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    }
    uniform(low, high) {
        return low + (high - low) * this.next();
    }
    /** Integer in [0, n). */
    int(n) {
        return Math.floor(this.next() * n);
    }
    /** A Beta(a, a) sample (mixup's mixing weight). */
    beta(a) {
        const x = this.gamma(a);
        const y = this.gamma(a);
        return x / (x + y);
    }
    /** Marsaglia-Tsang gamma(shape, 1). */
    gamma(shape) {
        if (shape < 1)
            return this.gamma(shape + 1) * this.next() ** (1 / shape);
        const d = shape - 1 / 3;
        const c = 1 / Math.sqrt(9 * d);
        for (;;) {
            let x;
            let v;
            do {
                x = this.normal();
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            const u = this.next();
            if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v)))
                return d * v;
        }
    }
    normal() {
        const u = 1 - this.next();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
    }
}
/** A Fisher-Yates permutation of 0..n-1 determined by the seed. */
export function permutation(n, seed) {
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++)
        order[i] = i;
    const rng = new Rng(seed);
    for (let i = n - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    return order;
}
//# sourceMappingURL=rng.js.map
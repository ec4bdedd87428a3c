// Timing helpers shared by the in-process benchmarks. The machines are shared and noisy, so variants are
// timed in interleaved rounds (each round runs every variant once) and summarised by their median.
/** The middle value (the upper one of the two middles for an even count). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
/**
 * Median ms of each variant over `reps` interleaved rounds, after `warmup` untimed rounds. `before` runs ahead of
 * each variant, outside the timing (a switch to set, for instance).
 */
export function interleaved(variants, options) {
    const warmup = options.warmup ?? 2;
    const names = Object.keys(variants);
    const times = Object.fromEntries(names.map((k) => [k, []]));
    for (let r = 0; r < warmup + options.reps; r++) {
        for (const k of names) {
            options.before?.(k);
            const t = performance.now();
            variants[k]();
            if (r >= warmup)
                times[k].push(performance.now() - t);
        }
    }
    return Object.fromEntries(names.map((k) => [k, median(times[k])]));
}
//# sourceMappingURL=common.js.map
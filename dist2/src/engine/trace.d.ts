import { type NativeHandle } from './native.js';
import type { Tensor } from './tensor.js';
export type OpObserver = (op: string, args: readonly unknown[], result: unknown) => void;
/** Runs fn with every native op reported to the observer (not re-entrant). */
export declare function observeOps<T>(observer: OpObserver, fn: () => T): T;
/** The native handle of a tensor (what observers see in `args` and `result`). */
export declare const handleOf: (t: Tensor) => NativeHandle;
/** One op's total in a profile: self time (its own, children excluded) and calls, summed over all threads. */
export interface OpTime {
    name: string;
    selfMs: number;
    calls: number;
}
/**
 * Runs fn under libtorch's op profiler and returns the self time of every op it dispatched, forward and
 * backward (autograd nodes included), largest first. For benchmarks: profiling slows every op a little.
 * leanconv's own kernels appear as leanconv::<kernel>.
 */
export declare function profileOps(fn: () => void, tracePath: string): OpTime[];

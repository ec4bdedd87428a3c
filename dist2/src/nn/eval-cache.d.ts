import type { Tensor } from '../engine/tensor.js';
export declare class EvalCache {
    private readonly entries;
    /**
     * The value stored under key, or build()'s result when there is none or `sources` changed since.
     * The cache owns the value until it drops it (dispose()), so build() must keep() the tensors in it:
     * no enclosing scope may free them.
     */
    get<T extends {
        dispose(): void;
    }>(key: string, sources: readonly (Tensor | undefined)[], build: () => T): T;
    get size(): number;
    clear(): void;
}

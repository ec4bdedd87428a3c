// Values a module derives from its own tensors for inference (a conv with its BN folded in, an ACB
// fused into one kernel) and reuses across batches. An entry is rebuilt when any tensor it was derived
// from is replaced or changed in place (the engine's version counter), and all entries are dropped when
// the module goes back to training mode, whose updates (BN running statistics) libtorch does not count.
import type { Tensor } from '../engine/tensor.js';

interface Entry {
  sources: readonly (Tensor | undefined)[];
  versions: number[];
  value: { dispose(): void };
}

const versionOf = (t: Tensor | undefined): number => (t === undefined ? -1 : t.version);

export class EvalCache {
  private readonly entries = new Map<string, Entry>();

  /**
   * The value stored under key, or build()'s result when there is none or `sources` changed since.
   * The cache owns the value until it drops it (dispose()), so build() must keep() the tensors in it:
   * no enclosing scope may free them.
   */
  get<T extends { dispose(): void }>(key: string, sources: readonly (Tensor | undefined)[], build: () => T): T {
    const entry = this.entries.get(key);
    if (entry && entry.sources.length === sources.length && sources.every((t, i) => t === entry.sources[i] && versionOf(t) === entry.versions[i])) {
      return entry.value as T;
    }
    entry?.value.dispose();
    this.entries.delete(key);
    const value = build();
    this.entries.set(key, { sources: [...sources], versions: sources.map(versionOf), value });
    return value;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    for (const e of this.entries.values()) e.value.dispose();
    this.entries.clear();
  }
}


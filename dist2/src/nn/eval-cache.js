const versionOf = (t) => (t === undefined ? -1 : t.version);
export class EvalCache {
    entries = new Map();
    /**
     * The value stored under key, or build()'s result when there is none or `sources` changed since.
     * The cache owns the value until it drops it (dispose()), so build() must keep() the tensors in it:
     * no enclosing scope may free them.
     */
    get(key, sources, build) {
        const entry = this.entries.get(key);
        if (entry && entry.sources.length === sources.length && sources.every((t, i) => t === entry.sources[i] && versionOf(t) === entry.versions[i])) {
            return entry.value;
        }
        entry?.value.dispose();
        this.entries.delete(key);
        const value = build();
        this.entries.set(key, { sources: [...sources], versions: sources.map(versionOf), value });
        return value;
    }
    get size() {
        return this.entries.size;
    }
    clear() {
        for (const e of this.entries.values())
            e.value.dispose();
        this.entries.clear();
    }
}
//# sourceMappingURL=eval-cache.js.map
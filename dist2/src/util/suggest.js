// "Did you mean" suggestions for unknown names (models, datasets, options).
/** Levenshtein edit distance. */
export function editDistance(a, b) {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const row = [i];
        for (let j = 1; j <= b.length; j++) {
            row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        prev = row;
    }
    return prev[b.length];
}
/** The candidates closest to `name` (substring matches first), at most `limit`. */
export function closest(name, candidates, limit = 3) {
    const lower = name.toLowerCase();
    // Best: the candidate contains the name, or abbreviates to it (its letters in order, same first letter:
    // 'fmnist' for fashion-mnist); then the name contains the candidate; then the edit distance.
    const abbreviates = (full) => {
        if (full[0] !== lower[0])
            return false;
        let at = 0;
        for (const ch of lower) {
            at = full.indexOf(ch, at) + 1;
            if (at === 0)
                return false;
        }
        return true;
    };
    const scored = candidates.map((c) => {
        const cl = c.toLowerCase();
        const score = cl.includes(lower) || abbreviates(cl) ? 0 : lower.includes(cl) ? 1 : editDistance(lower, cl) + 1;
        return { c, score };
    });
    const maxDistance = Math.max(2, Math.floor(name.length / 2)) + 1;
    return scored
        .filter((s) => s.score <= maxDistance)
        .sort((x, y) => x.score - y.score || x.c.localeCompare(y.c))
        .slice(0, limit)
        .map((s) => s.c);
}
/** "unknown model 'resnt20'; did you mean: resnet20, resnet32?" */
export function unknownNameMessage(kind, name, candidates) {
    const near = closest(name, candidates);
    return near.length > 0 ? `unknown ${kind} '${name}'; did you mean: ${near.join(', ')}?` : `unknown ${kind} '${name}'; valid: ${candidates.join(', ')}`;
}
//# sourceMappingURL=suggest.js.map
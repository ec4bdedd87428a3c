// Descriptions of untrusted values for error messages: bounded in length and in the work done, whatever the
// value (a graph that shares one list 2^32 times, cycles, nesting a million deep), where JSON.stringify or
// String() would run out of stack or memory, or print a circular-structure error instead of the problem.
/** A short JSON-like description of `value` (about `budget` items at most). */
export function describeValue(value, budget = 120) {
    let left = budget;
    const seen = new Set();
    const list = (items, item) => {
        const parts = [];
        for (const x of items) {
            if (left <= 0) {
                parts.push('…');
                break;
            }
            parts.push(item(x));
        }
        return parts;
    };
    const walk = (v, depth) => {
        if (left <= 0)
            return '…';
        left -= 1;
        if (v === null || v === undefined)
            return String(v);
        if (typeof v === 'string')
            return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
        if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean')
            return String(v);
        if (v instanceof Uint8Array)
            return `bytes(${v.length})`;
        if (seen.has(v) || depth > 4)
            return '…';
        seen.add(v);
        let text;
        if (Array.isArray(v))
            text = `[${list(v, (x) => walk(x, depth + 1)).join(', ')}]`;
        else if (v instanceof Map)
            text = `{${list(v, (e) => { const [k, x] = e; return `${walk(k, depth + 1)}: ${walk(x, depth + 1)}`; }).join(', ')}}`;
        else if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
            text = `{${list(Object.entries(v), (e) => { const [k, x] = e; return `${JSON.stringify(k)}: ${walk(x, depth + 1)}`; }).join(', ')}}`;
        }
        else
            text = typeof v === 'object' ? (v.constructor?.name ?? 'object') : typeof v;
        seen.delete(v);
        return text;
    };
    const text = walk(value, 0);
    return text.length > 4 * budget ? `${text.slice(0, 4 * budget)}…` : text;
}
//# sourceMappingURL=describe.js.map
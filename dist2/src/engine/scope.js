// Deterministic tensor lifetime. N-API finalizers do not run while a synchronous loop holds the event
// loop, so the garbage collector cannot be relied on to free native memory during training. Every tensor
// created inside `tidy(fn)` is disposed when fn returns, except the tensors it returns and those passed
// to `keep()`. Scopes nest; returned tensors move to the enclosing scope.
const scopes = [];
const kept = new WeakSet();
/** Registers a freshly created tensor with the innermost scope (called by the Tensor constructor). */
export function track(item) {
    const scope = scopes[scopes.length - 1];
    if (scope !== undefined)
        scope.owned.push(item);
}
/** Exempts a tensor from disposal by any enclosing scope; its lifetime becomes the caller's. */
export function keep(item) {
    kept.add(item);
    return item;
}
/** Makes a kept tensor scope-managed again (it will be disposed by the scope that owns it). */
export function unkeep(item) {
    kept.delete(item);
    return item;
}
/** Number of open scopes (0 outside any tidy). */
export function scopeDepth() {
    return scopes.length;
}
function collect(value, into, depth = 0) {
    if (value === null || typeof value !== 'object' || depth > 8)
        return;
    if (typeof value.dispose === 'function' && 'isDisposed' in value) {
        into.add(value);
        return;
    }
    if (Array.isArray(value)) {
        for (const v of value)
            collect(v, into, depth + 1);
    }
    else if (value instanceof Map) {
        for (const v of value.values())
            collect(v, into, depth + 1);
    }
    else if (Object.getPrototypeOf(value) === Object.prototype) {
        for (const v of Object.values(value))
            collect(v, into, depth + 1);
    }
}
/**
 * Runs `fn` and disposes every tensor it created, except those reachable from its return value
 * (through arrays, Maps and plain objects) and those kept with `keep()`. If `fn` throws, everything it
 * created is disposed and the error propagates. `fn` must be synchronous.
 */
export function tidy(fn) {
    const scope = { owned: [] };
    scopes.push(scope);
    let result;
    let failed = true;
    try {
        result = fn();
        if (result instanceof Promise) {
            throw new TypeError('tidy() cannot manage an async function: tensors would outlive the scope. Use tidy inside the async code.');
        }
        failed = false;
        return result;
    }
    finally {
        scopes.pop();
        const survivors = new Set();
        if (!failed)
            collect(result, survivors);
        const parent = scopes[scopes.length - 1];
        for (const item of scope.owned) {
            if (survivors.has(item) || kept.has(item)) {
                if (parent !== undefined && !kept.has(item))
                    parent.owned.push(item);
            }
            else {
                item.dispose();
            }
        }
    }
}
//# sourceMappingURL=scope.js.map
/** Anything with a native lifetime that a scope can own. */
export interface Disposable {
    dispose(): void;
    readonly isDisposed: boolean;
}
/** Registers a freshly created tensor with the innermost scope (called by the Tensor constructor). */
export declare function track(item: Disposable): void;
/** Exempts a tensor from disposal by any enclosing scope; its lifetime becomes the caller's. */
export declare function keep<T extends Disposable>(item: T): T;
/** Makes a kept tensor scope-managed again (it will be disposed by the scope that owns it). */
export declare function unkeep<T extends Disposable>(item: T): T;
/** Number of open scopes (0 outside any tidy). */
export declare function scopeDepth(): number;
/**
 * Runs `fn` and disposes every tensor it created, except those reachable from its return value
 * (through arrays, Maps and plain objects) and those kept with `keep()`. If `fn` throws, everything it
 * created is disposed and the error propagates. `fn` must be synchronous.
 */
export declare function tidy<T>(fn: () => T): T;

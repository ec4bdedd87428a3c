export declare class UnpicklingError extends Error {
    constructor(message: string);
}
/** A callable the allowlist lets a pickle call (REDUCE / NEWOBJ) with its positional arguments. */
export type PyCallable = (args: unknown[]) => unknown;
export interface UnpickleOptions {
    /** Resolves `module.name` (GLOBAL / STACK_GLOBAL); must throw for anything not on the allowlist. */
    resolveGlobal: (module: string, name: string) => unknown;
    /** Resolves a persistent id (BINPERSID): torch's tensor storages. */
    persistentLoad?: (pid: unknown) => unknown;
    /** Applies BUILD state to an object; the default merges a dict into a Map and ignores plain-data state elsewhere. */
    build?: (obj: unknown, state: unknown) => unknown;
}
/**
 * The Python instance attributes BUILD gave a dict (an OrderedDict state dict's `_metadata`), if any. They
 * are not items of the dict.
 */
export declare function pythonAttributes(obj: object): Map<unknown, unknown> | undefined;
/** The bytes of a string whose code points are all below 256 (Python's str.encode('latin1')); undefined otherwise. */
export declare function latin1Bytes(text: string): Uint8Array | undefined;
/** Reads one pickle starting at `offset`; returns its value and the offset after its STOP opcode. */
export declare function unpickle(bytes: Uint8Array, options: UnpickleOptions, offset?: number): {
    value: unknown;
    end: number;
};

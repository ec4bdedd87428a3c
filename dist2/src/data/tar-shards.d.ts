export declare class TarShardError extends Error {
    readonly path: string;
    constructor(path: string, problem: string);
}
/** One sample of a shard: where its image bytes are, and its label. */
export interface ShardSample {
    key: string;
    offset: number;
    size: number;
    label: number;
}
/** The samples of one shard, in tar order. */
export declare function indexTarShard(path: string): ShardSample[];
/** `count` bytes of a file from `offset` (a shard member's data). */
export declare function readRange(path: string, offset: number, count: number): Uint8Array;
/** Expands WebDataset's brace ranges: `train-{000..146}.tar` (zero padding kept) and `{a,b}` lists. */
export declare function expandShardPattern(pattern: string): string[];

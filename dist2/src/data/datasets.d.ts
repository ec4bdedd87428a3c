export type Split = 'train' | 'test';
/** Images decoded in memory: uint8 pixels [N, C, H, W] in a SharedArrayBuffer. */
export interface InMemoryDataset {
    kind: 'memory';
    name: string;
    classes: string[];
    /** [C, H, W] of every image. */
    shape: [number, number, number];
    images: Uint8Array;
    labels: Int32Array;
    length: number;
}
/** Image files on disk, one class per sub-folder, decoded when a batch needs them. */
export interface FileDataset {
    kind: 'files';
    name: string;
    classes: string[];
    /** Channels after decoding (3: RGB); height and width vary per file until transforms fix them. */
    shape: [number, number, number];
    files: string[];
    labels: Int32Array;
    length: number;
}
/** Tar shards (WebDataset layout, tar-shards.ts): samples grouped by shard, image bytes read at their offsets. */
export interface ShardDataset {
    kind: 'shards';
    name: string;
    classes: string[];
    shape: [number, number, number];
    shards: string[];
    /** Per sample: its shard (an index into `shards`), the byte offset and size of its image, its key. */
    shardOf: Int32Array;
    offsets: Float64Array;
    sizes: Int32Array;
    keys: string[];
    labels: Int32Array;
    length: number;
}
/** Datasets whose images are encoded files, decoded per batch. */
export type ImageSourceDataset = FileDataset | ShardDataset;
export type Dataset = InMemoryDataset | ImageSourceDataset;
export declare class DatasetError extends Error {
    constructor(path: string, problem: string);
}
/** MNIST-format idx files (optionally .gz): `train-*` for train, `t10k-*` for test. */
export declare function loadMnistFormat(dir: string, split: Split, name?: string, classes?: readonly string[]): InMemoryDataset;
export declare const loadFashionMnist: (split: Split, dir?: string) => InMemoryDataset;
/**
 * CIFAR-10 / CIFAR-100 in the Python layout (cifar-python.ts), or in the binary version: records of label byte(s) + 3072 pixel bytes (R, G, B
 * planes of 32x32). CIFAR-100 records carry a coarse and a fine label; the fine one is used.
 */
export declare function loadCifar(dir: string, variant: 10 | 100, split: Split): InMemoryDataset;
/**
 * An image folder: one sub-folder per class (sorted names are the class indices), images inside.
 * If `root` has a `train` / `val` (or `test`) sub-folder, the split picks it.
 */
export declare function loadImageFolder(root: string, split?: Split): FileDataset;
/**
 * Tar shards (WebDataset layout): `source` is a shard, a brace pattern (`train-{000..146}.tar`), a text file listing
 * shards (one per line, relative to the list), or a directory of shards. Class names come from a `classes.txt`
 * beside the shards or one folder up (one per line, in index order) or are the indices.
 */
export declare function loadTarShards(source: string | readonly string[], name?: string): ShardDataset;
/** A split of shards under `root`: train/ or val/ (test/) sub-folders, shard names containing the split, or a list file. */
export declare function loadShardSplit(root: string, split: Split): ShardDataset;
/** How errors and reports name a sample: its file, or its shard and key. */
export declare function sampleName(dataset: ImageSourceDataset, index: number): string;
/** The encoded image of a sample. */
export declare function readSampleBytes(dataset: ImageSourceDataset, index: number): Uint8Array;
/**
 * The sample order of a shuffled epoch of shards: the shards in a seeded order, each one's samples shuffled within
 * it, so reading stays shard by shard (as WebDataset's shard shuffle with a per-shard buffer) and deterministic.
 */
export declare function shardShuffledOrder(dataset: ShardDataset, seed: number, epoch: number): Uint32Array;
/**
 * A class-balanced subset of n images chosen by the seed: n/K per class (the remainder to the first
 * classes; a class with too few images gives all it has and the rest come from any class), in index order.
 * For quick runs on a fraction of a training split.
 */
export declare function balancedSubset<D extends Dataset>(dataset: D, n: number, seed: number): D;
/**
 * The images of some classes only (given by index or name), labelled 0..k-1 in the order given: a dataset of k
 * classes (e.g. Fashion-MNIST's 5-9 as a new five-class task).
 */
export declare function selectClasses<D extends Dataset>(dataset: D, classes: readonly (number | string)[]): D;
/** What the CLI and trainer know about each dataset: where it lives, its statistics, its augmentation. */
export interface DatasetSpec {
    name: string;
    description: string;
    /** Directory used when none is given (only the built-in dataset has one). */
    defaultDir?: string;
    mean: number[];
    std: number[];
    /** Standard training augmentation: random-crop zero padding (pixels) and horizontal flips. */
    augment: {
        cropPadding: number;
        flip: boolean;
    };
    load(dir: string, split: Split): Dataset;
}
export declare const DATASETS: Record<string, DatasetSpec>;
export declare function getDatasetSpec(name: string): DatasetSpec;

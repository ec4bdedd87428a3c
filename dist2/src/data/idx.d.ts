export interface IdxArray {
    shape: number[];
    data: Uint8Array;
}
export declare class IdxFormatError extends Error {
    constructor(file: string, problem: string);
}
/** Reads an IDX file of unsigned bytes (images or labels); `.gz` content is detected by its magic bytes. */
export declare function readIdx(file: string): IdxArray;
/** Builds IDX bytes (for tests and tools that write datasets). */
export declare function encodeIdx(shape: readonly number[], data: Uint8Array): Buffer;
export interface ImageClassificationSplit {
    /** [N, H, W] uint8 pixels. */
    images: IdxArray;
    /** [N] uint8 labels. */
    labels: Uint8Array;
    numClasses: number;
}
/** Reads an MNIST-format split (`train` or `t10k`) from a directory and checks images and labels agree. */
export declare function readMnistSplit(dir: string, split: 'train' | 't10k', numClasses?: number): ImageClassificationSplit;
/** Where Debian's dataset-fashion-mnist package installs the files. */
export declare const FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";
export declare const FASHION_MNIST_CLASSES: readonly ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

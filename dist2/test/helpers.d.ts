import { type NestedArray, Tensor } from '../src/engine/index.js';
import { type Module } from '../src/nn/index.js';
/** Asserts that a tensor equals `expected` elementwise within `tol` (shape included). */
export declare function assertClose(actual: Tensor, expected: NestedArray, tol?: number, message?: string): void;
/**
 * A new directory under the system temp dir (`prefix` plus random characters), removed with everything in it
 * when the test process exits, whether its tests passed or failed.
 */
export declare function tempDir(prefix: string): string;
/** Max |a - b| over all elements. */
export declare function maxAbsDiff(a: Tensor, b: Tensor): number;
/**
 * A tiny MNIST-format directory: n images of size s x s whose pixels encode their index (or, with
 * `randomPixels: seed`, random pixels, so that every crop and flip changes the image).
 */
export declare function writeMnistDir(dir: string, n: number, s: number, numClasses?: number, options?: {
    randomPixels?: number;
}): void;
/** Non-trivial BN statistics and affine parameters, as after training. */
export declare function randomizeBatchNorms(model: Module): void;
/**
 * A synthetic concept set in Broden's layout whose answers are known (8x8 images):
 * images 0-7 hold a red 4x4 square at the top left, segmented as object 'red-square' (label 1);
 * images 12-15 are all green and carry the whole-image texture label 'green' (2); the rest are black.
 */
export declare function writeConceptSet(dir: string): Promise<void>;
/**
 * Tensors created and never disposed, whether still alive or already collected. Leak checks compare
 * this count rather than liveTensors, which drops whenever the collector frees another test's garbage.
 */
export declare function undisposedTensors(): number;

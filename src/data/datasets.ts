// Image-classification datasets. Small datasets (MNIST-format, CIFAR) are decoded once into one
// shared uint8 [N, C, H, W] buffer that loader workers read without copying; image folders keep file
// paths and are decoded per batch (with sharp). Every reader validates what it reads and names the
// file and the problem when something is wrong.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';

import { FASHION_MNIST_CLASSES, FASHION_MNIST_DIR, readMnistSplit } from './idx.js';
import { readCifarPythonBatch, readCifarPythonClassNames } from './cifar-python.js';
import { hashInts, permutation } from './rng.js';
import { expandShardPattern, indexTarShard, readRange, TarShardError } from './tar-shards.js';
import { unknownNameMessage } from '../util/suggest.js';

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

export class DatasetError extends Error {
  constructor(path: string, problem: string) {
    super(`${path}: ${problem}`);
    this.name = 'DatasetError';
  }
}

function sharedBytes(n: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(n));
}

/** `values` in a typed array over shared memory, which loader workers read without a copy. */
function sharedArray<T extends Int32Array | Float64Array>(Ctor: { new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, values: ArrayLike<number>): T {
  const out = new Ctor(new SharedArrayBuffer(values.length * Ctor.BYTES_PER_ELEMENT));
  for (let i = 0; i < values.length; i++) out[i] = values[i]!;
  return out;
}

const sharedLabels = (values: ArrayLike<number>): Int32Array => sharedArray(Int32Array, values);

/** MNIST-format idx files (optionally .gz): `train-*` for train, `t10k-*` for test. */
export function loadMnistFormat(dir: string, split: Split, name = 'mnist', classes: readonly string[] = [...'0123456789']): InMemoryDataset {
  if (!existsSync(dir)) throw new DatasetError(dir, `directory does not exist (expected MNIST-format idx files for '${name}')`);
  const raw = readMnistSplit(dir, split === 'train' ? 'train' : 't10k', classes.length);
  const [n, h, w] = raw.images.shape as [number, number, number];
  const images = sharedBytes(raw.images.data.length);
  images.set(raw.images.data);
  return { kind: 'memory', name, classes: [...classes], shape: [1, h, w], images, labels: sharedLabels(raw.labels), length: n };
}

export const loadFashionMnist = (split: Split, dir = FASHION_MNIST_DIR): InMemoryDataset => {
  if (!existsSync(dir)) {
    throw new DatasetError(dir, "Fashion-MNIST is not installed here: run 'sudo apt-get install dataset-fashion-mnist' or pass the directory of its idx files");
  }
  return loadMnistFormat(dir, split, 'fashion-mnist', FASHION_MNIST_CLASSES);
};

const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
const CIFAR_PIXELS = 3 * 32 * 32;

/** The first of `dirs` that contains every file in `names`. */
function findDir(root: string, subdirs: readonly string[], names: readonly string[], what: string): string {
  for (const d of [root, ...subdirs.map((s) => join(root, s))]) {
    if (names.every((f) => existsSync(join(d, f)))) return d;
  }
  throw new DatasetError(root, `no ${what} here (looked for ${names.join(', ')} in it and in ${subdirs.join(', ')})`);
}

function readClassNames(file: string, expected: number): string[] | undefined {
  if (!existsSync(file)) return undefined;
  const names = readFileSync(file, 'utf8').split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0);
  return names.length === expected ? names : undefined;
}

/**
 * CIFAR-10 / CIFAR-100 in the Python layout (cifar-python.ts), or in the binary version: records of label byte(s) + 3072 pixel bytes (R, G, B
 * planes of 32x32). CIFAR-100 records carry a coarse and a fine label; the fine one is used.
 */
export function loadCifar(dir: string, variant: 10 | 100, split: Split): InMemoryDataset {
  const python = findPythonLayout(dir, variant, split);
  if (python !== undefined) return loadCifarPython(python.base, python.files, variant);
  const labelBytes = variant === 10 ? 1 : 2;
  const record = labelBytes + CIFAR_PIXELS;
  const files = variant === 10
    ? (split === 'train' ? [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`) : ['test_batch.bin'])
    : [split === 'train' ? 'train.bin' : 'test.bin'];
  const base = findDir(dir, variant === 10 ? ['cifar-10-batches-bin'] : ['cifar-100-binary'], files, `CIFAR-${variant} binary ${split} files`);
  const chunks = files.map((f) => {
    const path = join(base, f);
    const bytes = readFileSync(path);
    if (bytes.length === 0 || bytes.length % record !== 0) {
      throw new DatasetError(path, `size ${bytes.length} bytes is not a whole number of ${record}-byte CIFAR-${variant} records`);
    }
    return { path, bytes };
  });
  const length = chunks.reduce((s, c) => s + c.bytes.length / record, 0);
  const images = sharedBytes(length * CIFAR_PIXELS);
  const labels = new Int32Array(new SharedArrayBuffer(length * 4));
  let i = 0;
  for (const { path, bytes } of chunks) {
    for (let off = 0; off < bytes.length; off += record, i++) {
      const label = bytes[off + labelBytes - 1]!;
      if (label >= variant) throw new DatasetError(path, `record ${off / record} has label ${label}, outside 0..${variant - 1}`);
      labels[i] = label;
      images.set(bytes.subarray(off + labelBytes, off + record), i * CIFAR_PIXELS);
    }
  }
  const classes = variant === 10
    ? readClassNames(join(base, 'batches.meta.txt'), 10) ?? CIFAR10_CLASSES
    : readClassNames(join(base, 'fine_label_names.txt'), 100) ?? Array.from({ length: 100 }, (_, k) => String(k));
  return { kind: 'memory', name: `cifar${variant}`, classes, shape: [3, 32, 32], images, labels, length };
}

/** The directory and files of CIFAR's Python layout under `dir`, when the binary layout is not there and this is. */
function findPythonLayout(dir: string, variant: 10 | 100, split: Split): { base: string; files: string[] } | undefined {
  const files = variant === 10 ? (split === 'train' ? [1, 2, 3, 4, 5].map((i) => `data_batch_${i}`) : ['test_batch']) : [split];
  const binary = variant === 10 ? ['cifar-10-batches-bin', 'data_batch_1.bin'] : ['cifar-100-binary', 'train.bin'];
  if (existsSync(join(dir, binary[1]!)) || existsSync(join(dir, binary[0]!, binary[1]!))) return undefined;
  for (const base of [dir, join(dir, variant === 10 ? 'cifar-10-batches-py' : 'cifar-100-python')]) {
    if (files.every((f) => existsSync(join(base, f)))) return { base, files };
  }
  return undefined;
}

/** CIFAR's Python layout (cifar-python.ts): the same images and labels as the binary layout. */
function loadCifarPython(base: string, files: string[], variant: 10 | 100): InMemoryDataset {
  const batches = files.map((f) => {
    const path = join(base, f);
    try {
      return { path, ...readCifarPythonBatch(path, variant === 10 ? 'labels' : 'fine_labels') };
    } catch (err) {
      throw new DatasetError(path, `not a CIFAR-${variant} Python batch: ${(err as Error).message}`);
    }
  });
  const length = batches.reduce((n, b) => n + b.labels.length, 0);
  const images = sharedBytes(length * CIFAR_PIXELS);
  const labels = new Int32Array(new SharedArrayBuffer(length * 4));
  let i = 0;
  for (const batch of batches) {
    images.set(batch.images, i * CIFAR_PIXELS);
    for (const [k, label] of batch.labels.entries()) {
      if (label < 0 || label >= variant) throw new DatasetError(batch.path, `image ${k} has label ${label}, outside 0..${variant - 1}`);
      labels[i++] = label;
    }
  }
  const meta = join(base, variant === 10 ? 'batches.meta' : 'meta');
  let classes: string[] | undefined;
  try {
    classes = existsSync(meta) ? readCifarPythonClassNames(meta, variant === 10 ? 'label_names' : 'fine_label_names') : undefined;
  } catch (err) {
    throw new DatasetError(meta, `not a CIFAR meta file: ${(err as Error).message}`);
  }
  if (classes?.length !== variant) classes = variant === 10 ? CIFAR10_CLASSES : Array.from({ length: 100 }, (_, k) => String(k));
  return { kind: 'memory', name: `cifar${variant}`, classes, shape: [3, 32, 32], images, labels, length };
}

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.bmp', '.tif', '.tiff', '.gif']);

/**
 * An image folder: one sub-folder per class (sorted names are the class indices), images inside.
 * If `root` has a `train` / `val` (or `test`) sub-folder, the split picks it.
 */
export function loadImageFolder(root: string, split?: Split): FileDataset {
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new DatasetError(root, 'image folder does not exist or is not a directory');
  let dir = root;
  if (split !== undefined) {
    const candidates = split === 'train' ? ['train'] : ['val', 'test', 'validation'];
    const found = candidates.find((c) => existsSync(join(root, c)) && statSync(join(root, c)).isDirectory());
    if (found !== undefined) dir = join(root, found);
  }
  const classes = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  if (classes.length === 0) {
    const flat = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile() && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase()));
    if (flat.length > 0) return loadFlatImageSplit(root, dir, flat.map((e) => e.name).sort());
    throw new DatasetError(dir, 'no class sub-folders (an image folder needs one sub-folder of images per class)');
  }
  const files: string[] = [];
  const labels: number[] = [];
  classes.forEach((cls, label) => {
    const images = readdirSync(join(dir, cls), { withFileTypes: true })
      .filter((e) => e.isFile() && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase()))
      .map((e) => join(dir, cls, e.name))
      .sort();
    if (images.length === 0) throw new DatasetError(join(dir, cls), `class folder '${cls}' has no images (${[...IMAGE_EXTENSIONS].join(' ')})`);
    for (const f of images) {
      files.push(f);
      labels.push(label);
    }
  });
  return { kind: 'files', name: 'folder', classes, shape: [3, 0, 0], files, labels: sharedLabels(labels), length: files.length };
}

/** The label files a flat split (ImageNet's val/ as distributed) may come with: Kaggle's ILSVRC layout. */
const FLAT_LABEL_FILES = ['LOC_val_solution.csv'];

/**
 * A split of images in one flat folder, labelled by a LOC_val_solution.csv (`ImageId,PredictionString`, the string
 * starting with the class's folder name) beside the folder or in it; the classes are the training split's folders.
 * Without one it is refused, saying how to reorganise it.
 */
function loadFlatImageSplit(root: string, dir: string, names: string[]): FileDataset {
  const labelFile = FLAT_LABEL_FILES.flatMap((f) => [join(dir, f), join(root, f), join(dirname(dir), f)]).find((f) => existsSync(f));
  if (labelFile === undefined) {
    throw new DatasetError(dir, `${names.length} images directly in the folder, with no class sub-folders: move each image into a sub-folder ` +
      "named after its class, as the training split has (for ImageNet's validation images, PyTorch's examples/imagenet " +
      "README links valprep.sh, which does this), or put Kaggle's LOC_val_solution.csv beside them");
  }
  const trainDir = join(root, 'train');
  const classes = existsSync(trainDir) ? readdirSync(trainDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort() : [];
  const classOf = new Map<string, string>();
  for (const [n, line] of readFileSync(labelFile, 'utf8').split(/\r?\n/).entries()) {
    if (n === 0 || line.trim() === '') continue;
    const m = /^([^,]+),\s*(\S+)/.exec(line);
    if (m === null) throw new DatasetError(labelFile, `line ${n + 1} is not 'ImageId,PredictionString': ${line.slice(0, 80)}`);
    classOf.set(m[1]!, m[2]!);
  }
  const classList = classes.length > 0 ? classes : [...new Set(classOf.values())].sort();
  const index = new Map(classList.map((c, i) => [c, i]));
  const files: string[] = [];
  const labels: number[] = [];
  for (const name of names) {
    const id = name.slice(0, name.length - extname(name).length);
    const cls = classOf.get(id);
    if (cls === undefined) throw new DatasetError(join(dir, name), `not listed in ${labelFile}`);
    const label = index.get(cls);
    if (label === undefined) throw new DatasetError(join(dir, name), `${labelFile} gives it class '${cls}', which ${trainDir} has no folder for`);
    files.push(join(dir, name));
    labels.push(label);
  }
  return { kind: 'files', name: 'folder', classes: classList, shape: [3, 0, 0], files, labels: sharedLabels(labels), length: files.length };
}

/**
 * Tar shards (WebDataset layout): `source` is a shard, a brace pattern (`train-{000..146}.tar`), a text file listing
 * shards (one per line, relative to the list), or a directory of shards. Class names come from a `classes.txt`
 * beside the shards or one folder up (one per line, in index order) or are the indices.
 */
export function loadTarShards(source: string | readonly string[], name = 'shards'): ShardDataset {
  const shards = typeof source === 'string' ? shardPaths(source) : [...source];
  if (shards.length === 0) throw new DatasetError(String(source), 'no .tar shards');
  const shardOf: number[] = [];
  const offsets: number[] = [];
  const sizes: number[] = [];
  const keys: string[] = [];
  const labels: number[] = [];
  shards.forEach((shard, k) => {
    if (!existsSync(shard)) throw new DatasetError(shard, 'shard does not exist');
    let samples;
    try {
      samples = indexTarShard(shard);
    } catch (err) {
      if (err instanceof TarShardError) throw new DatasetError(shard, err.message.slice(shard.length + 2));
      throw err;
    }
    for (const sample of samples) {
      shardOf.push(k);
      offsets.push(sample.offset);
      sizes.push(sample.size);
      keys.push(sample.key);
      labels.push(sample.label);
    }
  });
  const classes = shardClassNames(dirname(shards[0]!), labels.reduce((max, l) => Math.max(max, l), 0) + 1);
  return {
    kind: 'shards', name, classes, shape: [3, 0, 0], shards, shardOf: sharedArray(Int32Array, shardOf), offsets: sharedArray(Float64Array, offsets),
    sizes: sharedArray(Int32Array, sizes), keys, labels: sharedLabels(labels), length: labels.length,
  };
}

/**
 * The class names of shards: a classes.txt (one name per line, in index order) beside them or one folder up (shared
 * by train/ and val/), else the indices up to the largest label (a split may then show fewer classes than another).
 */
function shardClassNames(dir: string, seen: number): string[] {
  for (const file of [join(dir, 'classes.txt'), join(dirname(dir), 'classes.txt')]) {
    if (!existsSync(file)) continue;
    const names = readFileSync(file, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
    if (names.length < seen) throw new DatasetError(file, `names ${names.length} classes but the shards have labels up to ${seen - 1}`);
    return names;
  }
  return Array.from({ length: seen }, (_, i) => String(i));
}

function shardPaths(source: string): string[] {
  if (/\{[^{}]*\}/.test(source)) return expandShardPattern(source).map((p) => resolve(p));
  if (!existsSync(source)) throw new DatasetError(source, 'no such shard, shard list or directory');
  if (statSync(source).isDirectory()) {
    return readdirSync(source).filter((f) => f.endsWith('.tar')).sort().map((f) => join(source, f));
  }
  if (source.endsWith('.tar')) return [resolve(source)];
  const base = dirname(resolve(source));
  return readFileSync(source, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')).map((l) => resolve(base, l));
}

/** A split of shards under `root`: train/ or val/ (test/) sub-folders, shard names containing the split, or a list file. */
export function loadShardSplit(root: string, split: Split): ShardDataset {
  if (/\{[^{}]*\}/.test(root) || !existsSync(root) || !statSync(root).isDirectory()) return loadTarShards(root, 'shards');
  const candidates = split === 'train' ? ['train'] : ['val', 'test', 'validation'];
  for (const c of candidates) {
    const sub = join(root, c);
    if (existsSync(sub) && statSync(sub).isDirectory()) return loadTarShards(sub, 'shards');
    if (existsSync(`${sub}.txt`)) return loadTarShards(`${sub}.txt`, 'shards');
  }
  const tars = readdirSync(root).filter((f) => f.endsWith('.tar')).sort();
  const named = tars.filter((f) => candidates.some((c) => basename(f).includes(c)));
  if (named.length > 0) return loadTarShards(named.map((f) => join(root, f)), 'shards');
  throw new DatasetError(root, `no ${split} shards: expected ${candidates[0]}/ with .tar shards, ${candidates[0]}.txt listing them, or shard names containing '${candidates[0]}'`);
}

/** How errors and reports name a sample: its file, or its shard and key. */
export function sampleName(dataset: ImageSourceDataset, index: number): string {
  return dataset.kind === 'files' ? dataset.files[index]! : `${dataset.shards[dataset.shardOf[index]!]}:${dataset.keys[index]}`;
}

/** The encoded image of a sample. */
export function readSampleBytes(dataset: ImageSourceDataset, index: number): Uint8Array {
  try {
    if (dataset.kind === 'files') return readFileSync(dataset.files[index]!);
    return readRange(dataset.shards[dataset.shardOf[index]!]!, dataset.offsets[index]!, dataset.sizes[index]!);
  } catch (err) {
    throw new DatasetError(sampleName(dataset, index), `cannot read (${(err as Error).message})`);
  }
}

/**
 * The sample order of a shuffled epoch of shards: the shards in a seeded order, each one's samples shuffled within
 * it, so reading stays shard by shard (as WebDataset's shard shuffle with a per-shard buffer) and deterministic.
 */
export function shardShuffledOrder(dataset: ShardDataset, seed: number, epoch: number): Uint32Array {
  const starts: number[] = [];
  for (let i = 0; i < dataset.length; i++) if (i === 0 || dataset.shardOf[i] !== dataset.shardOf[i - 1]) starts.push(i);
  starts.push(dataset.length);
  const runs = starts.length - 1;
  const order = new Uint32Array(dataset.length);
  let at = 0;
  for (const run of permutation(runs, hashInts(seed, epoch, 0x5a4d))) {
    const [from, to] = [starts[run]!, starts[run + 1]!];
    for (const k of permutation(to - from, hashInts(seed, epoch, run, 0x5a4e))) order[at++] = from + k;
  }
  return order;
}

/**
 * A class-balanced subset of n images chosen by the seed: n/K per class (the remainder to the first
 * classes; a class with too few images gives all it has and the rest come from any class), in index order.
 * For quick runs on a fraction of a training split.
 */
export function balancedSubset<D extends Dataset>(dataset: D, n: number, seed: number): D {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`subset size must be a positive integer, got ${n}`);
  if (n >= dataset.length) return dataset;
  const k = dataset.classes.length;
  const quota = dataset.classes.map((_, c) => Math.floor(n / k) + (c < n % k ? 1 : 0));
  const order = permutation(dataset.length, seed);
  const chosen = new Uint8Array(dataset.length);
  let taken = 0;
  for (const i of order) {
    if (taken === n) break;
    const label = dataset.labels[i]!;
    if (quota[label]! > 0) {
      quota[label]!--;
      chosen[i] = 1;
      taken++;
    }
  }
  for (let j = 0; taken < n; j++) {
    const i = order[j]!;
    if (!chosen[i]) {
      chosen[i] = 1;
      taken++;
    }
  }
  const indices: number[] = [];
  chosen.forEach((c, i) => c && indices.push(i));
  return pick(dataset, indices, indices.map((i) => dataset.labels[i]!), dataset.classes);
}

/** The images at `indices`, with new labels and class names. */
function pick<D extends Dataset>(dataset: D, indices: readonly number[], newLabels: readonly number[], classes: string[]): D {
  const n = indices.length;
  const labels = sharedLabels(newLabels);
  if (dataset.kind === 'files') return { ...dataset, classes, files: indices.map((i) => dataset.files[i]!), labels, length: n };
  if (dataset.kind === 'shards') {
    const at = (src: ArrayLike<number>): number[] => indices.map((i) => src[i]!);
    return {
      ...dataset, classes, shardOf: sharedArray(Int32Array, at(dataset.shardOf)), offsets: sharedArray(Float64Array, at(dataset.offsets)),
      sizes: sharedArray(Int32Array, at(dataset.sizes)), keys: indices.map((i) => dataset.keys[i]!), labels, length: n,
    };
  }
  const size = dataset.shape[0] * dataset.shape[1] * dataset.shape[2];
  const images = sharedBytes(n * size);
  indices.forEach((src, dst) => images.set(dataset.images.subarray(src * size, (src + 1) * size), dst * size));
  return { ...dataset, classes, images, labels, length: n };
}

/**
 * The images of some classes only (given by index or name), labelled 0..k-1 in the order given: a dataset of k
 * classes (e.g. Fashion-MNIST's 5-9 as a new five-class task).
 */
export function selectClasses<D extends Dataset>(dataset: D, classes: readonly (number | string)[]): D {
  const chosen = classes.map((c) => {
    const index = typeof c === 'number' ? c : dataset.classes.indexOf(c);
    if (!Number.isInteger(index) || index < 0 || index >= dataset.classes.length) {
      throw new DatasetError(dataset.name, `no class ${JSON.stringify(c)} (classes: ${dataset.classes.map((n, i) => `${i} ${n}`).join(', ')})`);
    }
    return index;
  });
  if (new Set(chosen).size !== chosen.length || chosen.length === 0) throw new DatasetError(dataset.name, `a class subset names each class once: ${classes.join(', ')}`);
  const newLabel = new Map(chosen.map((c, k) => [c, k]));
  const indices = [...dataset.labels.keys()].filter((i) => newLabel.has(dataset.labels[i]!));
  return pick(dataset, indices, indices.map((i) => newLabel.get(dataset.labels[i]!)!), chosen.map((c) => dataset.classes[c]!));
}

/** What the CLI and trainer know about each dataset: where it lives, its statistics, its augmentation. */
export interface DatasetSpec {
  name: string;
  description: string;
  /** Directory used when none is given (only the built-in dataset has one). */
  defaultDir?: string;
  mean: number[];
  std: number[];
  /** Standard training augmentation: random-crop zero padding (pixels) and horizontal flips. */
  augment: { cropPadding: number; flip: boolean };
  load(dir: string, split: Split): Dataset;
}

const FMNIST_STATS = { mean: [0.2860], std: [0.3530] };

/** Every dataset by name, in registration order (filled by registerDataset). */
export const DATASETS: Record<string, DatasetSpec> = {};

/** Makes a dataset known to `--dataset`, the trainer and evaluation (a paper with a dataset of its own registers it in its data.ts). */
export function registerDataset(spec: DatasetSpec): void {
  if (spec.name in DATASETS) throw new Error(`registerDataset: '${spec.name}' is already registered`);
  DATASETS[spec.name] = spec;
}

const BUILT_IN: DatasetSpec[] = [
  {
    name: 'fashion-mnist', description: 'Fashion-MNIST, 28x28 grayscale, 10 classes (built in: Debian dataset-fashion-mnist)',
    defaultDir: FASHION_MNIST_DIR, ...FMNIST_STATS, augment: { cropPadding: 2, flip: true }, load: (dir, split) => loadFashionMnist(split, dir),
  },
  {
    name: 'mnist', description: 'MNIST-format idx files from a directory, 10 classes', mean: [0.1307], std: [0.3081], augment: { cropPadding: 2, flip: false }, // digits must not be mirrored
    load: (dir, split) => loadMnistFormat(dir, split),
  },
  {
    name: 'cifar10', description: 'CIFAR-10: the binary version (data_batch_*.bin, test_batch.bin) or the Python version (cifar-10-batches-py)', mean: [0.4914, 0.4822, 0.4465], std: [0.2470, 0.2435, 0.2616], augment: { cropPadding: 4, flip: true },
    load: (dir, split) => loadCifar(dir, 10, split),
  },
  {
    name: 'cifar100', description: 'CIFAR-100: the binary version (train.bin, test.bin) or the Python version (cifar-100-python)', mean: [0.5071, 0.4865, 0.4409], std: [0.2673, 0.2564, 0.2762], augment: { cropPadding: 4, flip: true },
    load: (dir, split) => loadCifar(dir, 100, split),
  },
  {
    name: 'shards', description: 'tar shards in the WebDataset layout (<key>.jpg + <key>.cls): train/ and val/ folders of .tar, train.txt/val.txt lists, or a brace pattern', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], augment: { cropPadding: 0, flip: true },
    load: (dir, split) => loadShardSplit(dir, split),
  },
  {
    name: 'folder', description: 'an image folder: one sub-folder per class (optionally under train/ and val/)', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], augment: { cropPadding: 0, flip: true },
    load: (dir, split) => loadImageFolder(dir, split),
  },
];
for (const spec of BUILT_IN) registerDataset(spec);

export function getDatasetSpec(name: string): DatasetSpec {
  const spec = DATASETS[name];
  if (spec === undefined) throw new Error(unknownNameMessage('dataset', name, Object.keys(DATASETS)));
  return spec;
}

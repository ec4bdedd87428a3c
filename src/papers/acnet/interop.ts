// ACNet's weight files (DingXiaoH/ACNet): HDF5 with one dataset per state-dict entry of the official
// model ('/' written as '+'), plus an optional 'deps' array of layer widths. The official models name
// their layers after the ACNet builder (`stage1.block0.conv1.conv.weight`, an ACB under `.acb.` when a
// ReLU follows it, `fused_conv` after conversion); leanconv's counterparts use torchvision-style names
// (`layer1.0.conv1.weight`). This module maps one onto the other, unit by unit, and reads the form (base,
// ACB training, deploy) off the names, so a file from any stage of ACNet's pipeline imports as it is.
import fs from 'node:fs';

import type H5Wasm from 'h5wasm/node';

import { type DType, ITEM_SIZE } from '../../engine/dtype.js';
import type { ModelForm } from '../../convert/form.js';
import type { TransformSpec } from '../../data/transforms.js';
import { getModelSpec } from '../../models/index.js';
import { buildImportTarget, ImportError, type ImportOptions, type ImportResult, loadStoredState, tensorBudget } from '../../interop/state-dict.js';
import { registerWeightFormat } from '../../interop/import.js';
import { StoredTensor } from '../../interop/torch-file.js';
import { describeValue } from '../../util/describe.js';

/**
 * One layer of an official model and where it lives in leanconv's. A conv unit (conv + BN, or BN + conv
 * in pre-activation nets) maps its conv to `conv` (an ACB there in the training form, a biased conv in the
 * deploy form) and its BN to `bn`; a whole unit (Linear, a lone BN) maps name for name.
 */
type Unit = { acnet: string; conv: string; bn?: string } | { acnet: string; whole: string };

const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => i + from);

/** ACNet's ImageNet ResNet-18/34 (base_model/resnet.py, `sres18`/`sres34`): torchvision's layout under other names. */
function basicResNetUnits(blocks: readonly number[]): Unit[] {
  return [
    { acnet: 'conv1', conv: 'conv1', bn: 'bn1' },
    ...blocks.flatMap((n, s) => range(n).flatMap((b) => [
      { acnet: `stage${s + 1}.${b}.conv1`, conv: `layer${s + 1}.${b}.conv1`, bn: `layer${s + 1}.${b}.bn1` },
      { acnet: `stage${s + 1}.${b}.conv2`, conv: `layer${s + 1}.${b}.conv2`, bn: `layer${s + 1}.${b}.bn2` },
      { acnet: `stage${s + 1}.${b}.shortcut`, conv: `layer${s + 1}.${b}.downsample.0`, bn: `layer${s + 1}.${b}.downsample.1` },
    ])),
    { acnet: 'linear', whole: 'fc' },
  ];
}

/** ACNet's ImageNet ResNet-50 (base_model/stagewise_resnet.py, `sres50`): a projection per stage, blocks of three convs. */
function bottleneckResNetUnits(blocks: readonly number[]): Unit[] {
  return [
    { acnet: 'conv1', conv: 'conv1', bn: 'bn1' },
    ...blocks.flatMap((n, s) => [
      { acnet: `stage${s + 1}.projection`, conv: `layer${s + 1}.0.downsample.0`, bn: `layer${s + 1}.0.downsample.1` },
      ...range(n).flatMap((b) => [1, 2, 3].map((c) => ({ acnet: `stage${s + 1}.block${b}.conv${c}`, conv: `layer${s + 1}.${b}.conv${c}`, bn: `layer${s + 1}.${b}.bn${c}` }))),
    ]),
    { acnet: 'fc', whole: 'fc' },
  ];
}

/** ACNet's CIFAR loader (acnet/data: Normalize((0.5,) * 3, (0.5,) * 3)), which its CIFAR weights expect. */
const ACNET_CIFAR_PREPROCESSING: TransformSpec[] = [{ name: 'normalize', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] }];

/**
 * leanconv model -> the official model it corresponds to, their units, and the eval preprocessing of the official
 * training (the CIFAR models'; the ImageNet models' is the model spec's: resize 256, centre crop 224, ImageNet statistics).
 */
const ACNET_MODELS: Record<string, { official: string; units: () => Unit[]; preprocessing?: TransformSpec[] }> = {
  cifar_quick: {
    preprocessing: ACNET_CIFAR_PREPROCESSING,
    official: 'cfqkbnc',
    units: () => [
      ...[0, 4, 8].map((at, i) => ({ acnet: `conv${i + 1}`, conv: `features.${at}`, bn: `features.${at + 1}` })),
      { acnet: 'fc1', whole: 'classifier.1' }, { acnet: 'fc2', whole: 'classifier.3' },
    ],
  },
  vgg16_cifar: {
    preprocessing: ACNET_CIFAR_PREPROCESSING,
    official: 'vc',
    units: () => [
      ...[0, 3, 7, 10, 14, 17, 20, 24, 27, 30, 34, 37, 40].map((at, i) => ({ acnet: `stem.conv${i + 1}`, conv: `features.${at}`, bn: `features.${at + 1}` })),
      { acnet: 'linear1', whole: 'classifier.1' }, { acnet: 'linear2', whole: 'classifier.3' },
    ],
  },
  resnet56: {
    preprocessing: ACNET_CIFAR_PREPROCESSING,
    official: 'src56',
    units: () => [
      { acnet: 'stage1.conv1', conv: 'conv1', bn: 'bn1' },
      ...range(3, 1).flatMap((s) => [
        ...(s > 1 ? [{ acnet: `stage${s}.projection`, conv: `layer${s}.0.downsample.0`, bn: `layer${s}.0.downsample.1` }] : []),
        ...range(9).flatMap((b) => [1, 2].map((c) => ({ acnet: `stage${s}.block${b}.conv${c}`, conv: `layer${s}.${b}.conv${c}`, bn: `layer${s}.${b}.bn${c}` }))),
      ]),
      { acnet: 'linear', whole: 'fc' },
    ],
  },
  wrn16_8: {
    preprocessing: ACNET_CIFAR_PREPROCESSING,
    official: 'wrnc16plain',
    units: () => [
      { acnet: 'conv1', conv: 'conv1' },
      ...range(3, 1).flatMap((s) => range(2, 1).flatMap((b) => (b === 1 ? ['proj', 'conv1', 'conv2'] : ['conv1', 'conv2']).map((layer) => {
        const path = `stage${s}.block${b}.${layer}`;
        return { acnet: path, conv: `${path}.conv`, bn: `${path}.bn` };
      }))),
      { acnet: 'last_bn', whole: 'last_bn' }, { acnet: 'linear', whole: 'linear' },
    ],
  },
  resnet18: { official: 'sres18', units: () => basicResNetUnits([2, 2, 2, 2]) },
  resnet34: { official: 'sres34', units: () => basicResNetUnits([3, 4, 6, 3]) },
  resnet50: { official: 'sres50', units: () => bottleneckResNetUnits([3, 4, 6, 3]) },
};

/** The leanconv name of an official ACNet state-dict name for a leanconv model with an ACNet counterpart (undefined: none). */
export function acnetNameToLeanconv(model: string, official: string): string | undefined {
  const mapping = ACNET_MODELS[getModelSpec(model).name];
  return mapping === undefined ? undefined : translate(official, mapping.units());
}

/** The leanconv name of an official one, or undefined when no unit claims it. */
function translate(name: string, units: readonly Unit[]): string | undefined {
  for (const unit of units) {
    if (!name.startsWith(`${unit.acnet}.`)) continue;
    const rest = name.slice(unit.acnet.length + 1);
    if ('whole' in unit) return `${unit.whole}.${rest}`;
    // A ReLU after the ACB puts it one level down ('.acb.'); a bare ACB, or a BN -> ReLU -> ACB, does not.
    const branch = /^(?:acb\.)?((?:square|ver|hor)_(?:conv|bn)\..+)$/.exec(rest);
    if (branch) return `${unit.conv}.${branch[1]}`;
    const fused = /^(?:acb\.)?fused_conv\.(weight|bias)$/.exec(rest);
    if (fused) return `${unit.conv}.${fused[1]}`;
    const conv = /^conv\.(weight|bias)$/.exec(rest) ?? /^(weight|bias)$/.exec(rest);
    if (conv) return `${unit.conv}.${conv[1]}`;
    const bn = /^bn\.(.+)$/.exec(rest);
    if (bn && unit.bn !== undefined) return `${unit.bn}.${bn[1]}`;
  }
  return undefined;
}

const HDF5_DTYPES: Record<string, DType> = { '<f': 'float32', '<d': 'float64', '<e': 'float16', '<q': 'int64', '<i': 'int32', '<h': 'int16', '<b': 'int8', '<B': 'uint8', '|b1': 'bool' };

/** A dataset's value as a typed array: h5wasm gives scalars (BN's num_batches_tracked) as plain numbers. */
function scalarAsArray(value: unknown, dtype: DType): ArrayBufferView {
  if (ArrayBuffer.isView(value)) return value;
  if (dtype === 'int64') return BigInt64Array.of(BigInt(value as number | bigint));
  if (dtype === 'float64') return Float64Array.of(Number(value));
  if (dtype === 'float32') return Float32Array.of(Number(value));
  if (dtype === 'int32') return Int32Array.of(Number(value));
  throw new TypeError(`a scalar HDF5 dataset of type ${dtype} is not supported`);
}

/**
 * Runs fn with the HDF5 library's diagnostics (dozens of 'HDF5-DIAG' lines per damaged file, written to stderr
 * from inside h5wasm) held back: the error leanconv raises says what is wrong in one line. They are printed
 * after all with LEANCONV_DEBUG set.
 */
function withoutHdf5Diagnostics<T>(fn: (diagnosis: () => string | undefined) => T): T {
  // h5wasm's file system writes the library's stderr straight to file descriptor 2.
  const writeSync = fs.writeSync;
  const held: Uint8Array[] = [];
  fs.writeSync = ((fd: number, buffer: unknown, ...rest: unknown[]) => {
    if (fd !== 2) return (writeSync as (...args: unknown[]) => number)(fd, buffer, ...rest);
    if (typeof buffer === 'string') {
      held.push(Buffer.from(buffer));
      return Buffer.byteLength(buffer);
    }
    // `buffer` is a view of the whole WebAssembly heap: copy only the bytes written.
    const view = buffer as Uint8Array;
    const [offset = 0, length = view.length - offset] = rest as [number?, number?];
    held.push(Buffer.from(view.subarray(offset, offset + length)));
    return length;
  }) as typeof fs.writeSync;
  // The innermost frame of the first error stack says what is wrong ('truncated file: eof = 3000, ...').
  const diagnosis = (): string | undefined => {
    const text = Buffer.concat(held).toString();
    const first = text.split('HDF5-DIAG')[1] ?? '';
    const frames = [...first.matchAll(/#\d+: .*? in [\w.]+\(\): (.*)/g)];
    return frames.at(-1)?.[1]?.trim();
  };
  try {
    return fn(diagnosis);
  } finally {
    fs.writeSync = writeSync;
    if (process.env.LEANCONV_DEBUG) for (const bytes of held) process.stderr.write(bytes);
  }
}

/**
 * Every top-level dataset of an HDF5 file by its name ('+' read back as '/', as ACNet's read_hdf5 does). The
 * datasets' declared sizes are checked against `maxBytes` before any is read: a small file can declare huge
 * datasets (a fill value, or gzip that expands).
 */
export async function readHdf5Datasets(file: string, maxBytes = 4 * 1024 ** 3): Promise<Map<string, StoredTensor>> {
  // Loaded on first use: the HDF5 library is a WebAssembly module of its own (about 10 MB resident).
  const h5wasm = (await import('h5wasm/node')).default;
  await h5wasm.ready;
  return withoutHdf5Diagnostics((diagnosis) => readDatasets(h5wasm, file, maxBytes, diagnosis));
}

function readDatasets(h5wasm: typeof H5Wasm, file: string, maxBytes: number, diagnosis: () => string | undefined): Map<string, StoredTensor> {
  let f: InstanceType<typeof H5Wasm.File>;
  try {
    f = new h5wasm.File(file, 'r');
  } catch (err) {
    throw new ImportError(file, `not a readable HDF5 file (${diagnosis() ?? (err as Error).message})`);
  }
  if (diagnosis() !== undefined) {
    // h5wasm reports some failures to open only through the library's diagnostics.
    try {
      f.close();
    } catch {
      // the handle was never valid
    }
    throw new ImportError(file, `not a readable HDF5 file (${diagnosis()})`);
  }
  try {
    const out = new Map<string, StoredTensor>();
    const datasets: [string, InstanceType<typeof H5Wasm.Dataset>, DType][] = [];
    let total = 0;
    for (const key of f.keys()) {
      const item = f.get(key);
      if (!(item instanceof h5wasm.Dataset)) throw new ImportError(file, `'${key}' is a group, not a dataset (ACNet's files are flat)`);
      const dtype = HDF5_DTYPES[String(item.dtype)];
      if (dtype === undefined) throw new ImportError(file, `'${key}' has the HDF5 type ${describeValue(item.dtype)}, which is not a tensor type leanconv reads`);
      const shape = [...(item.shape ?? [])];
      total += shape.reduce((a, b) => a * b, 1) * ITEM_SIZE[dtype];
      if (total > maxBytes) throw new ImportError(file, `its datasets declare more than the ${maxBytes} bytes a weight file for this model may hold ('${key}' is [${shape.join(', ')}])`);
      datasets.push([key, item, dtype]);
    }
    for (const [key, item, dtype] of datasets) {
      const value = scalarAsArray(item.value, dtype);
      const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice();
      out.set(key.replace(/\+/g, '/'), new StoredTensor(dtype, [...(item.shape ?? [])], bytes));
    }
    return out;
  } catch (err) {
    if (err instanceof ImportError) throw err;
    // h5wasm reports a damaged file (truncated, corrupt) from deep inside the HDF5 library.
    throw new ImportError(file, `a damaged or truncated HDF5 file (${diagnosis() ?? (err instanceof Error ? err.message : String(err))})`);
  } finally {
    try {
      f.close();
    } catch {
      // closing a damaged file can fail too; the error above says what is wrong
    }
  }
}

/**
 * The form an official state dict is in: ACB branches mean the training form (with 1-D branches shorter than the
 * square kernel when the file's are: 1x3 on 5x5), fused convs the deploy form.
 */
function formOf(datasets: ReadonlyMap<string, StoredTensor>): ModelForm {
  const names = [...datasets.keys()];
  if (names.some((n) => /(^|\.)square_conv\.weight$/.test(n))) {
    let branchLength: number | undefined;
    for (const name of names.filter((n) => /(^|\.)ver_conv\.weight$/.test(n))) {
      const square = datasets.get(name.replace(/ver_conv\.weight$/, 'square_conv.weight'));
      const length = datasets.get(name)!.shape[2]!;
      if (square !== undefined && length < square.shape[2]!) branchLength = length;
    }
    return { acb: { gamma: 1, ...(branchLength === undefined ? {} : { branchLength }) } };
  }
  if (names.some((n) => /(^|\.)fused_conv\.weight$/.test(n))) return { acb: { gamma: 1 }, deploy: true };
  return {};
}

/** Reads an ACNet HDF5 weight file into a new leanconv model (strict names and shapes, as every import). */
export async function importAcnetHdf5(file: string, options: ImportOptions): Promise<ImportResult> {
  const name = getModelSpec(options.model).name;
  const mapping = ACNET_MODELS[name];
  if (mapping === undefined) {
    const known = Object.entries(ACNET_MODELS).map(([k, v]) => `${k} (ACNet's ${v.official})`).join(', ');
    throw new ImportError(file, `an ACNet HDF5 file needs a model with an ACNet counterpart; '${name}' has none (${known})`);
  }
  // The form is read off the names, so the model the weights load into is built after reading; this one bounds the read.
  const sizeOf = buildImportTarget(options);
  const budget = tensorBudget(sizeOf);
  sizeOf.dispose();
  const datasets = await readHdf5Datasets(file, budget);
  datasets.delete('deps'); // ACNet's layer widths; the shape check below catches widths that differ
  const units = mapping.units();
  const state = new Map<string, StoredTensor>();
  const unknown: string[] = [];
  for (const [official, tensor] of datasets) {
    const ours = translate(official, units);
    if (ours === undefined) unknown.push(official);
    else state.set(ours, tensor);
  }
  if (unknown.length > 0) {
    throw new ImportError(file, `${unknown.length} names are not those of ACNet's ${mapping.official} (the official model '${name}' corresponds to): ` +
      `${unknown.slice(0, 6).join(', ')}${unknown.length > 6 ? ', ...' : ''}`);
  }
  const form = formOf(datasets);
  const loaded = loadStoredState(file, state, { ...options, form });
  return { ...loaded, form, preprocessing: mapping.preprocessing, foundAt: `ACNet ${mapping.official}`, strippedPrefix: false, tensors: datasets.size };
}

const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

registerWeightFormat({
  name: 'ACNet HDF5',
  extension: 'hdf5',
  help: `ACNet's HDF5 files (DingXiaoH/ACNet's finish.hdf5 / finish_deploy.hdf5) import into the model that
corresponds to the official one: cifar_quick (cfqkbnc), resnet56 (src56), vgg16_cifar (vc), wrn16_8
(wrnc16plain), and the ImageNet ResNets resnet18 (sres18), resnet34 (sres34), resnet50 (sres50). The
official names are mapped (stage1.block0.conv1.conv.weight -> layer1.0.conv1.weight) and the form is read
off them: a baseline, the ACB training form (convert it with leanconv convert; 1x3/3x1 branches on 5x5
convs are recognised), or the fused deploy form. The CIFAR models record ACNet's normalisation (0.5/0.5).`,
  recognizes: (head) => head.subarray(0, HDF5_SIGNATURE.length).equals(HDF5_SIGNATURE),
  read: importAcnetHdf5,
});

// Hostile and broken files (test/support/hostile-files.ts makes them): each command must end with exit != 0 and
// one clear line naming the file and the problem, quickly and without taking gigabytes first.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';

import h5wasm from 'h5wasm/node';

import '../src/papers/index.js';
import { createModel } from '../src/models/index.js';
import { saveCheckpoint } from '../src/convert/checkpoint.js';
import { pngHeader, torchFileCases } from './support/hostile-files.js';
import { tempDir, writeMnistDir } from './helpers.js';

const CLI = join(import.meta.dirname, '..', 'src', 'cli', 'main.js');
const RSS = join(import.meta.dirname, 'support', 'report-rss.js');
const FIXTURES = join(import.meta.dirname, '..', '..', 'test', 'fixtures');

// Bounds with room for a loaded 2-core CI machine: starting node with libtorch takes about 0.5 s and 200 MB.
const MAX_SECONDS = 8;
const MAX_RSS_MB = 700;

/** Runs the CLI; returns the exit status, stderr without the RSS line, seconds and peak RSS in MB. */
function runCli(args: string[]): { status: number | null; stderr: string; seconds: number; rssMb: number } {
  const start = performance.now();
  const r = spawnSync(process.execPath, ['--import', RSS, CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  const seconds = (performance.now() - start) / 1000;
  const rss = /maxrss-kb=(\d+)\n$/.exec(r.stderr);
  return { status: r.status, stderr: r.stderr.replace(/maxrss-kb=\d+\n$/, ''), seconds, rssMb: rss ? Number(rss[1]) / 1024 : Infinity };
}

function assertRefused(file: string, args: string[], error: RegExp): void {
  const r = runCli(args);
  assert.notEqual(r.status, 0, `${file}: exit status ${r.status}\n${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `${file}: one line expected, got:\n${r.stderr}`);
  assert.ok(lines[0]!.includes(file), `${file}: the message names the file: ${lines[0]}`);
  assert.match(lines[0]!, error);
  assert.ok(r.seconds < MAX_SECONDS, `${file}: took ${r.seconds.toFixed(1)} s`);
  assert.ok(r.rssMb < MAX_RSS_MB, `${file}: peak RSS ${r.rssMb.toFixed(0)} MB`);
}

describe('hostile and broken files', () => {
  const dir = tempDir('lc-hostile-');

  for (const c of torchFileCases()) {
    test(`leanconv import: ${c.name}`, () => {
      const file = join(dir, c.file);
      writeFileSync(file, c.bytes);
      assertRefused(file, ['import', file, '-m', 'resnet20', '-o', join(dir, `${c.file}.safetensors`)], c.error);
    });
  }

  test('leanconv import: a truncated HDF5 file gets one line (no HDF5-DIAG dump)', () => {
    const file = join(dir, 'truncated.hdf5');
    writeFileSync(file, readFileSync(join(FIXTURES, 'acnet-cfqk-base.hdf5')).subarray(0, 3000));
    assertRefused(file, ['import', file, '-m', 'cifar_quick', '-o', join(dir, 'h.safetensors')], /not a readable HDF5 file \(truncated file: eof = 3000/);
  });

  test('leanconv import: an 80 KB HDF5 file whose gzip dataset declares 80 MB is refused before it is read', async () => {
    const file = join(dir, 'bomb.hdf5');
    await h5wasm.ready;
    const f = new h5wasm.File(file, 'w');
    f.create_dataset({ name: 'conv1.conv.weight', data: new Float32Array(20_000_000), shape: [20_000_000], chunks: [1_000_000], compression: 9 });
    f.close();
    assert.ok(statSync(file).size < 200_000);
    assertRefused(file, ['import', file, '-m', 'cifar_quick', '-o', join(dir, 'b.safetensors')], /its datasets declare more than the \d+ bytes a weight file for this model may hold \('conv1\.conv\.weight' is \[20000000\]\)/);
  });

  test('leanconv train: an MNIST .gz whose data inflates past its header is refused before it is inflated', () => {
    const data = join(dir, 'mnist-bomb');
    mkdirSync(data);
    writeMnistDir(data, 10, 28);
    const header = readFileSync(join(data, 'train-images-idx3-ubyte')).subarray(0, 16);
    const file = join(data, 'train-images-idx3-ubyte.gz');
    writeFileSync(file, gzipSync(Buffer.concat([header, Buffer.alloc(100 << 20)])));
    rmSync(join(data, 'train-images-idx3-ubyte'));
    assertRefused(file, ['train', '-d', 'mnist', '--data-dir', data, '--epochs', '1', '--out-dir', join(dir, 'runs')], /decompresses to more than the 7856 bytes its header declares/);
  });

  test('leanconv info: a checkpoint whose metadata claims 2e7 classes, or a shape nested 100,000 deep, is refused before a model is built', () => {
    const model = createModel('cifar_quick');
    const good = join(dir, 'good.safetensors');
    saveCheckpoint(good, model, { model: 'cifar_quick', modelOptions: {}, epoch: 1 });
    model.dispose();
    const bytes = readFileSync(good);
    const length = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + length).toString()) as Record<string, { shape?: unknown }> & { __metadata__: Record<string, string> };
    const withHeader = (h: string): Buffer => {
      const json = Buffer.from(h);
      const size = Buffer.alloc(8);
      size.writeBigUInt64LE(BigInt(json.length));
      return Buffer.concat([size, json, bytes.subarray(8 + length)]);
    };
    const classes = join(dir, 'classes.safetensors');
    writeFileSync(classes, withHeader(JSON.stringify({ ...header, __metadata__: { ...header.__metadata__, model_options: '{"numClasses":20000000}' } })));
    assertRefused(classes, ['info', classes], /metadata model_options\.numClasses is 20000000: expected an integer from 1 to 1048576/);
    writeFileSync(classes, withHeader(JSON.stringify({ ...header, __metadata__: { ...header.__metadata__, model_options: '{"numClasses":500000}' } })));
    assertRefused(classes, ['info', classes], /metadata says 500000 classes but no tensor in the file has 500000 rows/);
    const deep = join(dir, 'deep.safetensors');
    const nested = `${'['.repeat(100_000)}1${']'.repeat(100_000)}`;
    writeFileSync(deep, withHeader(JSON.stringify({ ...header, 'features.0.weight': { ...header['features.0.weight'], shape: 'NESTED' } }).replace('"NESTED"', nested)));
    assertRefused(deep, ['info', deep], /tensor 'features\.0\.weight' has an invalid shape \[\[\[\[\[…\]\]\]\]\]/);
  });

  test('leanconv predict: a 1 KB PNG of 1x1,000,000 pixels and a 16000x16000 PNG header are refused before decoding', () => {
    for (const [name, w, h, error] of [['thin.png', 1_000_000, 1, /aspect ratio beyond 50:1/], ['huge.png', 16_000, 16_000, /256 megapixels\), more than the 50 megapixels/]] as const) {
      const file = join(dir, name);
      writeFileSync(file, pngHeader(w, h));
      assert.ok(pngHeader(w, h).length < 1024);
      assertRefused(file, ['predict', modelFor(dir), file], error);
    }
  });
});

let onnxFile: string | undefined;
/** A small exported model for predict (made once). */
function modelFor(dir: string): string {
  if (onnxFile) return onnxFile;
  onnxFile = join(dir, 'quick.onnx');
  const script = `
    import { createModel } from '${join(import.meta.dirname, '..', 'src', 'models', 'index.js')}';
    import { exportOnnx } from '${join(import.meta.dirname, '..', 'src', 'deploy', 'onnx.js')}';
    import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
    const m = createModel('cifar_quick');
    writeFileSync('${onnxFile}', exportOnnx(m, { inputShape: [3, 32, 32], metadata: { input: [3, 32, 32], classes: [...'0123456789'], preprocessing: [{ name: 'normalize', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] }] } }).bytes);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return onnxFile;
}

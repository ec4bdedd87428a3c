import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import '../src/papers/index.js';
import * as lc from '../src/engine/index.js';
import h5wasm from 'h5wasm/node';
import sharp from 'sharp';

import { buildModel, deployedCopy, type ModelForm } from '../src/convert/form.js';
import { importAcnetHdf5, readHdf5Datasets } from '../src/papers/acnet/interop.js';
import { importToCheckpoint, importTorchWeights } from '../src/interop/import.js';
import { unpickle } from '../src/util/pickle.js';
import { readTorchFile, StoredTensor } from '../src/interop/torch-file.js';
import { createModel } from '../src/models/index.js';
import { loadModel, readCheckpointMeta } from '../src/convert/checkpoint.js';
import { assertClose, maxAbsDiff , tempDir } from './helpers.js';

// Files made by scripts/fixtures/torch_checkpoints.py with PyTorch (see its docstring for what each holds).
const FIXTURES = join(import.meta.dirname, '..', '..', 'test', 'fixtures');
const fixture = (name: string): string => join(FIXTURES, name);

/** The values the fixture script stored in tensor number i of the state dict (see its docstring). */
function expectedValues(i: number, t: lc.Tensor): lc.Tensor {
  if (t.dtype === 'int64') return lc.full(t.shape, i, { dtype: 'int64' });
  return lc.arange(0, t.numel, 1, { dtype: 'float64' }).mul(0.01).add(i).sin().float().reshape(t.shape);
}

function assertFixtureWeights(model: ReturnType<typeof createModel>): void {
  Object.entries(model.stateDict()).forEach(([name, t], i) => lc.tidy(() => {
    const want = expectedValues(i, t);
    assert.ok(t.equal(want), `${name} holds the stored values`);
  }));
}

describe('reading torch.save files without executing them', () => {
  test('zip format: a training wrapper with a DataParallel state dict is found, unwrapped and loaded exactly', () => {
    const r = importTorchWeights(fixture('resnet20-ddp.pth'), { model: 'resnet20' });
    assert.equal(r.foundAt, 'state_dict');
    assert.equal(r.strippedPrefix, true);
    assert.equal(r.tensors, Object.keys(r.model.stateDict()).length);
    assertFixtureWeights(r.model);
    r.model.dispose();
  });

  test('legacy format (PyTorch < 1.6): a bare state dict, a non-contiguous tensor, the class count from the classifier', () => {
    const r = importTorchWeights(fixture('resnet20-legacy.pth'), { model: 'resnet20' });
    assert.equal(r.foundAt, '');
    assert.equal(r.strippedPrefix, false);
    assert.equal(r.modelOptions.numClasses, 100);
    assertFixtureWeights(r.model);
    r.model.dispose();
  });

  test('the other values of the file come through as plain data', () => {
    const value = readTorchFile('x', new Uint8Array(readFileSync(fixture('resnet20-ddp.pth')))) as Map<string, unknown>;
    assert.equal(value.get('epoch'), 5);
    assert.equal(value.get('arch'), 'resnet20');
    assert.equal(value.get('best_prec1'), 91.25);
    const groups = (value.get('optimizer') as Map<string, unknown>).get('param_groups') as Map<string, unknown>[];
    assert.deepEqual([groups[0]!.get('lr'), groups[0]!.get('nesterov'), groups[0]!.get('params')], [0.1, true, [0, 1]]);
    assert.ok((value.get('state_dict') as Map<string, unknown>).get('module.conv1.weight') instanceof StoredTensor);
  });

  test('a pickle that calls os.system is refused with the name, and nothing runs', () => {
    const marker = '/tmp/leanconv-pwned';
    assert.equal(existsSync(marker), false, 'no marker before the test');
    assert.throws(() => importTorchWeights(fixture('malicious.pth'), { model: 'resnet20' }), (err: Error) => {
      assert.match(err.message, /malicious\.pth: refused to load the Python global '(posix|os)\.system'/);
      return true;
    });
    assert.equal(existsSync(marker), false, 'the payload did not run');
  });

  test('LONG1/LONG4 integers: two\'s complement, little-endian, beyond 2^53 as bigint', () => {
    const none = { resolveGlobal: (m: string, n: string): never => { throw new Error(`${m}.${n}`); } };
    const long1 = (...bytes: number[]): unknown => unpickle(Uint8Array.from([0x80, 0x02, 0x8a, bytes.length, ...bytes, 0x2e]), none).value;
    assert.equal(long1(0xff), -1);
    assert.equal(long1(0x00, 0x80), -32768);
    assert.equal(long1(0xff, 0x7f), 32767);
    assert.equal(long1(0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19), 0x1950a86a20f9469cfc6cn, "torch.save's magic number");
    assert.equal(long1(0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80), -(2n ** 71n) + 1n);
    assert.equal(long1(), 0);
  });

  test('refused globals name themselves; a pickled model class gets the state_dict hint', () => {
    // protocol 2: GLOBAL 'builtins\neval\n', then STOP
    const evalPickle = Uint8Array.from([0x80, 0x02, 0x63, ...Buffer.from('builtins\neval\n'), 0x2e]);
    assert.throws(() => unpickle(evalPickle, { resolveGlobal: (m, n) => { throw new Error(`refused ${m}.${n}`); } }), /refused builtins\.eval/);
    const dir = tempDir('lc-import-');
    const modelPickle = Uint8Array.from([0x80, 0x02, 0x63, ...Buffer.from('torch.nn.modules.conv\nConv2d\n'), 0x2e]);
    const file = join(dir, 'model.pth');
    // A legacy-format header (magic, protocol, sys info) followed by the pickled class.
    const header = readFileSync(fixture('resnet20-legacy.pth')).subarray(0, legacyHeaderLength(readFileSync(fixture('resnet20-legacy.pth'))));
    writeFileSync(file, Buffer.concat([header, modelPickle]));
    assert.throws(() => importTorchWeights(file, { model: 'resnet20' }), /torch\.nn\.modules\.conv\.Conv2d'.*pickled model object, not a state dict/s);
  });

  test('clear errors: not a checkpoint, truncated, wrong model, no state dict', () => {
    const dir = tempDir('lc-import-');
    const text = join(dir, 'notes.pth');
    writeFileSync(text, 'hello');
    assert.throws(() => importTorchWeights(text, { model: 'resnet20' }), /notes\.pth: not a PyTorch checkpoint/);
    const legacy = readFileSync(fixture('resnet20-legacy.pth'));
    const cut = join(dir, 'cut.pth');
    writeFileSync(cut, legacy.subarray(0, legacy.length - 1000));
    assert.throws(() => importTorchWeights(cut, { model: 'resnet20' }), /cut\.pth: truncated file/);
    const zipCut = join(dir, 'zipcut.pth');
    writeFileSync(zipCut, readFileSync(fixture('resnet20-ddp.pth')).subarray(0, 5000));
    assert.throws(() => importTorchWeights(zipCut, { model: 'resnet20' }), /zipcut\.pth: /);
    assert.throws(() => importTorchWeights(fixture('resnet20-ddp.pth'), { model: 'resnet32' }), (err: Error) => {
      assert.match(err.message, /do not fit 'resnet32'/);
      assert.match(err.message, /missing from the file \(\d+\): layer1\.3\./);
      return true;
    });
    assert.throws(() => importTorchWeights(fixture('resnet20-ddp.pth'), { model: 'resnet20', modelOptions: { numClasses: 7 } }), /shape differs \(2\): fc\.weight: file \[10, 64\], model \[7, 64\]/);
  });

  test('import writes a checkpoint that loadModel (eval, convert, export) reads back', async () => {
    const dir = tempDir('lc-import-');
    const out = join(dir, 'resnet20.safetensors');
    (await importToCheckpoint(fixture('resnet20-legacy.pth'), out, { model: 'resnet20' })).model.dispose();
    const { model, meta } = loadModel(out);
    assert.equal(meta.model, 'resnet20');
    assert.equal(meta.modelOptions.numClasses, 100);
    assert.equal((meta.extra as { importedFrom: string }).importedFrom, fixture('resnet20-legacy.pth'));
    assertFixtureWeights(model);
    model.dispose();
  });
});

/** Byte length of the three header pickles of a legacy file (magic number, protocol, system info). */
function legacyHeaderLength(bytes: Uint8Array): number {
  const plain = { resolveGlobal: (m: string, n: string): never => { throw new Error(`${m}.${n}`); } };
  let end = 0;
  for (let i = 0; i < 3; i++) end = unpickle(bytes, plain, end).end;
  return end;
}

describe("ACNet's HDF5 weight files", () => {
  test("'+' in a dataset name is read back as '/' (ACNet's save_hdf5 writes '/' as '+')", async () => {
    const file = join(tempDir('lc-hdf5-'), 'plus.hdf5');
    await h5wasm.ready;
    const f = new h5wasm.File(file, 'w');
    f.create_dataset({ name: 'stem+conv1.weight', data: new Float32Array([1, 2, 3]), shape: [3] });
    f.close();
    const read = await readHdf5Datasets(file);
    assert.deepEqual([...read.keys()], ['stem/conv1.weight']);
    assert.deepEqual([...new Float32Array(read.get('stem/conv1.weight')!.bytes.buffer)], [1, 2, 3]);
  });

  // Names and shapes of the official models in their three builds, listed by the official code itself
  // (scripts/fixtures/acnet_hdf5.py), and a Cifar-quick saved and converted by the official pipeline.
  const officialKeys = JSON.parse(readFileSync(fixture('acnet-keys.json'), 'utf8')) as Record<string, Record<string, [string, number[]][]>>;
  const counterparts: Record<string, string> = { cfqkbnc: 'cifar_quick', src56: 'resnet56', vc: 'vgg16_cifar', wrnc16plain: 'wrn16_8' };
  const forms: Record<string, ModelForm> = { base: {}, acb: { acb: { gamma: 1 } }, deploy: { acb: { gamma: 1 }, deploy: true } };

  test('every official model, in every build, maps name for name and shape for shape onto its leanconv counterpart', async () => {
    for (const [official, builds] of Object.entries(officialKeys)) {
      for (const [build, keys] of Object.entries(builds)) {
        // An HDF5 file holding exactly the official names and shapes (zeros; only the mapping is under test).
        const dir = tempDir('lc-acnet-');
        const file = join(dir, `${official}-${build}.hdf5`);
        await writeHdf5(file, keys);
        const r = await importAcnetHdf5(file, { model: counterparts[official]! });
        assert.deepEqual(r.form, forms[build], `${official} ${build}: form read off the names`);
        assert.equal(r.tensors, keys.length);
        assert.equal(Object.keys(r.model.stateDict()).length, keys.length, `${official} ${build}: every leanconv tensor came from the file`);
        r.model.dispose();
      }
    }
  });

  test("the official ACB-form file, imported and converted by leanconv, equals the official converter's deploy file and the official deploy model's outputs", async () => {
    const dir = tempDir('lc-acnet-');
    const trained = join(dir, 'acb.safetensors');
    const r = await importToCheckpoint(fixture('acnet-cfqk-acb.hdf5'), trained, { model: 'cifar_quick' });
    assert.deepEqual(r.form, { acb: { gamma: 1 } });
    // ACNet's CIFAR loader normalises with 0.5 / 0.5, not CIFAR-10's statistics: the checkpoint records it for eval, export and predict.
    assert.deepEqual(readCheckpointMeta(trained).extra!.preprocessing, [{ name: 'normalize', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] }]);
    // The values land where the official names say: ACNet's conv2.acb.ver_conv is leanconv's features.4.ver_conv.
    const stored = await readHdf5Datasets(fixture('acnet-cfqk-acb.hdf5'));
    const ver = stored.get('conv2.acb.ver_conv.weight')!;
    assert.deepEqual([...r.model.stateDict()['features.4.ver_conv.weight']!.data()], [...new Float32Array(ver.bytes.buffer, ver.bytes.byteOffset, ver.numel)]);
    const deployed = deployedCopy(r.model, () => buildModel('cifar_quick', r.modelOptions, r.form));
    r.model.dispose();
    const official = await importAcnetHdf5(fixture('acnet-cfqk-deploy.hdf5'), { model: 'cifar_quick' });
    assert.deepEqual(official.form, { acb: { gamma: 1 }, deploy: true });
    const ours = deployed.stateDict();
    for (const [k, t] of Object.entries(official.model.stateDict())) {
      const scale = Math.max(1, t.abs().max().item());
      assert.ok(maxAbsDiff(ours[k]!, t) <= 1e-5 * scale, `${k}: leanconv's fusion differs from ACNet's convert_acnet_weights`);
    }
    const probe = JSON.parse(readFileSync(fixture('acnet-cfqk-probe.json'), 'utf8')) as { logits: number[][] };
    const x = lc.linspace(-1, 1, 2 * 3 * 32 * 32).reshape([2, 3, 32, 32]);
    official.model.eval();
    assertClose(lc.noGrad(() => official.model.forward(x)), probe.logits, 1e-5, 'the official deploy model on the probe input');
    official.model.dispose();
    deployed.dispose();
  });

  test('a baseline file imports into the base form; wrong models and broken files are refused with the reason', async () => {
    const base = await importAcnetHdf5(fixture('acnet-cfqk-base.hdf5'), { model: 'cifar_quick' });
    assert.deepEqual(base.form, {});
    base.model.dispose();
    await assert.rejects(importAcnetHdf5(fixture('acnet-cfqk-base.hdf5'), { model: 'resnet20' }), /'resnet20' has none \(cifar_quick \(ACNet's cfqkbnc\)/);
    await assert.rejects(importAcnetHdf5(fixture('acnet-cfqk-base.hdf5'), { model: 'vgg16_cifar' }), /names are not those of ACNet's vc/);
    const dir = tempDir('lc-acnet-');
    const truncated = join(dir, 'truncated.hdf5');
    writeFileSync(truncated, readFileSync(fixture('acnet-cfqk-base.hdf5')).subarray(0, 4096));
    await assert.rejects(importToCheckpoint(truncated, join(dir, 'x.safetensors'), { model: 'cifar_quick' }), /truncated\.hdf5: (a damaged or truncated HDF5 file|not a readable HDF5 file)/);
    assert.ok(!existsSync(join(dir, 'x.safetensors')));
  });
});

/** An HDF5 file with one zero-filled float32 (int64 for counters) dataset per name, as ACNet writes them. */
async function writeHdf5(file: string, keys: [string, number[]][]): Promise<void> {
  await h5wasm.ready;
  const f = new h5wasm.File(file, 'w');
  try {
    for (const [name, shape] of keys) {
      const n = shape.reduce((a, b) => a * b, 1);
      const counter = name.endsWith('num_batches_tracked');
      f.create_dataset({ name: name.replace(/\//g, '+'), data: counter ? new BigInt64Array(Math.max(n, 1)) : new Float32Array(n), shape, dtype: counter ? '<q' : '<f' });
    }
  } finally {
    f.close();
  }
}

describe('leanconv import (CLI)', () => {
  test('writes a checkpoint and reports what it found; --model is required', async () => {
    const { spawnSync } = await import('node:child_process');
    const cli = join(import.meta.dirname, '..', 'src', 'cli', 'main.js');
    const out = join(tempDir('lc-import-'), 'r20.safetensors');
    const ok = spawnSync(process.execPath, [cli, 'import', fixture('resnet20-ddp.pth'), '--model', 'resnet20', '--out', out, '--json'], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    const report = JSON.parse(ok.stdout) as { tensors: number; foundAt: string; strippedPrefix: boolean };
    assert.deepEqual([report.foundAt, report.strippedPrefix], ['state_dict', true]);
    assert.ok(existsSync(out));
    const usage = spawnSync(process.execPath, [cli, 'import', fixture('resnet20-ddp.pth')], { encoding: 'utf8' });
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /--model is required/);
  });

  test("an ACNet training-form file imports, converts to the deploy form and exports: import -> convert -> predict", async () => {
    const { spawnSync } = await import('node:child_process');
    const cli = join(import.meta.dirname, '..', 'src', 'cli', 'main.js');
    const dir = tempDir('lc-import-');
    const run = (...args: string[]): string => {
      const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${args.join(' ')}:\n${r.stderr}`);
      return r.stdout;
    };
    const report = JSON.parse(run('import', fixture('acnet-cfqk-acb.hdf5'), '--model', 'cifar_quick', '--out', join(dir, 'acb.safetensors'), '--json')) as { foundAt: string; tensors: number };
    assert.deepEqual([report.foundAt, report.tensors], ['ACNet cfqkbnc', 58]);
    run('convert', join(dir, 'acb.safetensors'), '--out', join(dir, 'deploy.safetensors'));
    const { model, meta } = loadModel(join(dir, 'deploy.safetensors'));
    assert.equal(meta.form?.deploy, true);
    const probe = JSON.parse(readFileSync(fixture('acnet-cfqk-probe.json'), 'utf8')) as { logits: number[][] };
    assertClose(lc.noGrad(() => model.eval().forward(lc.linspace(-1, 1, 6144).reshape([2, 3, 32, 32]))), probe.logits, 1e-4, "leanconv's converted model vs the official deploy model");
    model.dispose();
    // eval normalises as ACNet trained (0.5/0.5, recorded by the import), not with the dataset's statistics; --mean/--std replace it.
    const lossWith = (...extra: string[]): number =>
      (JSON.parse(run('eval', join(dir, 'acb.safetensors'), '--dataset', 'fashion-mnist', '--batch-size', '1000', '--workers', '0', '--json', ...extra)) as { loss: number }).loss;
    const recorded = lossWith();
    assert.equal(lossWith('--mean', '0.5,0.5,0.5', '--std', '0.5,0.5,0.5'), recorded);
    assert.notEqual(lossWith('--mean', '0.286,0.286,0.286', '--std', '0.353,0.353,0.353'), recorded);
    // export writes the recorded normalisation into the ONNX metadata (or --mean/--std's), and predict applies it (or its own --mean/--std).
    const image = join(dir, 'photo.png');
    await sharp(Buffer.from(Array.from({ length: 40 * 30 * 3 }, (_, i) => (i * 37) % 256)), { raw: { width: 40, height: 30, channels: 3 } }).png().toFile(image);
    const cifar = ['--mean', '0.4914,0.4822,0.4465', '--std', '0.247,0.2435,0.2616'];
    run('export', join(dir, 'deploy.safetensors'), '-o', join(dir, 'acnet.onnx'));
    run('export', join(dir, 'deploy.safetensors'), '-o', join(dir, 'cifar.onnx'), ...cifar);
    const top = (onnx: string, ...extra: string[]): string => JSON.stringify((JSON.parse(run('predict', join(dir, onnx), image, '--top', '10', '--json', ...extra)) as { predictions: unknown }[])[0]!.predictions);
    const asRecorded = top('acnet.onnx');
    assert.equal(top('acnet.onnx', '--mean', '0.5,0.5,0.5', '--std', '0.5,0.5,0.5'), asRecorded);
    assert.notEqual(top('cifar.onnx'), asRecorded);
    assert.equal(top('acnet.onnx', ...cifar), top('cifar.onnx'));
  });
});

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import * as lc from '../src/engine/index.js';
import { importToCheckpoint, importTorchWeights } from '../src/interop/import.js';
import { unpickle } from '../src/interop/pickle.js';
import { readTorchFile, StoredTensor } from '../src/interop/torch-file.js';
import { createModel } from '../src/models/index.js';
import { loadModel } from '../src/train/checkpoint.js';

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

  test('refused globals name themselves; a pickled model class gets the state_dict hint', () => {
    // protocol 2: GLOBAL 'builtins\neval\n', then STOP
    const evalPickle = Uint8Array.from([0x80, 0x02, 0x63, ...Buffer.from('builtins\neval\n'), 0x2e]);
    assert.throws(() => unpickle(evalPickle, { resolveGlobal: (m, n) => { throw new Error(`refused ${m}.${n}`); } }), /refused builtins\.eval/);
    const dir = mkdtempSync(join(tmpdir(), 'lc-import-'));
    const modelPickle = Uint8Array.from([0x80, 0x02, 0x63, ...Buffer.from('torch.nn.modules.conv\nConv2d\n'), 0x2e]);
    const file = join(dir, 'model.pth');
    // A legacy-format header (magic, protocol, sys info) followed by the pickled class.
    const header = readFileSync(fixture('resnet20-legacy.pth')).subarray(0, legacyHeaderLength(readFileSync(fixture('resnet20-legacy.pth'))));
    writeFileSync(file, Buffer.concat([header, modelPickle]));
    assert.throws(() => importTorchWeights(file, { model: 'resnet20' }), /torch\.nn\.modules\.conv\.Conv2d'.*pickled model object, not a state dict/s);
  });

  test('clear errors: not a checkpoint, truncated, wrong model, no state dict', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-import-'));
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

  test('import writes a checkpoint that loadModel (eval, convert, export) reads back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-import-'));
    const out = join(dir, 'resnet20.safetensors');
    importToCheckpoint(fixture('resnet20-legacy.pth'), out, { model: 'resnet20' }).model.dispose();
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

describe('leanconv import (CLI)', () => {
  test('writes a checkpoint and reports what it found; --model is required', async () => {
    const { spawnSync } = await import('node:child_process');
    const cli = join(import.meta.dirname, '..', 'src', 'cli', 'main.js');
    const out = join(mkdtempSync(join(tmpdir(), 'lc-import-')), 'r20.safetensors');
    const ok = spawnSync(process.execPath, [cli, 'import', fixture('resnet20-ddp.pth'), '--model', 'resnet20', '--out', out, '--json'], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    const report = JSON.parse(ok.stdout) as { tensors: number; foundAt: string; strippedPrefix: boolean };
    assert.deepEqual([report.foundAt, report.strippedPrefix], ['state_dict', true]);
    assert.ok(existsSync(out));
    const usage = spawnSync(process.execPath, [cli, 'import', fixture('resnet20-ddp.pth')], { encoding: 'utf8' });
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /--model is required/);
  });
});

// Importing checkpoint files made the way users make them: test/support/torch_user_files.py saves models with
// PyTorch's own torch.save (bare state dicts carrying `_metadata`, training wrappers with optimizer state,
// DataParallel / DDP prefixes, the legacy format) and records PyTorch's logits on a fixed input. Each file must
// import through `leanconv import` and give the same logits, and the checkpoint must say what the model takes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';

import '../src/papers/index.js';
import * as lc from '../src/engine/index.js';
import { exportCheckpoint } from '../src/deploy/pipeline.js';
import { OnnxModel } from '../src/deploy/runtime.js';
import { importTorchWeights } from '../src/interop/import.js';
import { pythonAttributes } from '../src/util/pickle.js';
import { readTorchFile } from '../src/interop/torch-file.js';
import { loadModel } from '../src/convert/checkpoint.js';
import { assertClose, tempDir } from './helpers.js';

const CLI = join(import.meta.dirname, '..', 'src', 'cli', 'main.js');
const SCRIPT = join(import.meta.dirname, '..', '..', 'test', 'support', 'torch_user_files.py');
// Debian's python3-torch (scripts/install-system-deps.sh installs it); /usr/bin/python3 is Debian's interpreter.
const PYTHON = '/usr/bin/python3';

interface Expected { model: string; classes: number; size: number; logits: number[][] }

/** The fixed input of the Python script: sin(linspace(-2, 2, n)) as [2, 3, size, size]. */
const fixedInput = (size: number): lc.Tensor => lc.linspace(-2, 2, 2 * 3 * size * size).reshape([2, 3, size, size]).sin();

describe('importing files saved by torch.save', () => {
  const dir = tempDir('lc-userfiles-');
  let expected: Record<string, Expected>;

  before(() => {
    const r = spawnSync(PYTHON, [SCRIPT, dir], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${SCRIPT} failed (Debian's python3-torch is needed: scripts/install-system-deps.sh installs it):\n${r.stderr}`);
    expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Record<string, Expected>;
    assert.equal(Object.keys(expected).length, 8);
  });

  test("a bare state dict keeps PyTorch's _metadata as an attribute, not as an entry", () => {
    const value = readTorchFile('resnet20.pth', new Uint8Array(readFileSync(join(dir, 'resnet20.pth')))) as Map<string, unknown>;
    assert.ok(value instanceof Map);
    assert.equal(value.has('_metadata'), false);
    assert.ok(pythonAttributes(value)?.get('_metadata') instanceof Map, '_metadata is kept aside');
    assert.equal([...(pythonAttributes(value)!.get('_metadata') as Map<string, unknown>).keys()][0], '', "the root module's entry");
  });

  test("every file imports with the CLI and gives PyTorch's logits on a fixed input", () => {
    for (const [file, e] of Object.entries(expected)) {
      const out = join(dir, `${file}.safetensors`);
      const r = spawnSync(process.execPath, [CLI, 'import', join(dir, file), '-m', e.model, '-o', out, '--json'], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${file}: ${r.stderr}`);
      const { model, meta } = loadModel(out);
      assert.equal(meta.modelOptions.numClasses ?? 10, e.classes, `${file}: class count`);
      model.eval();
      lc.tidy(() => assertClose(lc.noGrad(() => model.forward(fixedInput(e.size))), e.logits, 1e-4, file));
      model.dispose();
    }
  });

  test('imports record the input size, class names and preprocessing; export and predict use them', async () => {
    const out = join(dir, 'r18.safetensors');
    const r = spawnSync(process.execPath, [CLI, 'import', join(dir, 'resnet18-5classes.pth'), '-m', 'resnet18', '-o', out, '--classes', 'cat,dog,fox,owl,yak'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const info = spawnSync(process.execPath, [CLI, 'info', out], { encoding: 'utf8' });
    assert.match(info.stdout, /input \[1, 3, 224, 224\] -> output \[1, 5\]/);
    assert.match(info.stdout, /1,813,563,904/, 'MACs at 224 px');
    const exported = await exportCheckpoint(out);
    const session = await OnnxModel.load(exported.output);
    try {
      assert.deepEqual(session.inputShape, [3, 224, 224]);
      assert.deepEqual(session.classes, ['cat', 'dog', 'fox', 'owl', 'yak']);
      assert.deepEqual(session.metadata.preprocessing, [
        { name: 'resize', size: 256 }, { name: 'centerCrop', size: 224 }, { name: 'normalize', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
      ]);
      assert.deepEqual(session.metadataWarnings, []);
    } finally {
      await session.release();
    }
    // A CIFAR model gets CIFAR-10's normalisation unless --mean/--std say otherwise.
    const quick = join(dir, 'quick.safetensors');
    const q = spawnSync(process.execPath, [CLI, 'import', join(dir, 'cifar_quick.pth'), '-m', 'cifar_quick', '-o', quick, '--mean', '0.5,0.5,0.5', '--std', '0.5,0.5,0.5'], { encoding: 'utf8' });
    assert.equal(q.status, 0, q.stderr);
    const extra = loadModel(quick);
    extra.model.dispose();
    assert.deepEqual((extra.meta.extra as { preprocessing: unknown }).preprocessing, [{ name: 'normalize', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] }]);
    assert.deepEqual((extra.meta.extra as { classes: unknown }).classes, [...'0123456789']);
    assert.deepEqual((extra.meta.extra as { input: unknown }).input, [3, 32, 32]);
  });

  test('eval refuses a model whose classes are not the dataset\'s, and says how images are adapted', () => {
    const out = join(dir, 'r18-eval.safetensors');
    assert.equal(spawnSync(process.execPath, [CLI, 'import', join(dir, 'resnet18-5classes.pth'), '-m', 'resnet18', '-o', out], { encoding: 'utf8' }).status, 0);
    const r = spawnSync(process.execPath, [CLI, 'eval', out, '--dataset', 'fashion-mnist'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /the model has 5 outputs but fashion-mnist has 10 classes, so its predictions cannot be scored/);
    const quick = join(dir, 'quick-eval.safetensors');
    assert.equal(spawnSync(process.execPath, [CLI, 'import', join(dir, 'cifar_quick.pth'), '-m', 'cifar_quick', '-o', quick], { encoding: 'utf8' }).status, 0);
    const e = spawnSync(process.execPath, [CLI, 'eval', quick, '--dataset', 'fashion-mnist', '--json'], { encoding: 'utf8' });
    assert.equal(e.status, 0, e.stderr);
    assert.match(e.stderr, /note: fashion-mnist's images are brought to the model's 3x32x32 input: the gray channel copied to RGB, resized from 28x28 to 32x32/);
    assert.equal((JSON.parse(e.stdout) as { count: number }).count, 10_000);
  });

  test('a wrong class-name count or model is refused with the reason', () => {
    const r = spawnSync(process.execPath, [CLI, 'import', join(dir, 'resnet20.pth'), '-m', 'resnet20', '-o', join(dir, 'x.safetensors'), '--classes', 'a,b'], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /resnet20\.pth: its weights do not fit 'resnet20'.*shape differs \(2\): fc\.weight: file \[10, 64\], model \[2, 64\]/s);
    assert.throws(() => importTorchWeights(join(dir, 'resnet56-legacy.pth'), { model: 'resnet20' }), /not in the model \(\d+\): layer1\.3\./);
  });
});

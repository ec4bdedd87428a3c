// Fine-tuning from weights users have: files saved by torch.save (test/support/torch_user_files.py, Debian's
// python3-torch) into `leanconv train --init`, on a folder of the user's own images (Fashion-MNIST photographs
// written as PNG files) and on the built-in grayscale data; then eval, export and predict.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import sharp from 'sharp';
import '../src/papers/index.js';
import { getDatasetSpec, selectClasses } from '../src/data/datasets.js';
import * as lc from '../src/engine/index.js';
import { importTorchWeights } from '../src/interop/import.js';
import { getModelSpec } from '../src/models/index.js';
import { loadCheckpoint } from '../src/convert/checkpoint.js';
import { frozenModules, modelFromWeights } from '../src/train/fine-tune.js';
import { maxAbsDiff, tempDir } from './helpers.js';

const CLI = join(import.meta.dirname, '..', 'src', 'cli', 'main.js');
const SCRIPT = join(import.meta.dirname, '..', '..', 'test', 'support', 'torch_user_files.py');
const PYTHON = '/usr/bin/python3';
const leanconv = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

/** Fashion-MNIST test images of three classes as PNG files, <root>/{train,val}/<class>/<i>.png. */
async function writePhotoFolder(root: string, perClass: { train: number; val: number }): Promise<void> {
  const data = getDatasetSpec('fashion-mnist').load(getDatasetSpec('fashion-mnist').defaultDir!, 'test');
  if (data.kind !== 'memory') throw new Error('expected Fashion-MNIST in memory');
  const picked = { trouser: 1, sneaker: 7, bag: 8 };
  for (const [name, label] of Object.entries(picked)) {
    const indices = [...data.labels.keys()].filter((i) => data.labels[i] === label).slice(0, perClass.train + perClass.val);
    for (const [k, i] of indices.entries()) {
      const split = k < perClass.train ? 'train' : 'val';
      mkdirSync(join(root, split, name), { recursive: true });
      const pixels = Buffer.from(data.images.subarray(i * 784, (i + 1) * 784));
      await sharp(pixels, { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(join(root, split, name, `${k}.png`));
    }
  }
}

describe('fine-tuning from published weights (train --init)', () => {
  const dir = tempDir('lc-finetune-');
  const weights = join(dir, 'weights');

  before(() => {
    mkdirSync(weights);
    const r = spawnSync(PYTHON, [SCRIPT, weights], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${SCRIPT} failed:\n${r.stderr}`);
  });

  test('a torchvision-layout ResNet-18 .pth -> train --init on a 3-class image folder (new head, frozen stage 1) -> eval -> export -> predict', async () => {
    const photos = join(dir, 'photos');
    await writePhotoFolder(photos, { train: 20, val: 6 });
    const pth = join(weights, 'resnet18-5classes.pth');
    const r = leanconv('train', '-m', 'resnet18', '--init', pth, '-d', 'folder', '--data-dir', photos, '--input-size', '32', '-e', '1', '-b', '10',
      '--freeze', '1', '--backbone-lr-mult', '0.1', '--lr', '0.05', '--workers', '0', '--out-dir', dir, '--run-name', 'ft', '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /classifier 'fc' replaced for 3 classes \(the weights have 5\)/);
    const run = join(dir, 'ft');
    const source = importTorchWeights(pth, { model: 'resnet18' }).model;
    const tuned = loadCheckpoint(join(run, 'last.safetensors'));
    const before = source.stateDict();
    // Frozen (conv1, bn1, layer1): weights and batch-norm statistics as they were.
    for (const key of ['conv1.weight', 'bn1.weight', 'bn1.running_mean', 'layer1.1.conv2.weight', 'layer1.0.bn1.running_var']) {
      assert.equal(maxAbsDiff(tuned.state[key]!, before[key]!), 0, `${key} is frozen`);
    }
    // Trained (at a tenth of the rate) from the pretrained values, not from a fresh initialisation.
    const moved = maxAbsDiff(tuned.state['layer3.0.conv1.weight']!, before['layer3.0.conv1.weight']!);
    assert.ok(moved > 0 && moved < 0.05, `layer3 moved by ${moved}`);
    assert.deepEqual(tuned.state['fc.weight']!.shape, [3, 512]);
    assert.deepEqual(tuned.extra!.classes, ['bag', 'sneaker', 'trouser']);
    for (const t of [...Object.values(tuned.state)]) t.dispose();
    source.dispose();

    const ev = leanconv('eval', join(run, 'best.safetensors'), '--json');
    assert.equal(ev.status, 0, ev.stderr);
    assert.equal((JSON.parse(ev.stdout) as { count: number }).count, 18);
    const ex = leanconv('export', join(run, 'best.safetensors'), '-o', join(run, 'model.onnx'));
    assert.equal(ex.status, 0, ex.stderr);
    const pr = leanconv('predict', join(run, 'model.onnx'), join(photos, 'val', 'bag', '20.png'), '--json');
    assert.equal(pr.status, 0, pr.stderr);
    assert.match(pr.stdout, /"(bag|sneaker|trouser)"/);
  });

  test('grayscale data: the first conv is adapted (a gray image gives what its RGB copy gave); --acb keeps the pretrained function, then trains', async () => {
    const pth = join(weights, 'resnet20.pth');
    const spec = getModelSpec('resnet20');
    const source = importTorchWeights(pth, { model: 'resnet20' }).model.eval();
    const options = { numClasses: 10, inChannels: 1, inputSize: 28, args: {} };
    const plain = (await modelFromWeights(pth, 'resnet20', options, {})).model.eval();
    const acb = await modelFromWeights(pth, 'resnet20', options, { acb: { gamma: 1 / 3 } });
    assert.ok(acb.notes.some((n) => /adapted from 3 to 1 input channels/.test(n)), acb.notes.join('\n'));
    assert.ok(acb.notes.some((n) => /pretrained function preserved/.test(n)), acb.notes.join('\n'));
    assert.ok([...acb.model.namedModules()].some(([, m]) => m.constructor.name === 'ACBlock'), 'the ACNet form');
    acb.model.eval();
    lc.manualSeed(1);
    lc.noGrad(() => lc.tidy(() => {
      const gray = lc.randn([2, 1, 28, 28]);
      const expected = source.forward(lc.cat([gray, gray, gray], 1));
      assert.ok(maxAbsDiff(plain.forward(gray), expected) < 1e-4, `adapted conv: ${maxAbsDiff(plain.forward(gray), expected)}`);
      assert.ok(maxAbsDiff(acb.model.forward(gray), plain.forward(gray)) < 1e-5, `ACNet form: ${maxAbsDiff(acb.model.forward(gray), plain.forward(gray))}`);
    }));
    assert.throws(() => frozenModules(plain, spec, [4]), /has 3 stages \(layer1, layer2, layer3\)/);
    assert.deepEqual([...frozenModules(plain, spec, [1])].filter((p) => !p.includes('.')).sort(), ['bn1', 'conv1', 'layer1']);
    for (const m of [source, plain, acb.model]) m.dispose();

    const r = leanconv('train', '-m', 'resnet20', '--init', pth, '--acb', '--acb-gamma', '1/3', '-e', '1', '--train-subset', '200', '-b', '50',
      '--workers', '0', '--out-dir', dir, '--run-name', 'ft-acb', '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /first conv 'conv1' adapted from 3 to 1 input channels/);
    const result = JSON.parse(r.stdout) as { history: { test?: { top1: number } }[] };
    assert.ok(result.history.at(-1)!.test!.top1 >= 0, 'trained and evaluated');
    const converted = leanconv('convert', join(dir, 'ft-acb', 'last.safetensors'), '--json');
    assert.equal(converted.status, 0, converted.stderr);
  });

  test('weights that do not fit, and --init with --resume, are refused naming the problem', () => {
    const wrong = leanconv('train', '-m', 'resnet32', '--init', join(weights, 'resnet20.pth'), '-e', '1', '--out-dir', dir, '--run-name', 'wrong');
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /missing from the file/);
    const quick = leanconv('train', '-m', 'resnet20', '--init', join(weights, 'cifar_quick.pth'), '-e', '1', '--out-dir', dir, '--run-name', 'wrong2');
    assert.equal(quick.status, 1);
    assert.match(quick.stderr, /not in the model \(\d+\): features\.0\.weight/);
    const both = leanconv('train', '--resume', join(dir, 'ft-acb'), '--init', join(weights, 'resnet20.pth'));
    assert.notEqual(both.status, 0);
    assert.match(both.stderr, /--init/);
    // A leanconv checkpoint (here a run directory) of another model, and one in a form the run does not train.
    const other = leanconv('train', '-m', 'resnet32', '--init', join(dir, 'ft-acb'), '-e', '1', '--out-dir', dir, '--run-name', 'wrong3');
    assert.equal(other.status, 1);
    assert.match(other.stderr, /a checkpoint of 'resnet20', but this run trains 'resnet32'/);
    const form = leanconv('train', '-m', 'resnet20', '--init', join(dir, 'ft-acb', 'last.safetensors'), '-e', '1', '--out-dir', dir, '--run-name', 'wrong4');
    assert.equal(form.status, 1);
    assert.match(form.stderr, /the weights are in the 'acb' training form/);
    const absent = leanconv('train', '--init', join(dir, 'nope.pth'), '-e', '1');
    assert.equal(absent.status, 2);
    assert.match(absent.stderr, /nope\.pth does not exist/);
    assert.equal(JSON.parse(readFileSync(join(dir, 'ft-acb', 'config.json'), 'utf8')).init, join(weights, 'resnet20.pth'));
  });
});

describe('class subsets (--class-subset): a new task from some classes of a dataset', () => {
  test('images of the chosen classes only, labelled in the order given; the checkpoint is evaluated on them', () => {
    const spec = getDatasetSpec('fashion-mnist');
    const all = spec.load(spec.defaultDir!, 'test');
    const some = selectClasses(all, [9, 'Sneaker', 5]);
    assert.deepEqual(some.classes, ['Ankle boot', 'Sneaker', 'Sandal']);
    assert.equal(some.length, 3000);
    const first = [...all.labels.keys()].find((i) => all.labels[i] === 7)!;
    const at = [...some.labels.keys()].find((i) => some.labels[i] === 1)!;
    if (some.kind !== 'memory' || all.kind !== 'memory') throw new Error('in memory');
    assert.ok(Buffer.from(some.images.subarray(at * 784, (at + 1) * 784)).equals(Buffer.from(all.images.subarray(first * 784, (first + 1) * 784))), 'the first Sneaker');
    assert.throws(() => selectClasses(all, [10]), /no class 10 \(classes: 0 T-shirt\/top/);
    assert.throws(() => selectClasses(all, [1, 1]), /names each class once/);

    const dir = tempDir('lc-subset-');
    const r = leanconv('train', '-m', 'resnet20', '--class-subset', 'Sneaker,Bag', '-e', '1', '--train-subset', '100', '-b', '50', '--workers', '0',
      '--out-dir', dir, '--run-name', 'two', '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(loadCheckpoint(join(dir, 'two', 'last.safetensors')).state['fc.weight']!.shape, [2, 64]);
    const ev = leanconv('eval', join(dir, 'two', 'last.safetensors'), '--json');
    assert.equal(ev.status, 0, ev.stderr);
    assert.equal((JSON.parse(ev.stdout) as { count: number }).count, 2000);
  });
});

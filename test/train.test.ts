import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import * as lc from '../src/engine/index.js';
import { createModel } from '../src/models/index.js';
import { loadCheckpoint, loadModel } from '../src/train/checkpoint.js';
import { paramGroups } from '../src/train/param_groups.js';
import { Progress } from '../src/train/progress.js';
import { buildSchedule, sgdrCycle } from '../src/train/schedule.js';
import { train, TrainingError, type TrainHooks } from '../src/train/trainer.js';
import { writeMnistDir } from './helpers.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'lc-train-'));
const close = (a: number, b: number, tol = 1e-12): boolean => Math.abs(a - b) <= tol;
const silent: TrainHooks = { progress: new Progress(process.stderr, 15, false), log: () => undefined };

describe('LR schedules', () => {
  test('SGDR per epoch (T0=10, Tmult=2): HCGNet reference values and restarts', () => {
    const lr = buildSchedule({ name: 'sgdr', t0: 10, tmult: 2 }, { baseLr: 0.1, epochs: 1270, itersPerEpoch: 390 });
    assert.ok(close(lr(0, 0), 0.1));
    assert.ok(close(lr(9, 100), 0.1 * 0.5 * (1 + Math.cos((Math.PI * 9) / 10))));
    assert.ok(Math.abs(lr(9, 0) - 0.002447) < 1e-6);
    assert.ok(close(lr(10, 0), 0.1));
    for (const restart of [10, 30, 70, 150, 310, 630]) assert.equal(sgdrCycle(restart, 10, 2).tCur, 0, `restart at ${restart}`);
    assert.deepEqual(sgdrCycle(1269, 10, 2), { tCur: 639, tI: 640 });
  });

  test('cosine per iteration, multistep per epoch, linear warmup', () => {
    const cos = buildSchedule({ name: 'cosine' }, { baseLr: 0.2, epochs: 4, itersPerEpoch: 10 });
    assert.ok(close(cos(0, 0), 0.2));
    assert.ok(close(cos(2, 0), 0.1));
    assert.ok(close(cos(1, 5), 0.1 * (1 + Math.cos(Math.PI * 15 / 40))));
    const ms = buildSchedule({ name: 'multistep', milestones: [2, 3], gamma: 0.1 }, { baseLr: 1, epochs: 4, itersPerEpoch: 10 });
    assert.deepEqual([0, 1, 2, 3].map((e) => +ms(e, 5).toPrecision(6)), [1, 1, 0.1, 0.01]);
    const warm = buildSchedule({ name: 'constant' }, { baseLr: 0.4, epochs: 4, itersPerEpoch: 10, warmupEpochs: 1 });
    assert.ok(close(warm(0, 0), 0));
    assert.ok(close(warm(0, 5), 0.2));
    assert.ok(close(warm(1, 0), 0.4));
  });
});

describe('parameter groups', () => {
  test('default: no decay on biases and BN; ACNet rules: decay everything, 2x lr on biases incl. BN beta', () => {
    const model = createModel('cifar_quick');
    const plain = paramGroups(model, 0.1, { weightDecay: 5e-4 });
    const decayed = plain.find((g) => (g.weightDecay ?? 0) > 0)!;
    assert.ok(decayed.names.every((n) => n.endsWith('weight') && !n.startsWith('features.1')), 'only conv/linear weights decay');
    assert.ok(plain.find((g) => g.weightDecay === 0)!.names.includes('features.1.weight'), 'BN gamma is exempt');
    const acnet = paramGroups(model, 0.1, { weightDecay: 1e-4, decayBiasAndNorm: true, biasLrMultiplier: 2 });
    assert.ok(acnet.every((g) => g.weightDecay === 1e-4));
    const biasGroup = acnet.find((g) => g.lrMultiplier === 2)!;
    assert.equal(biasGroup.lr, 0.2);
    assert.deepEqual(biasGroup.names, ['features.1.bias', 'features.5.bias', 'features.9.bias', 'classifier.1.bias', 'classifier.3.bias']);
    model.dispose();
  });
});

describe('trainer', () => {
  // A tiny learnable task: 64 images of 8x8 whose label is the index mod 4 (pixel values encode the index).
  const data = tmp();
  writeMnistDir(data, 64, 8, 4);
  const base = { model: 'resnet20', dataset: 'mnist', dataDir: data, batchSize: 16, evalBatchSize: 32, lr: 0.05, workers: 0, threads: 1, seed: 3 };

  test('train 2 epochs == train 1, stop, resume 1: identical weights and optimizer state', async () => {
    const out = tmp();
    const full = await train({ ...base, epochs: 2, outDir: out, runName: 'full' }, silent);
    assert.equal(full.history.length, 2);
    await assert.rejects(train({ ...base, epochs: 2, outDir: out, runName: 'killed' }, {
      ...silent,
      onEpochEnd: (r) => {
        if (r.epoch === 1) throw new Error('simulated kill');
      },
    }), /simulated kill/);
    const resumed = await train({ resume: join(out, 'killed') }, silent);
    assert.equal(resumed.history.length, 2);
    const a = loadCheckpoint(join(out, 'full', 'last.safetensors'));
    const b = loadCheckpoint(join(out, 'killed', 'last.safetensors'));
    assert.equal(b.epoch, 2);
    assert.deepEqual(Object.keys(b.state), Object.keys(a.state));
    for (const [k, t] of Object.entries(a.state)) assert.ok(t.equal(b.state[k]!), `weights differ at ${k}`);
    for (const [k, t] of Object.entries(a.optimizer!.tensors)) assert.ok(t.equal(b.optimizer!.tensors[k]!), `optimizer state differs at ${k}`);
    assert.equal(resumed.history[1]!.eval_top1, full.history[1]!.eval_top1);
    const log = readFileSync(join(out, 'killed', 'log.jsonl'), 'utf8').trim().split('\n');
    assert.equal(log.length, 2, 'the resumed log has one line per epoch');
    assert.match(readFileSync(join(out, 'killed', 'log.csv'), 'utf8'), /^epoch,lr,train_loss/);
    const { model, meta } = loadModel(join(out, 'killed', 'best.safetensors'));
    assert.equal(meta.model, 'resnet20');
    assert.equal(model.numParameters(), createModel('resnet20', { inChannels: 1 }).numParameters());
    model.dispose();
  });

  test('a NaN loss stops training with a clear message and keeps the last good checkpoint', async () => {
    const out = tmp();
    let epochsDone = 0;
    await assert.rejects(train({ ...base, epochs: 3, lr: 1e30, outDir: out, runName: 'nan', schedule: { name: 'constant' } }, { ...silent, onEpochEnd: () => void epochsDone++ }), (err: Error) => {
      assert.ok(err instanceof TrainingError);
      assert.match(err.message, /the loss became (NaN|Infinity|-Infinity) at epoch \d+, batch \d+/);
      return true;
    });
    if (epochsDone > 0) {
      const ckpt = loadCheckpoint(join(out, 'nan', 'last.safetensors'));
      assert.equal(ckpt.epoch, epochsDone, 'the checkpoint is the last finished epoch');
    } else {
      assert.ok(!existsSync(join(out, 'nan', 'last.safetensors')));
    }
  });

  test('refuses to overwrite an existing run and reports unknown datasets', async () => {
    const out = tmp();
    await train({ ...base, epochs: 1, outDir: out, runName: 'once' }, silent);
    await assert.rejects(train({ ...base, epochs: 1, outDir: out, runName: 'once' }, silent), /already holds a run: resume it/);
    await assert.rejects(train({ ...base, dataset: 'cifar' }, silent), /unknown dataset 'cifar'; did you mean: cifar10, cifar100/);
    await assert.rejects(train({ resume: join(out, 'missing') }, silent), /does not exist/);
  });

  test('a short Fashion-MNIST run beats chance (10%) by a wide margin', async () => {
    // 6,000 training images, one epoch of Cifar-quick: far above chance in a few seconds.
    const dir = tmp();
    const { readIdx, encodeIdx } = await import('../src/data/index.js');
    const { writeFileSync } = await import('node:fs');
    const src = '/usr/share/datasets/fashion-mnist';
    for (const split of ['train', 't10k']) {
      const n = split === 'train' ? 6000 : 2000;
      const images = readIdx(`${src}/${split}-images-idx3-ubyte.gz`);
      const labels = readIdx(`${src}/${split}-labels-idx1-ubyte.gz`);
      writeFileSync(join(dir, `${split}-images-idx3-ubyte`), encodeIdx([n, 28, 28], images.data.subarray(0, n * 784)));
      writeFileSync(join(dir, `${split}-labels-idx1-ubyte`), encodeIdx([n], labels.data.subarray(0, n)));
    }
    const r = await train({ model: 'cifar_quick', dataset: 'fashion-mnist', dataDir: dir, epochs: 1, batchSize: 64, lr: 0.05, workers: 1, outDir: tmp() }, silent);
    assert.ok(r.final!.top1 > 0.6, `top-1 ${r.final!.top1}`);
    lc.emptyCache();
  });
});

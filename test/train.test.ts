import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import '../src/papers/index.js';
import * as lc from '../src/engine/index.js';
import { createModel } from '../src/models/index.js';
import { DataLoader, type Dataset } from '../src/data/index.js';
import * as nn from '../src/nn/index.js';
import { loadCheckpoint, loadModel } from '../src/convert/checkpoint.js';
import { evaluate, topkCorrect } from '../src/train/metrics.js';
import { paramGroups } from '../src/train/param_groups.js';
import { Progress } from '../src/train/progress.js';
import { buildSchedule, sgdrCycle } from '../src/train/schedule.js';
import { mixupBatch, train, TrainingError, type EpochRecord, type TrainHooks } from '../src/train/trainer.js';
import { undisposedTensors, writeMnistDir , tempDir } from './helpers.js';

const tmp = (): string => tempDir('lc-train-');
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
    // HCGNet-A2/A3: the 630-epoch schedule runs twice (the evident intent of the official line).
    const twice = buildSchedule({ name: 'sgdr', t0: 10, tmult: 2, repeatEvery: 630 }, { baseLr: 0.1, epochs: 1270, itersPerEpoch: 390 });
    for (const e of [0, 5, 29, 629]) assert.equal(twice(e + 630, 0), lr(e, 0), `epoch ${e + 630} repeats epoch ${e}`);
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
    // Warmup hands over to the schedule at its first iteration after warmup: on a cosine schedule that is
    // 0.1·(1 + cos(π·10/40)), not the base rate a one-iteration-late handover would give.
    const warmCos = buildSchedule({ name: 'cosine' }, { baseLr: 0.2, epochs: 4, itersPerEpoch: 10, warmupEpochs: 1 });
    assert.ok(close(warmCos(1, 0), 0.1 * (1 + Math.cos((Math.PI * 10) / 40))), `${warmCos(1, 0)}`);
    assert.ok(close(warmCos(0, 9), 0.2 * 0.9));
    const warmFrom = buildSchedule({ name: 'constant' }, { baseLr: 0.4, epochs: 4, itersPerEpoch: 10, warmupEpochs: 1, warmupStart: 0.25 });
    assert.ok(close(warmFrom(0, 0), 0.1) && close(warmFrom(0, 5), 0.25));
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

describe('metrics', () => {
  test('topkCorrect on known logits: ranks 1, 2, 3 and 1; k beyond the class count is clipped', () => {
    lc.tidy(() => {
      const logits = lc.tensor([[3, 1, 2], [0, 5, 1], [1, 2, 3], [2, 2.5, 0]]);
      const labels = lc.tensor([0, 2, 0, 1], { dtype: 'int64' });
      assert.deepEqual(topkCorrect(logits, labels, [1, 2, 3, 5]), [2, 3, 4, 4]);
    });
  });

  // Six-class "images" whose pixels are the logits: the model only flattens them.
  const pixels = [[255, 0, 0, 0, 0, 0], [0, 255, 200, 150, 100, 50], [0, 255, 200, 150, 100, 50], [10, 20, 30, 40, 50, 60]];
  const labels = [0, 5, 0, 4];
  const dataset: Dataset = {
    kind: 'memory', name: 'logits', classes: ['a', 'b', 'c', 'd', 'e', 'f'], shape: [1, 1, 6], length: 4,
    images: Uint8Array.from(pixels.flat()), labels: Int32Array.from(labels),
  };
  class Flatten extends nn.Module {
    forward(x: lc.Tensor): lc.Tensor { return x.flatten(1); }
  }

  test('evaluate: loss, top-1 and top-5 equal values computed by hand, over several batches', async () => {
    const loader = new DataLoader(dataset, { batchSize: 3, workers: 0 });
    const r = await evaluate(new Flatten(), loader);
    const expectedLoss = pixels.map((row, i) => {
      const z = row.map((v) => Math.fround(v / 255));
      const m = Math.max(...z);
      return m + Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0)) - z[labels[i]!]!;
    }).reduce((a, b) => a + b) / 4;
    assert.equal(r.count, 4);
    assert.equal(r.top1, 1 / 4, 'only sample 0 is right at top-1');
    assert.equal(r.top5, 3 / 4, 'sample 2\'s label is ranked 6th');
    assert.ok(Math.abs(r.loss - expectedLoss) < 1e-6, `loss ${r.loss} vs ${expectedLoss}`);
  });

  test('evaluate releases the batch when forward throws, and restores the training mode', async () => {
    class Broken extends nn.Module {
      forward(x: lc.Tensor): lc.Tensor {
        x.flatten(1);
        throw new Error('forward failed');
      }
    }
    const model = new Broken().train();
    const before = undisposedTensors();
    await assert.rejects(evaluate(model, new DataLoader(dataset, { batchSize: 2, workers: 0 })), /forward failed/);
    assert.equal(undisposedTensors(), before, 'no batch or intermediate tensor is left alive');
    assert.equal(model.training, true);
  });
});

describe('trainer', () => {
  // A tiny learnable task: 64 images of 8x8 whose label is the index mod 4 (pixel values encode the index).
  const data = tmp();
  writeMnistDir(data, 64, 8, 4);
  const base = { model: 'resnet20', dataset: 'mnist', dataDir: data, batchSize: 16, evalBatchSize: 32, lr: 0.05, workers: 0, threads: 1, seed: 3 };

  test('train 2 epochs == train 1, kill, resume 1 (2 loader workers, a torn log repaired): identical weights and log', async () => {
    const out = tmp();
    const full = await train({ ...base, epochs: 2, outDir: out, runName: 'full' }, silent);
    assert.equal(full.history.length, 2);
    await assert.rejects(train({ ...base, epochs: 2, outDir: out, runName: 'killed', workers: 2 }, {
      ...silent,
      onEpochEnd: (r) => {
        if (r.epoch === 1) throw new Error('simulated kill');
      },
    }), /simulated kill/);
    // A kill between writing epoch 2's log line and its checkpoint leaves a line with no checkpoint behind.
    const logFile = join(out, 'killed', 'log.jsonl');
    appendFileSync(logFile, `${JSON.stringify({ epoch: 2, lr: 1, train: { loss: 99, top1: 0 }, seconds: 0, imagesPerSecond: 0 })}\n`);
    appendFileSync(join(out, 'killed', 'log.csv'), '2,1,99,0,,,,0,0\n');
    const resumed = await train({ resume: join(out, 'killed'), workers: 2 }, silent);
    assert.equal(resumed.history.length, 2);
    assert.equal(resumed.trainedEpochs, 1);
    const a = loadCheckpoint(join(out, 'full', 'last.safetensors'));
    const b = loadCheckpoint(join(out, 'killed', 'last.safetensors'));
    assert.equal(b.epoch, 2);
    assert.equal(typeof a.rngState, 'string', 'the checkpoint records the generator state');
    assert.equal(b.rngState, a.rngState, 'the resumed run continued from the recorded generator state');
    assert.deepEqual(Object.keys(b.state), Object.keys(a.state));
    for (const [k, t] of Object.entries(a.state)) assert.ok(t.equal(b.state[k]!), `weights differ at ${k}`);
    for (const [k, t] of Object.entries(a.optimizer!.tensors)) assert.ok(t.equal(b.optimizer!.tensors[k]!), `optimizer state differs at ${k}`);
    assert.equal(resumed.final.top1, full.final.top1);
    const log = readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as EpochRecord);
    assert.deepEqual(log.map((r) => r.epoch), [1, 2], 'the torn line is replaced: one line per epoch');
    assert.deepEqual([log[1]!.train.loss, log[1]!.test!.top1], [full.history[1]!.train.loss, full.history[1]!.test!.top1]);
    const csv = readFileSync(join(out, 'killed', 'log.csv'), 'utf8').trim().split('\n');
    assert.equal(csv[0], 'epoch,lr,train_loss,train_top1,test_loss,test_top1,test_top5,seconds,images_per_second');
    assert.equal(csv.length, 3);
    assert.doesNotMatch(csv[2]!, /^2,1,99/);
    const { model, meta } = loadModel(join(out, 'killed', 'best.safetensors'));
    assert.equal(meta.model, 'resnet20');
    assert.equal(model.numParameters(), createModel('resnet20', { inChannels: 1 }).numParameters());
    model.dispose();
  });

  test('a NaN loss after the first epoch stops training and keeps the last good checkpoint', async () => {
    const out = tmp();
    // The LR is multiplied by 1e30 from the second epoch on.
    const diverging = { ...base, epochs: 3, outDir: out, runName: 'nan', schedule: { name: 'multistep' as const, milestones: [1], gamma: 1e30 } };
    await assert.rejects(train(diverging, silent), (err: Error) => {
      assert.ok(err instanceof TrainingError);
      assert.match(err.message, /the loss became (NaN|Infinity|-Infinity) at epoch 2, batch \d+ \(lr 5\.00e\+28\)/);
      assert.match(err.message, /last good checkpoint \(epoch 1\) is kept at .*last\.safetensors.*lower --lr/);
      return true;
    });
    assert.equal(loadCheckpoint(join(out, 'nan', 'last.safetensors')).epoch, 1);
    assert.equal(readFileSync(join(out, 'nan', 'log.jsonl'), 'utf8').trim().split('\n').length, 1);
  });

  test('a NaN loss in the first epoch leaves no run directory behind, and the name can be used again', async () => {
    const out = tmp();
    await assert.rejects(train({ ...base, epochs: 1, lr: 1e30, outDir: out, runName: 'nan', schedule: { name: 'constant' } }, silent), (err: Error) => {
      assert.match(err.message, /at epoch 1, batch \d+ \(lr 1\.00e\+30\).*No epoch had finished, so there is no checkpoint and the run directory was removed/);
      assert.doesNotMatch(err.message, /--resume/);
      return true;
    });
    assert.ok(!existsSync(join(out, 'nan')));
    const again = await train({ ...base, epochs: 1, outDir: out, runName: 'nan' }, silent);
    assert.equal(again.history.length, 1);
  });

  test('bad options fail before anything is created', async () => {
    const out = tmp();
    await assert.rejects(train({ ...base, labelSmoothing: 2, outDir: out, runName: 'bad' }, silent), /labelSmoothing must be in \[0, 1\), got 2/);
    await assert.rejects(train({ ...base, lr: -1, momentum: 1, outDir: out, runName: 'bad' }, silent), /lr must be a positive number, got -1; momentum must be in \[0, 1\)/);
    await assert.rejects(train({ ...base, dataset: 'folder', dataDir: undefined, outDir: out, runName: 'bad' }, silent), /dataset 'folder' needs a directory/);
    let started = false;
    await assert.rejects(train({ ...base, batchSize: 1000, outDir: out, runName: 'bad' }, { ...silent, onStart: () => void (started = true) }), /batch size 1000 is larger than the training set/);
    assert.equal(started, false, 'onStart (the CLI banner) comes only after validation');
    assert.deepEqual(readdirSync(out), []);
  });

  test("a paper's own settings are checked with the rest (ACNet's, registered by its folder)", async () => {
    const out = tmp();
    await assert.rejects(train({ ...base, acb: true, acbBranch: 2, acbGamma: Number.NaN, outDir: out, runName: 'bad' }, silent),
      /acbBranch must be an odd positive integer, got 2; acbGamma must be a number or 'square', got NaN/);
    assert.deepEqual(readdirSync(out), []);
  });

  test('resume refuses another model, form or recipe, and a file that is not a leanconv checkpoint', async () => {
    const out = tmp();
    await train({ ...base, epochs: 1, outDir: out, runName: 'r' }, silent);
    const run = join(out, 'r');
    await assert.rejects(train({ resume: run, lr: 0.2, mixupAlpha: 1 }, silent), /lr, mixupAlpha cannot be changed on resume \(only epochs, workers, threads, evalBatchSize, memoryFormat, device, checkpointEvery, onBadImage can\)/);
    const configFile = join(run, 'config.json');
    const recorded = readFileSync(configFile, 'utf8');
    const edit = (change: object): void => writeFileSync(configFile, JSON.stringify({ ...JSON.parse(recorded), ...change }));
    edit({ model: 'resnet32' });
    await assert.rejects(train({ resume: run }, silent), /holds a 'resnet20' model but the run config says 'resnet32'/);
    edit({ acb: true });
    await assert.rejects(train({ resume: run }, silent), /holds the base form but the run config trains the acb form/);
    writeFileSync(configFile, recorded);
    const plain = join(run, 'plain.safetensors');
    lc.saveSafetensors(plain, { w: lc.ones([2]) });
    await assert.rejects(train({ resume: plain }, silent), /plain\.safetensors: not a leanconv checkpoint/);
  });

  test('resuming a finished run reports its final accuracy; a larger --epochs extends it; a smaller one is refused', async () => {
    const out = tmp();
    const first = await train({ ...base, epochs: 1, outDir: out, runName: 'done' }, silent);
    const run = join(out, 'done');
    const again = await train({ resume: run }, silent);
    assert.equal(again.trainedEpochs, 0);
    assert.deepEqual(again.final, first.final, 'the final test figures of the finished run');
    const lines: string[] = [];
    const extended = await train({ resume: run, epochs: 2 }, { ...silent, log: (l) => void lines.push(l) });
    assert.equal(extended.trainedEpochs, 1);
    assert.deepEqual(extended.history.map((r) => r.epoch), [1, 2]);
    assert.ok(lines.some((l) => /extending .* from 1 epoch to 2: the cosine schedule now spans 2 epochs/.test(l)), lines.join('\n'));
    assert.equal((JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')) as { epochs: number }).epochs, 2);
    assert.equal(loadCheckpoint(join(run, 'last.safetensors')).epoch, 2);
    await assert.rejects(train({ resume: run, epochs: 1 }, silent), /has already trained 2 epochs; --epochs 1 would shorten it/);
  });

  test('a run logged in the earlier flat record layout (eval_top1, ...) still resumes and reports', async () => {
    const out = tmp();
    const first = await train({ ...base, epochs: 1, outDir: out, runName: 'legacy' }, silent);
    const r = first.history[0]!;
    const legacy = { epoch: 1, lr: r.lr, train_loss: r.train.loss, train_acc: r.train.top1, eval_loss: r.test!.loss, eval_top1: r.test!.top1, eval_top5: r.test!.top5, seconds: 1, images_per_second: 1 };
    writeFileSync(join(out, 'legacy', 'log.jsonl'), `${JSON.stringify(legacy)}\n`);
    const again = await train({ resume: join(out, 'legacy') }, silent);
    assert.equal(again.final.top1, first.final.top1);
    assert.equal(again.history[0]!.train.loss, r.train.loss);
  });

  test('mixup: lambda·x + (1 − lambda)·x[partner] from a seed, and a mixup run is reproducible and differs from plain training', async () => {
    lc.manualSeed(5);
    const x = lc.randn([6, 1, 3, 3]);
    const { mixed, lambda, partner } = mixupBatch(x, 1, 42);
    const perm = partner.toArray() as number[];
    assert.ok(lambda > 0 && lambda < 1, `lambda ${lambda}`);
    assert.deepEqual([...perm].sort(), [0, 1, 2, 3, 4, 5]);
    const flat = (t: lc.Tensor): number[][] => (t.toArray() as number[][][][]).map((s) => s.flat(2));
    const xs = flat(x);
    flat(mixed).forEach((row, i) => row.forEach((v, k) => {
      const want = lambda * xs[i]![k]! + (1 - lambda) * xs[perm[i]!]![k]!;
      assert.ok(Math.abs(v - want) < 1e-6, `sample ${i}, element ${k}: ${v} vs ${want}`);
    }));
    assert.equal(mixupBatch(x, 1, 42).lambda, lambda);
    assert.notEqual(mixupBatch(x, 1, 43).lambda, lambda);
    const out = tmp();
    const runs = [];
    for (const [name, mixupAlpha] of [['m1', 1], ['m2', 1], ['plain', 0]] as const) {
      runs.push(await train({ ...base, epochs: 1, mixupAlpha, outDir: out, runName: name }, silent));
    }
    const w = runs.map((r) => loadCheckpoint(join(r.runDir, 'last.safetensors')).state['fc.weight']!);
    assert.ok(w[0]!.equal(w[1]!), 'same seed, same mixup run');
    assert.ok(!w[0]!.equal(w[2]!), 'mixup changes what is learned');
    assert.notEqual(runs[0]!.history[0]!.train.loss, runs[2]!.history[0]!.train.loss);
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

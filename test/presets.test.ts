// The presets are the official recipes (../shared/notes/papers.md §1.7, §2.6, §3.5, §4.4-4.6), resolved the way
// `leanconv train --preset NAME -m MODEL` resolves them: the preset, the model's own values, explicit options on top.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import '../src/papers/index.js';
import { trainConfigFrom } from '../src/cli/train_options.js';
import { summarize } from '../src/experiments/common.js';
import { createModel } from '../src/models/index.js';
import type { TrainConfig } from '../src/train/config.js';
import { paramGroups } from '../src/train/param_groups.js';

const CLI = join(import.meta.dirname, '..', 'src', 'cli', 'main.js');
const resolve = (preset: string, model: string, extra: Record<string, unknown> = {}): Partial<TrainConfig> => trainConfigFrom({ preset, model, ...extra });

/** preset, model, the values papers.md gives for that row. */
const TABLE: [string, string, Partial<TrainConfig>][] = [
  // ACNet do_acnet (§2.6): batch, base lr, epochs, wd, gamma; SGD 0.9 without nesterov, decay on biases and BN, 2x bias lr, per-iteration cosine.
  ['acnet-cifar', 'cifar_quick', { batchSize: 128, lr: 0.1, epochs: 150, weightDecay: 1e-4, acbGamma: 1 / 3, nesterov: false, decayBiasAndNorm: true, biasLrMultiplier: 2, schedule: { name: 'cosine' } }],
  ['acnet-cifar', 'resnet56', { batchSize: 128, lr: 0.2, epochs: 400, weightDecay: 1e-4, acbGamma: 1 / 3 }],
  ['acnet-cifar', 'vgg16_cifar', { batchSize: 128, lr: 0.1, epochs: 400, weightDecay: 1e-4 }],
  ['acnet-cifar', 'wrn16_8', { batchSize: 128, lr: 0.1, epochs: 400, weightDecay: 5e-4 }],
  ['acnet-imagenet', 'resnet18', { batchSize: 256, lr: 0.1, epochs: 100, weightDecay: 1e-4, acbGamma: 1, biasLrMultiplier: 2, noDecayKeywords: ['depth'] }],
  // The deprecated lrs schedules the README commands name.
  ['acnet-cifar-lrs5', 'cifar_quick', { lr: 0.05, epochs: 200, schedule: { name: 'multistep', milestones: [50, 100, 150], gamma: 0.1 }, warmupEpochs: 5, batchSize: 64, decayBiasAndNorm: true, evalEvery: 2 }],
  ['acnet-cifar-lrs3', 'vgg16_cifar', { lr: 0.1, epochs: 800, schedule: { name: 'multistep', milestones: [200, 400, 600], gamma: 0.1 }, warmupEpochs: 5, batchSize: 64 }],
  ['acnet-cifar-lrs6', 'wrn16_8', { lr: 0.1, epochs: 360, schedule: { name: 'multistep', milestones: [90, 180, 240, 300], gamma: 0.2 }, weightDecay: 5e-4, batchSize: 128 }],
  // CondenseNet (§3.5).
  ['condensenet-cifar', 'condensenet86', { batchSize: 64, epochs: 300, lr: 0.1, nesterov: true, weightDecay: 1e-4, decayBiasAndNorm: true, schedule: { name: 'cosine' }, regularizers: {} }],
  ['condensenet-cifar', 'condensenet182', { epochs: 600 }],
  ['condensenet-imagenet', 'condensenet74_c4g4', { batchSize: 256, epochs: 120, regularizers: { groupLasso: 1e-5 } }],
  // HCGNet (§1.7): 1270 CIFAR epochs = 7 SGDR cycles from T0 = 10; A2/A3 repeat the 630-epoch schedule; ImageNet 630 epochs.
  ['hcgnet-cifar', 'hcgnet_a1', { batchSize: 128, epochs: 1270, lr: 0.1, nesterov: true, weightDecay: 1e-4, decayBiasAndNorm: true, mixupAlpha: 1, schedule: { name: 'sgdr', t0: 10, tmult: 2 } }],
  ['hcgnet-cifar', 'hcgnet_a3', { schedule: { name: 'sgdr', t0: 10, tmult: 2, repeatEvery: 630 } }],
  ['hcgnet-imagenet', 'hcgnet_b', { batchSize: 256, epochs: 630, weightDecay: 4e-5, mixupAlpha: 0.4, labelSmoothing: 0.1, labelSmoothingStyle: 'offTarget' }],
  // DGConv (§4.4-4.6): the README's result without the budget (maintainer, issue #4); the budgeted variant beside it.
  ['dgconv-imagenet', 'g_resnext50', { batchSize: 256, lr: 0.1, epochs: 120, schedule: { name: 'cosine' }, budgets: {} }],
  ['dgconv-imagenet-budget', 'g_resnext50', { epochs: 120, budgets: { connections: 32 } }],
];

describe('presets: the official recipes', () => {
  for (const [preset, model, expected] of TABLE) {
    test(`${preset} for ${model}`, () => {
      const config = resolve(preset, model);
      // As config.json records it (fields left undefined are not written).
      const recorded = JSON.parse(JSON.stringify(config)) as Partial<TrainConfig>;
      for (const [key, value] of Object.entries(expected)) assert.deepEqual(recorded[key as keyof TrainConfig], value, `${preset} ${model}: ${key}`);
      assert.equal(config.model, model);
    });
  }

  test('explicit options override a preset and its per-model values; recipe options combine with it', () => {
    const c = resolve('acnet-cifar', 'resnet56', { lr: '0.05', epochs: '3', acb: true, 'acb-branch': '3' });
    assert.equal(c.lr, 0.05);
    assert.equal(c.epochs, 3);
    assert.equal(c.acb, true);
    assert.equal(c.acbBranch, 3);
    assert.equal(c.acbGamma, 1 / 3, 'the preset\'s gamma stays');
    const g = resolve('condensenet-imagenet', 'condensenet74_c4g4', { 'group-lasso': '2e-5' });
    assert.deepEqual(g.regularizers, { groupLasso: 2e-5 });
  });

  test("ACNet's no_l2_keywords: MobileNetV1's depthwise weights get no weight decay, everything else the preset's", () => {
    const config = resolve('acnet-imagenet', 'mobilenet_v1') as TrainConfig;
    const model = createModel('mobilenet_v1');
    const groups = paramGroups(model, config.lr, config);
    const decayOf = (name: string): number | undefined => groups.find((g) => g.names.includes(name))!.weightDecay;
    assert.equal(decayOf('stem.0.depthwise.conv.weight'), 0);
    assert.equal(decayOf('stem.0.depthwise.bn.weight'), 0);
    assert.equal(decayOf('stem.0.pointwise.conv.weight'), 1e-4);
    assert.equal(decayOf('stem.0.pointwise.bn.bias'), 1e-4, 'biases and BN decayed (decayBiasAndNorm)');
    model.dispose();
  });

  test('leanconv train --preset list shows every preset with its source and per-model values', () => {
    const r = spawnSync(process.execPath, [CLI, 'train', '--preset', 'list'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    for (const [preset] of TABLE) assert.match(r.stdout, new RegExp(`^${preset}: `, 'm'));
    assert.match(r.stdout, /for resnet56: lr=0\.2/);
    assert.match(r.stdout, /source: DingXiaoH\/ACNet acnet\/do_acnet\.py/);
    const bad = spawnSync(process.execPath, [CLI, 'train', '--preset', 'acnet-cifar-lrs4'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown preset 'acnet-cifar-lrs4'/);
  });
});

describe('experiment --full: the paper\'s table rows at the whole recipe', () => {
  test('prints the expected wall time from steps timed here (--estimate stops there); refused where the paper has no recipe', () => {
    const r = spawnSync(process.execPath, [CLI, 'experiment', 'acnet', '--full', '--estimate', '-m', 'cifar_quick', '--threads', '1', '--json'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const e = JSON.parse(r.stdout) as { preset: string; epochs: number; runs: number; stepsPerEpoch: number; secondsPerStep: number; seconds: number; batchSize: number };
    assert.deepEqual([e.preset, e.epochs, e.runs, e.batchSize, e.stepsPerEpoch], ['acnet-cifar', 150, 2, 128, Math.floor(60000 / 128)]);
    assert.ok(e.secondsPerStep > 0);
    assert.ok(Math.abs(e.seconds - 2 * 150 * 468 * e.secondsPerStep) <= 1e-3 * e.seconds + 1);
    const text = spawnSync(process.execPath, [CLI, 'experiment', 'acnet', '--full', '--estimate', '-m', 'resnet56', '-e', '3', '--threads', '1'], { encoding: 'utf8' });
    assert.match(text.stdout, /preset acnet-cifar, resnet56 on fashion-mnist: 2 runs x 3 epochs x 468 steps of batch 128/);
    const none = spawnSync(process.execPath, [CLI, 'experiment', 'dgconv', '--full'], { encoding: 'utf8' });
    assert.equal(none.status, 2);
    assert.match(none.stderr, /experiment dgconv has no official whole recipe/);
    const alone = spawnSync(process.execPath, [CLI, 'experiment', 'acnet', '--estimate'], { encoding: 'utf8' });
    assert.equal(alone.status, 2);
  });
});

describe('the last-N averaging of the experiments\' tables', () => {
  test('the mean of the last K evaluations, over evaluated epochs only (ACNet README: the last ten, every two epochs)', () => {
    // 20 epochs evaluated every 2 epochs: top-1 = epoch / 100 on the evaluated ones.
    const history = Array.from({ length: 20 }, (_, i) => ({ epoch: i + 1, seconds: 3, ...((i + 1) % 2 === 0 ? { test: { top1: (i + 1) / 100 } } : {}) }));
    const r = summarize({ history, runDir: 'runs/x' } as unknown as Parameters<typeof summarize>[0], 10);
    assert.ok(Math.abs(r.top1Mean! - (2 + 4 + 6 + 8 + 10 + 12 + 14 + 16 + 18 + 20) / 10 / 100) < 1e-12);
    assert.equal(r.top1Last, 0.2);
    assert.equal(r.top1Best, 0.2);
    assert.equal(summarize({ history, runDir: 'runs/x' } as unknown as Parameters<typeof summarize>[0], 3).top1Mean, (0.16 + 0.18 + 0.2) / 3);
    assert.equal(r.minutes, 1);
  });
});

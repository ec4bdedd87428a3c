// The conversion check (leanconv convert, the experiments' agreement, export's ONNX check) must run the training
// form as written: with eval fusion on, a training-form block runs its own cached deploy form, and the check
// would compare the conversion with itself. test/support/corrupt-fusion.ts breaks the conversions by one weight;
// the CLI must then refuse.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import '../src/papers/index.js';
import { ACBlock } from '../src/papers/acnet/blocks.js';
import { DGConv2d } from '../src/papers/dgconv/blocks.js';
import { buildModel, deployedCopy } from '../src/convert/form.js';
import { loadMnistFormat } from '../src/data/datasets.js';
import { DataLoader } from '../src/data/loader.js';
import * as lc from '../src/engine/index.js';
import type * as nn from '../src/nn/index.js';
import { saveCheckpoint } from '../src/convert/checkpoint.js';
import { compareModels } from '../src/train/metrics.js';
import { randomizeBatchNorms, tempDir, writeMnistDir } from './helpers.js';

const CLI = join(import.meta.dirname, '..', 'src', 'cli', 'main.js');
const CORRUPT = join(import.meta.dirname, 'support', 'corrupt-fusion.js');

const convert = (file: string, corrupt: boolean) =>
  spawnSync(process.execPath, [...(corrupt ? ['--import', CORRUPT] : []), CLI, 'convert', file, '--out', `${file}.${corrupt ? 'bad' : 'good'}.safetensors`], { encoding: 'utf8' });

describe('the conversion check can fail', () => {
  const dir = tempDir('lc-convert-check-');
  const cases: [string, () => string][] = [
    ['ACNet form of ResNet-20', () => {
      lc.manualSeed(3);
      const form = { acb: { gamma: 1 / 3 } };
      const model = buildModel('resnet20', { inChannels: 1, inputSize: 16 }, form);
      randomizeBatchNorms(model);
      const file = join(dir, 'acb.safetensors');
      saveCheckpoint(file, model, { model: 'resnet20', modelOptions: { inChannels: 1, inputSize: 16 }, form, epoch: 1 });
      model.dispose();
      return file;
    }],
    ['G-ResNeXt-20 with learned groups', () => {
      lc.manualSeed(4);
      const options = { inChannels: 1, inputSize: 16, args: { blocks: [1, 1, 1] } };
      const model = buildModel('g_resnext20_cifar', options);
      randomizeBatchNorms(model);
      let bit = 0;
      for (const m of model.modules()) if (m instanceof DGConv2d) m.setGates(Array.from({ length: m.K }, () => (bit++ % 3 === 0 ? 0 : 1)));
      const file = join(dir, 'g.safetensors');
      saveCheckpoint(file, model, { model: 'g_resnext20_cifar', modelOptions: options, epoch: 1 });
      model.dispose();
      return file;
    }],
  ];
  for (const [name, make] of cases) {
    test(`${name}: the reference runs as written (a non-zero float difference), and a corrupted conversion is refused`, () => {
      const file = make();
      const good = convert(file, false);
      assert.equal(good.status, 0, good.stderr);
      const printed = /max \|output difference\| ([0-9.e+-]+) on a random batch/.exec(good.stdout);
      assert.ok(printed, good.stdout);
      const delta = Number(printed[1]);
      assert.ok(delta > 0 && delta < 1e-4, `as written vs fused: ${delta} (0 would mean both sides ran the fused kernel)`);
      const bad = convert(file, true);
      assert.equal(bad.status, 1, `the corrupted conversion was accepted:\n${bad.stdout}`);
      assert.match(bad.stderr, /the deploy form's outputs differ from the training form's by [0-9.e+-]+ \(> 0\.0001\); nothing was written/);
    });
  }
});

describe("the experiments' agreement runs the training form as written", () => {
  test('compareModels sees float rounding between an ACB form and its fused copy, and a broken fusion', async () => {
    const data = tempDir('lc-agreement-');
    writeMnistDir(data, 24, 16, 10, { randomPixels: 5 });
    lc.manualSeed(9);
    const form = { acb: { gamma: 1 } };
    const model = buildModel('cifar_quick', { inChannels: 1, inputSize: 16 }, form);
    randomizeBatchNorms(model);
    const loader = new DataLoader(loadMnistFormat(data, 'test'), { batchSize: 12, workers: 0 });
    const copy = (): nn.Module => deployedCopy(model, () => buildModel('cifar_quick', { inChannels: 1, inputSize: 16 }, form));
    const exact = copy();
    const agreement = await compareModels(model, exact, loader);
    assert.ok(agreement.maxAbsDiff > 0 && agreement.maxAbsDiff < 1e-4, `as written vs fused: ${agreement.maxAbsDiff}`);
    // The same check with a conversion that is off by one weight.
    const acb = ACBlock.prototype as unknown as { fusedKernel: () => [lc.Tensor, lc.Tensor] };
    const fusedKernel = acb.fusedKernel;
    acb.fusedKernel = function (this: ACBlock) {
      const [weight, bias] = fusedKernel.call(this);
      lc.noGrad(() => weight.narrow(0, 0, 1).add_(0.05));
      return [weight, bias];
    };
    try {
      const broken = copy();
      const r = await compareModels(model, broken, loader);
      assert.ok(r.maxAbsDiff > 1e-3, `a broken fusion must show: ${r.maxAbsDiff}`);
      broken.dispose();
    } finally {
      acb.fusedKernel = fusedKernel;
    }
    await loader.close();
    for (const m of [model, exact]) m.dispose();
  });
});


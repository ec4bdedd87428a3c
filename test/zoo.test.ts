// The comparison baselines of HCGNet's FGSM table and dissection chart, under torchvision's names: parameter counts
// (torchvision's published figures), state-dict names and shapes, forward shapes, declared stages.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import '../src/papers/index.js';
import * as lc from '../src/engine/index.js';
import * as nn from '../src/nn/index.js';
import { join } from 'node:path';
import { reparameterize } from '../src/convert/index.js';
import { DGConv2d } from '../src/papers/dgconv/index.js';
import { createModel, isStagedModel, ResNet } from '../src/models/index.js';
import { gBottleneckBlock } from '../src/papers/dgconv/index.js';
import { withoutEvalFusion } from '../src/nn/fusion.js';
import { loadModel, saveCheckpoint } from '../src/convert/checkpoint.js';
import { maxAbsDiff, randomizeBatchNorms, tempDir } from './helpers.js';

const COUNTS: Record<string, number> = {
  alexnet: 61_100_840, densenet121: 7_978_856, densenet169: 14_149_480, wide_resnet50_2: 68_883_240, resnext101_32x8d: 88_791_336,
};

const NAMES: Record<string, [string, number[]][]> = {
  alexnet: [['features.0.weight', [64, 3, 11, 11]], ['features.10.bias', [256]], ['classifier.1.weight', [4096, 9216]], ['classifier.6.weight', [1000, 4096]]],
  densenet169: [
    ['features.conv0.weight', [64, 3, 7, 7]], ['features.denseblock1.denselayer1.norm1.running_mean', [64]], ['features.denseblock1.denselayer1.conv1.weight', [128, 64, 1, 1]],
    ['features.denseblock1.denselayer6.conv2.weight', [32, 128, 3, 3]], ['features.transition1.conv.weight', [128, 256, 1, 1]],
    ['features.denseblock4.denselayer32.conv2.weight', [32, 128, 3, 3]], ['features.norm5.weight', [1664]], ['classifier.weight', [1000, 1664]],
  ],
  wide_resnet50_2: [['layer1.0.conv2.weight', [128, 128, 3, 3]], ['layer4.2.conv3.weight', [2048, 1024, 1, 1]], ['fc.weight', [1000, 2048]]],
  resnext101_32x8d: [['layer1.0.conv2.weight', [256, 8, 3, 3]], ['layer3.22.conv3.weight', [1024, 1024, 1, 1]], ['fc.weight', [1000, 2048]]],
};

describe('torchvision baselines', () => {
  for (const [name, count] of Object.entries(COUNTS)) {
    test(`${name}: ${count.toLocaleString('en-US')} parameters, torchvision's names`, () => {
      const model = createModel(name);
      assert.equal(model.numParameters(), count);
      const state = model.stateDict();
      for (const [key, shape] of NAMES[name] ?? []) assert.deepEqual(state[key]?.shape, shape, key);
      model.dispose();
    });
  }

  test('forward shapes at a small input, and DenseNet-169 declares its four stages', () => {
    for (const name of ['alexnet', 'densenet169']) {
      const model = createModel(name, { numClasses: 7 }).eval();
      const y = lc.noGrad(() => model.forward(lc.randn([2, 3, 96, 96])));
      assert.deepEqual(y.shape, [2, 7], name);
      y.dispose();
      if (name === 'densenet169') {
        assert.ok(isStagedModel(model));
        assert.deepEqual(model.featureInfo.map((f) => [f.channels, f.reduction]), [[256, 4], [512, 8], [1280, 16], [1664, 32]]);
        const maps = lc.noGrad(() => model.forwardIntermediates(lc.randn([1, 3, 64, 64])));
        assert.deepEqual(maps.map((m) => m.shape), [[1, 256, 16, 16], [1, 512, 8, 8], [1, 1280, 4, 4], [1, 1664, 2, 2]]);
      }
      model.dispose();
    }
  });
});

describe('configurable architectures', () => {
  test('wrn and hcgnet take their architecture as model args, defaults equal to the named models, and round-trip through checkpoints', () => {
    for (const [name, same] of [['wrn', 'wrn16_8'], ['hcgnet', 'hcgnet_a1']] as const) {
      const [a, b] = [createModel(name), createModel(same)];
      assert.equal(a.numParameters(), b.numParameters(), `${name} defaults = ${same}`);
      for (const m of [a, b]) m.dispose();
    }
    const dir = tempDir('lc-args-');
    for (const [name, args] of [['wrn', { depth: 10, widen: 2, dropout: 0.3 }], ['hcgnet', { growth: [8, 12], blocks: [2, 1] }]] as const) {
      lc.manualSeed(3);
      const model = createModel(name, { args });
      const path = join(dir, `${name}.safetensors`);
      saveCheckpoint(path, model, { model: name, modelOptions: { args }, epoch: 0 });
      const loaded = loadModel(path);
      assert.deepEqual(loaded.meta.modelOptions.args, args);
      const [x, y] = [model.stateDict(), loaded.model.stateDict()];
      assert.deepEqual(Object.keys(y), Object.keys(x));
      for (const k of Object.keys(x)) assert.ok(x[k]!.equal(y[k]!), `${name}: ${k}`);
      for (const m of [model, loaded.model]) m.dispose();
    }
    assert.throws(() => createModel('wrn', { args: { depth: 12 } }), /depth must be 6n\+4, got 12/);
    assert.throws(() => createModel('hcgnet', { args: { growth: [4, 6], blocks: [2] } }), /one of each per hybrid block/);
  });
});

describe("torchvision's ResNet options (also G-ResNeXt's)", () => {
  test('replace_stride_with_dilation keeps the resolution of the dilated stages; zero_init_residual zeroes every branch\'s last BN', () => {
    const model = createModel('resnet50', { args: { replaceStrideWithDilation: [0, 1, 1], zeroInitResidual: true } }).eval();
    assert.ok(isStagedModel(model));
    assert.deepEqual(model.featureInfo.map((f) => f.reduction), [4, 8, 8, 8]);
    const maps = lc.noGrad(() => model.forwardIntermediates(lc.randn([1, 3, 64, 64])));
    assert.deepEqual(maps.map((m) => m.shape.slice(2)), [[16, 16], [8, 8], [8, 8], [8, 8]]);
    const conv = model.getSubmodule('layer4.1.conv2') as unknown as { dilation: number[]; padding: number[] };
    assert.deepEqual([conv.dilation, conv.padding], [[4, 4], [4, 4]], 'layer4 after a dilated layer3: dilation 4');
    assert.deepEqual((model.getSubmodule('layer3.0.conv2') as unknown as { dilation: number[] }).dilation, [1, 1], "a dilated stage's first block keeps the previous dilation");
    const lastBns = [...model.namedModules()].filter(([path]) => path.endsWith('.bn3'));
    assert.equal(lastBns.length, 16);
    for (const [path, bn] of lastBns) assert.equal((bn as unknown as { weight: lc.Tensor }).weight.abs().sum().item(), 0, path);
    model.dispose();
    assert.throws(() => createModel('resnet50', { args: { replaceStrideWithDilation: [0, 2, 1] } }), /three 0\/1 flags/);
  });

  test('norm=gn: GroupNorm everywhere (zero_init_residual too), torchvision names, and a round trip through a checkpoint', () => {
    lc.manualSeed(5);
    const args = { norm: 'gn', gnGroups: 16, zeroInitResidual: true };
    const model = createModel('resnet50', { args });
    const norms = [...model.namedModules()].filter(([path]) => /(^|\.)bn\d$|downsample\.1$/.test(path));
    assert.ok(norms.length > 50 && norms.every(([, m]) => m instanceof nn.GroupNorm && m.numGroups === 16), 'every norm layer a GroupNorm(16)');
    for (const [path, bn] of norms.filter(([p]) => p.endsWith('.bn3'))) assert.equal((bn as nn.GroupNorm).weight!.abs().sum().item(), 0, path);
    const path = join(tempDir('lc-gn-'), 'gn.safetensors');
    saveCheckpoint(path, model, { model: 'resnet50', modelOptions: { args }, epoch: 0 });
    const loaded = loadModel(path);
    assert.deepEqual(loaded.meta.modelOptions.args, args);
    const x = lc.randn([1, 3, 64, 64]);
    const [a, b] = lc.noGrad(() => [model.eval().forward(x), loaded.model.eval().forward(x)]);
    assert.ok(a!.equal(b!), 'the loaded model computes what the saved one did');
    for (const m of [model, loaded.model]) m.dispose();
  });

  test('a dilated G-ResNeXt converts exactly: its deploy group convs keep the dilation', () => {
    lc.manualSeed(8);
    const model = new ResNet(gBottleneckBlock(32, 4), [1, 1, 1, 1], { numClasses: 10, inChannels: 3, inputSize: 64, args: {} }, { replaceStrideWithDilation: [false, true, true] });
    randomizeBatchNorms(model);
    for (const m of model.modules()) if (m instanceof DGConv2d) lc.noGrad(() => { for (const p of m.parameters()) if (p.ndim === 1 && p.shape[0]! <= 16) p.uniform_(-1, 1); });
    model.eval();
    const copy = new ResNet(gBottleneckBlock(32, 4), [1, 1, 1, 1], { numClasses: 10, inChannels: 3, inputSize: 64, args: {} }, { replaceStrideWithDilation: [false, true, true] });
    copy.loadStateDict(model.stateDict());
    const deployed = reparameterize(copy.eval());
    const x = lc.randn([2, 3, 64, 64]);
    const [written, fused] = lc.noGrad(() => [withoutEvalFusion(() => model.forward(x)), deployed.forward(x)]);
    const d = maxAbsDiff(written, fused);
    assert.ok(d < 1e-4 * Math.max(1, written.abs().max().item()), `max |diff| ${d}`);
    assert.deepEqual((deployed.getSubmodule('layer4.0.conv2') as unknown as { dilation: number[] }).dilation, [2, 2]);
    for (const m of [model, deployed]) m.dispose();
  });
});

// The comparison baselines of HCGNet's FGSM table and dissection chart, under torchvision's names: parameter counts
// (torchvision's published figures), state-dict names and shapes, forward shapes, declared stages.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as lc from '../src/engine/index.js';
import { createModel, isStagedModel } from '../src/models/index.js';

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

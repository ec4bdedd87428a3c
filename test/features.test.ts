// Declared stages (timm's feature_info / forward_intermediates): every family that declares them gives maps of the
// declared channels and strides, the same maps a hook on the declared modules catches in the model's own forward,
// and stops after the deepest stage asked for.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import '../src/papers/index.js';
import * as lc from '../src/engine/index.js';
import { acnetize } from '../src/papers/acnet/convert.js';
import { createModel, HookedFeatures, isStagedModel, type StagedModel } from '../src/models/index.js';
import { Module } from '../src/nn/module.js';
import { withoutEvalFusion } from '../src/nn/fusion.js';
import { maxAbsDiff, randomizeBatchNorms, undisposedTensors } from './helpers.js';

const SMALL: Record<string, { args?: Record<string, number | number[]>; input: [number, number, number] }> = {
  resnet20: { input: [3, 32, 40] },
  resnet18: { input: [3, 64, 96] },
  wrn16_8: { input: [3, 16, 24] },
  vgg16_cifar: { input: [3, 32, 32] },
  densenet_bc_100: { args: { stages: [2, 2, 2] }, input: [3, 16, 24] },
  condensenet: { args: { stages: [2, 2, 2] }, input: [3, 16, 24] },
  hcgnet_a1: { input: [3, 16, 24] },
  g_resnext20_cifar: { args: { blocks: [1, 1, 1] }, input: [3, 16, 24] },
};

class MustNotRun extends Module {
  forward(): lc.Tensor {
    throw new Error('a stage after the requested one ran');
  }
}

function build(name: string): Module & StagedModel {
  const model = createModel(name, { args: SMALL[name]!.args });
  assert.ok(isStagedModel(model), `${name} declares its stages`);
  randomizeBatchNorms(model);
  return model.eval();
}

describe('declared stages', () => {
  for (const name of Object.keys(SMALL)) {
    test(`${name}: maps of the declared channels and strides, equal to hooked outputs of the declared modules`, () => {
      lc.manualSeed(3);
      const model = build(name);
      const [c, h, w] = SMALL[name]!.input;
      const x = lc.randn([2, c, h, w]);
      const maps = lc.noGrad(() => lc.tidy(() => model.forwardIntermediates(x)));
      assert.deepEqual(maps.map((m) => m.shape), model.featureInfo.map((f) => [2, f.channels, h / f.reduction, w / f.reduction]));
      // The reference: the model's own forward as written, its declared modules' outputs caught by hooks.
      const reference = createModel(name, { args: SMALL[name]!.args });
      reference.loadStateDict(model.stateDict());
      const hooked = new HookedFeatures(reference.eval(), model.featureInfo.map((f) => f.module), [c, h, w]);
      const expected = lc.noGrad(() => lc.tidy(() => withoutEvalFusion(() => hooked.forwardOutputs(x))));
      maps.forEach((m, i) => assert.ok(maxAbsDiff(m, expected[i]!) < 1e-4, `${name} stage ${i}: ${maxAbsDiff(m, expected[i]!)}`));
      for (const t of [x, ...maps, ...expected]) t.dispose();
      for (const m of [model, hooked]) m.dispose();
    });
  }

  test('forwardIntermediates stops after the requested stage and leaks nothing', () => {
    const model = build('resnet20');
    const x = lc.randn([1, 3, 32, 32]);
    lc.noGrad(() => lc.tidy(() => void model.forwardIntermediates(x)));
    model.setSubmodule('layer3', new MustNotRun()).dispose();
    const before = undisposedTensors();
    lc.noGrad(() => lc.tidy(() => {
      const maps = model.forwardIntermediates(x, 1);
      assert.deepEqual(maps.map((m) => m.shape[1]), [16, 32]);
    }));
    assert.equal(undisposedTensors(), before);
    assert.throws(() => model.forwardIntermediates(x), /a stage after the requested one ran/);
    assert.throws(() => model.forwardIntermediates(x, 3), /stage 3 does not exist \(the model has 3 stages: 0-2\)/);
    x.dispose();
    model.dispose();
  });

  test('stages follow modules a converter replaced in place (the ACNet training form)', () => {
    lc.manualSeed(4);
    for (const name of ['densenet_bc_100', 'vgg16_cifar']) {
      const model = acnetize(build(name)) as Module & StagedModel;
      randomizeBatchNorms(model);
      model.eval();
      const [c, h, w] = SMALL[name]!.input;
      const x = lc.randn([1, c, h, w]);
      lc.noGrad(() => lc.tidy(() => {
        const last = model.forwardIntermediates(x).at(-1)!;
        const hooked = withoutEvalFusion(() => {
          const taps = new HookedFeatures(model, [model.featureInfo.at(-1)!.module], [c, h, w]);
          return taps.forwardOutputs(x)[0]!;
        });
        assert.ok(maxAbsDiff(last, hooked) < 1e-4, `${name}: ${maxAbsDiff(last, hooked)}`);
      }));
      x.dispose();
      model.dispose();
    }
  });
});

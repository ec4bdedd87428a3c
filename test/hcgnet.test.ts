import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';

import '../src/papers/index.js';
import { referenceCount } from '../src/analysis/index.js';
import { DropBlock2D, HCGTransition, LinearDropBlock, SGDRDropBlock, SMG } from '../src/papers/hcgnet/index.js';
import { exportOnnx } from '../src/deploy/onnx.js';
import { verifyOnnx } from '../src/deploy/pipeline.js';
import * as lc from '../src/engine/index.js';
import { createModel, type FeatureExtractor } from '../src/models/index.js';
import { type HCGNet } from '../src/papers/hcgnet/index.js';
import * as nn from '../src/nn/index.js';
import { restartCycle } from '../src/train/schedule.js';
import { maxAbsDiff, randomizeBatchNorms, undisposedTensors } from './helpers.js';

const F = lc.F;

describe('HCGNet blocks', () => {
  test('parameter counts of the modules (official code): SMG(24, k=12) 3,705; CIFAR transition 120 -> 60 70,638', () => {
    assert.equal(new SMG(24, 12).numParameters(), 3_705);
    assert.equal(new HCGTransition(120, 60, { dropBlock: true }).numParameters(), 70_638);
    const t = new HCGTransition(252, 126);
    assert.deepEqual([t.fc1.outChannels, t.fcall.outChannels], [31, 63], 'floor division of 126/4 and 252/4, as upstream');
  });

  test('SMG data flow equals the official formulation (2-way softmax, pooled contexts x H·W) on a non-square map', () => {
    lc.manualSeed(2);
    const smg = new SMG(8, 4, { groups: 2 });
    randomizeBatchNorms(smg);
    lc.noGrad(() => { for (const m of smg.modules()) if (m instanceof nn.BatchNorm1d) { m.running_mean.normal_(0, 0.2); m.running_var.uniform_(0.5, 2); } });
    smg.eval();
    const x = lc.randn([2, 8, 5, 7]);
    const out = lc.noGrad(() => smg.forward(x));
    const expected = lc.noGrad(() => lc.tidy(() => {
      const [n, h, w] = [2, 5, 7];
      const ctx = (t: lc.Tensor, conv: nn.Conv2d): lc.Tensor => {
        const weights = F.softmax(conv.forward(t).flatten(1), 1).reshape([n, 1, h, w]);
        return F.adaptiveAvgPool2d(t.mul(weights), 1).mul(h * w);
      };
      const bottleneck = (t: lc.Tensor, fc: nn.Conv2d, bn: nn.BatchNorm1d): lc.Tensor => bn.forward(fc.forward(t).flatten(1)).tanh().reshape([n, -1, 1, 1]);
      const s = smg.conv2_3x3.forward(smg.conv1_1x1.forward(x));
      const forget = smg.fc2.forward(bottleneck(ctx(s, smg.global_forget_context), smg.fc1, smg.bn_forget)).sigmoid();
      const c3 = ctx(smg.conv_3x3.forward(s), smg.global_context3x3);
      const c5 = ctx(smg.conv_5x5.forward(s), smg.global_context5x5);
      const z = bottleneck(lc.cat([c3, c5], 1), smg.fcall, smg.bn_attention);
      const both = F.softmax(lc.cat([smg.fc3x3.forward(z).flatten(1).unsqueeze(1), smg.fc5x5.forward(z).flatten(1).unsqueeze(1)], 1), 1);
      const w3 = both.select(1, 0).reshape([n, 4, 1, 1]);
      const w5 = both.select(1, 1).reshape([n, 4, 1, 1]);
      return lc.cat([x, s.mul(forget).add(w3.mul(c3)).add(w5.mul(c5))], 1);
    }));
    assert.deepEqual(out.shape, [2, 12, 5, 7]);
    assert.ok(maxAbsDiff(out, expected) < 1e-5, `differs by ${maxAbsDiff(out, expected)}`);
  });

  test('BatchNorm1d in training mode with a batch of 1 fails with a clear error, not a libtorch crash', () => {
    const smg = new SMG(8, 4).train();
    assert.throws(() => smg.forward(lc.randn([1, 8, 6, 6])), /BatchNorm1d: training mode needs more than one value per channel.*batch of at least 2, or eval\(\)/);
    assert.deepEqual(lc.tidy(() => smg.eval().forward(lc.randn([1, 8, 6, 6])).shape), [1, 12, 6, 6]);
  });

  test('DropBlock: identity in eval mode and at p = 0; blocks of bs x bs shared by the channels; output renormalised', () => {
    const drop = new DropBlock2D(0.3, 3);
    const x = lc.ones([4, 3, 16, 16]);
    assert.equal(lc.tidy(() => drop.eval().forward(x).sum().item()), x.numel);
    drop.train();
    drop.dropProb = 0;
    assert.equal(lc.tidy(() => drop.forward(x).sum().item()), x.numel);
    drop.dropProb = 0.3;
    lc.manualSeed(1);
    lc.tidy(() => {
      const y = drop.forward(x);
      const zeros = y.eq(0).to('float32');
      assert.ok(zeros.sum().item() > 0, 'something is dropped');
      assert.ok(zeros.select(1, 0).equal(zeros.select(1, 2)), 'the same positions in every channel');
      assert.ok(Math.abs(y.sum().item() - x.numel) < 1e-2 * x.numel, 'kept values are scaled so the sum is preserved');
    });
    // Even block sizes crop the padded max-pool back to H x W.
    assert.deepEqual(lc.tidy(() => new DropBlock2D(0.5, 2).forward(lc.ones([2, 1, 5, 6])).shape), [2, 1, 5, 6]);
  });

  test("the official LinearScheduler: 0 in the first epoch to 0.1 in the last (np.linspace over the epochs), chosen by model args", () => {
    const sched = new LinearDropBlock(3);
    const close = (a: number, b: number): boolean => Math.abs(a - b) < 1e-12;
    assert.ok(close(sched.probabilityAt(0, 11), 0));
    assert.ok(close(sched.probabilityAt(5, 11), 0.05));
    assert.ok(close(sched.probabilityAt(10, 11), 0.1));
    assert.ok(close(sched.probabilityAt(12, 11), 0.1), 'past the run: the last value');
    const model = createModel('hcgnet', { args: { dropblock: 'linear', dropblockSize: 3 } });
    const blocks = model.modules().filter((m): m is LinearDropBlock => m instanceof LinearDropBlock);
    assert.equal(blocks.length, 2, 'the two CIFAR transitions');
    assert.equal(model.modules().some((m) => m instanceof SGDRDropBlock), false);
    nn.broadcastProgress(model, nn.trainingProgress(2, 0, 5, 10));
    for (const b of blocks) {
      assert.ok(close(b.dropblock.dropProb, 0.05));
      assert.equal(b.dropblock.blockSize, 3);
    }
    model.dispose();
    assert.throws(() => createModel('hcgnet', { args: { dropblock: 'cosine' } }), /dropblock must be sgdr or linear/);
  });

  test('the drop probability follows the SGDR cycle of the epoch (0 at each restart, rising to 0.1), driven by training progress', () => {
    const sched = new SGDRDropBlock(2);
    const close = (a: number, b: number): boolean => Math.abs(a - b) < 1e-12;
    assert.ok(close(sched.probabilityAt(0), 0));
    assert.ok(close(sched.probabilityAt(5), 0.05));
    assert.ok(close(sched.probabilityAt(9), Math.abs(0.05 * (1 + Math.cos((Math.PI * 9) / 10)) - 0.1)));
    for (const restart of [10, 30, 70, 150]) assert.ok(close(sched.probabilityAt(restart), 0), `restart at ${restart}`);
    assert.ok(close(sched.probabilityAt(20), 0.05));
    const model = createModel('hcgnet_a1');
    nn.broadcastProgress(model, nn.trainingProgress(5, 0, 20, 10));
    const blocks = model.modules().filter((m): m is SGDRDropBlock => m instanceof SGDRDropBlock);
    assert.equal(blocks.length, 2, 'the two CIFAR transitions');
    for (const b of blocks) assert.ok(close(b.dropblock.dropProb, 0.05));
    // A run with its own SGDR schedule (T0 = 1, Tmult = 2) drives the cycle: epoch 2 is halfway through the 2nd cycle.
    const spec = { name: 'sgdr', t0: 1, tmult: 2 } as const;
    assert.deepEqual(restartCycle(spec, 2), { tCur: 1, tI: 2 });
    nn.broadcastProgress(model, nn.trainingProgress(2, 0, 3, 10, restartCycle(spec, 2)));
    for (const b of blocks) assert.ok(close(b.dropblock.dropProb, 0.05));
    nn.broadcastProgress(model, nn.trainingProgress(1, 0, 3, 10, restartCycle(spec, 1)));
    for (const b of blocks) assert.ok(close(b.dropblock.dropProb, 0), 'a restart');
    assert.equal(restartCycle({ name: 'cosine' }, 2), undefined);
    model.dispose();
  });
});

describe('HCGNet models', () => {
  test('parameter counts (official code)', () => {
    const expected: [string, number, number][] = [
      ['hcgnet_a1', 10, 1_065_301], ['hcgnet_a1', 100, 1_102_651], ['hcgnet_a2', 10, 3_069_149], ['hcgnet_a2', 100, 3_133_679],
      ['hcgnet_a3', 10, 11_239_897], ['hcgnet_a3', 100, 11_363_647], ['hcgnet_b', 1000, 12_845_501], ['hcgnet_c', 1000, 42_153_208],
    ];
    for (const [name, numClasses, params] of expected) {
      const m = createModel(name, { numClasses });
      assert.equal(m.numParameters(), params, `${name} (${numClasses} classes)`);
      m.dispose();
    }
  });

  test('stage shapes and official state-dict names (A1, B)', () => {
    const stages = (name: string, input: number[]): string[] => {
      const model = createModel(name) as HCGNet;
      model.eval();
      const shapes: string[] = [];
      lc.noGrad(() => lc.tidy(() => {
        let h = lc.randn([1, ...input]);
        for (const [child, m] of model.features.namedChildren()) {
          h = m.forward(h);
          if (/^(HybridBlock|Transition|hybridblock|transition)/.test(child)) shapes.push(`${h.size(1)}@${h.size(2)}`);
        }
      }));
      const keys = Object.keys(model.stateDict());
      model.dispose();
      return [...shapes, ...keys];
    };
    const a1 = stages('hcgnet_a1', [3, 32, 32]);
    assert.deepEqual(a1.slice(0, 5), ['120@32', '60@16', '252@16', '126@8', '414@8']);
    for (const k of ['features.conv0.weight', 'features.HybridBlock1.SMG1.conv1_1x1.norm.weight', 'features.HybridBlock1.SMG1.conv2_3x3.conv.weight',
      'features.HybridBlock1.SMG1.bn_attention.running_var', 'features.Transition1.global_forget_context.bias', 'features.norm5.weight', 'classifier.weight']) {
      assert.ok(a1.includes(k), `missing ${k}`);
    }
    const b = stages('hcgnet_b', [3, 224, 224]);
    assert.deepEqual(b.slice(0, 7), ['160@56', '80@28', '368@28', '184@14', '952@14', '476@7', '1244@7']);
    for (const k of ['features.norm0.running_mean', 'features.conv2.weight', 'features.hybridblock4.SMG8.fc5x5.weight', 'features.transition3.fc2.bias']) assert.ok(b.includes(k), `missing ${k}`);
  });

  test('the HCGNet FLOPs convention reproduces cal_multi_adds (A1 162,259,282; B 2,040,802,808) and names the dilation error', () => {
    for (const [name, input, flops] of [['hcgnet_a1', [3, 32, 32], 162_259_282], ['hcgnet_b', [3, 224, 224], 2_040_802_808]] as const) {
      const m = createModel(name);
      const r = referenceCount('hcgnet', m, input);
      assert.equal(r.flops, flops, name);
      assert.match(r.note!, /ignores dilation: [\d,]+ of these FLOPs/);
      m.dispose();
    }
  });

  test('ONNX export (spatial softmax, BN1d, gates, depthwise and dilated convs) matches libtorch on a non-square input', async () => {
    lc.manualSeed(3);
    const model = createModel('hcgnet_a1');
    randomizeBatchNorms(model);
    model.eval();
    const exported = exportOnnx(model, { inputShape: [3, 32, 40] });
    assert.ok(exported.ops.Softmax! > 0 && exported.ops.Tanh! > 0);
    for (const backend of ['node', 'web'] as const) {
      const { maxAbsDiff: d, scale } = await verifyOnnx(model, exported.bytes, [3, 32, 40], { backend });
      assert.ok(d < 1e-4 * Math.max(1, scale), `${backend}: ${d}`);
    }
    model.dispose();
  });
});

describe('multi-scale features (createModel(name, { features }))', () => {
  test('HCGNet-B: post-BN-ReLU hybrid-block outputs, 160/368/952/1244 channels at strides 4/8/16/32, non-square', () => {
    lc.manualSeed(5);
    const classifier = createModel('hcgnet_b') as HCGNet;
    randomizeBatchNorms(classifier);
    const backbone = createModel('hcgnet_b', { features: true }) as FeatureExtractor;
    assert.deepEqual(backbone.featureInfo.map((f) => [f.channels, f.reduction]), [[160, 4], [368, 8], [952, 16], [1244, 32]]);
    assert.deepEqual(backbone.featureInfo.map((f) => f.module),
      ['features.transition1.conv1_1x1.relu', 'features.transition2.conv1_1x1.relu', 'features.transition3.conv1_1x1.relu', 'features.relu5']);
    // The classifier's names minus the head: a classifier checkpoint loads as it is.
    const keys = Object.keys(classifier.stateDict());
    assert.deepEqual(Object.keys(backbone.stateDict()), keys.filter((k) => !k.startsWith('classifier.')));
    const { unexpected } = backbone.loadStateDict(classifier.stateDict(), { strict: false });
    assert.deepEqual(unexpected, ['classifier.weight', 'classifier.bias']);
    classifier.eval();
    backbone.eval();
    lc.noGrad(() => lc.tidy(() => {
      const x = lc.randn([2, 3, 64, 96]);
      const maps = backbone.forwardOutputs(x);
      assert.deepEqual(maps.map((m) => m.shape), [[2, 160, 16, 24], [2, 368, 8, 12], [2, 952, 4, 6], [2, 1244, 2, 3]]);
      // Stage 1 by hand: stem and hybrid block 1, then the BN and ReLU that open transition 1.
      let h = x;
      for (const name of ['conv0', 'norm0', 'relu0', 'conv1', 'norm1', 'relu1', 'conv2', 'norm2', 'relu2', 'pool0', 'hybridblock1']) h = classifier.features.getSubmodule(name).forward(h);
      const t1 = classifier.features.getSubmodule('transition1.conv1_1x1');
      assert.ok(maxAbsDiff(maps[0]!, F.relu(t1.getSubmodule('norm').forward(h))) < 1e-5);
      // The last map pooled and classified gives the classifier's logits.
      const logits = classifier.classifier.forward(maps[3]!.mean([2, 3]));
      assert.ok(maxAbsDiff(logits, classifier.forward(x)) < 1e-4);
      assert.ok(maxAbsDiff(backbone.forward(x), maps[3]!) === 0, 'forward() is the deepest map');
    }));
    for (const m of [classifier, backbone]) m.dispose();
  });

  test('HCGNet-A1 features (120@32, 252@16, 414@8), no tensor leaks, and ONNX export with one output per stage', async () => {
    lc.manualSeed(6);
    const backbone = createModel('hcgnet_a1', { features: true }) as FeatureExtractor;
    randomizeBatchNorms(backbone);
    assert.deepEqual(backbone.featureInfo.map((f) => [f.channels, f.reduction]), [[120, 1], [252, 2], [414, 4]]);
    backbone.eval();
    const x = lc.randn([2, 3, 32, 40]);
    // The first inference builds the cached per-layer values (each pre-activation BN's affine map, nn/fusion).
    lc.noGrad(() => lc.tidy(() => void backbone.forwardOutputs(x)));
    const before = undisposedTensors();
    lc.noGrad(() => lc.tidy(() => {
      backbone.forwardOutputs(x);
    }));
    assert.equal(undisposedTensors(), before, 'the maps belong to the caller\'s scope; intermediates are freed');
    x.dispose();
    const exported = exportOnnx(backbone, { inputShape: [3, 32, 40], metadata: { features: backbone.featureInfo } });
    const { onnx } = createRequire(import.meta.url)('onnx-proto') as typeof import('onnx-proto');
    const proto = onnx.ModelProto.decode(exported.bytes);
    assert.deepEqual(proto.graph!.output!.map((o) => o.name), ['feature0', 'feature1', 'feature2']);
    assert.deepEqual(proto.graph!.output!.map((o) => o.type!.tensorType!.shape!.dim!.slice(1).map((d) => Number(d.dimValue))), [[120, 32, 40], [252, 16, 20], [414, 8, 10]]);
    for (const backend of ['node', 'web'] as const) {
      const { maxAbsDiff: d, scale } = await verifyOnnx(backbone, exported.bytes, [3, 32, 40], { backend });
      assert.ok(d < 1e-4 * Math.max(1, scale), `${backend}: ${d}`);
    }
    backbone.dispose();
  });

  test('any model can be tapped by module paths; bad requests fail clearly', () => {
    const backbone = createModel('resnet20', { features: ['layer1', 'layer2', 'layer3'] }) as FeatureExtractor;
    assert.deepEqual(backbone.featureInfo.map((f) => [f.channels, f.reduction]), [[16, 1], [32, 2], [64, 4]]);
    assert.ok('fc.weight' in backbone.stateDict(), 'explicit taps drop nothing');
    backbone.dispose();
    const resnet18 = createModel('resnet18', { features: true }) as FeatureExtractor;
    assert.deepEqual(resnet18.featureInfo.map((f) => [f.module, f.channels, f.reduction]), [['layer1', 64, 4], ['layer2', 128, 8], ['layer3', 256, 16], ['layer4', 512, 32]]);
    assert.ok(!('fc.weight' in resnet18.stateDict()), 'the default taps drop the head');
    resnet18.dispose();
    assert.throws(() => createModel('resnet20', { features: ['layer9'] }), /has no child 'layer9'/);
    assert.throws(() => createModel('cifar_quick', { features: true }), /names no default feature maps: give the module paths to tap/);
  });
});

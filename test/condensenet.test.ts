import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import '../src/papers/index.js';
import { referenceCount } from '../src/analysis/index.js';
import { CondensableLinear, CondenseConv, CondenseLinear, condensationStage, LearnedGroupConv } from '../src/papers/condensenet/index.js';
import { buildModel, reparameterize, trainingFormBlocks } from '../src/convert/index.js';
import { condensationStageOf, condense } from '../src/papers/condensenet/index.js';
import { exportOnnx } from '../src/deploy/onnx.js';
import { convertCheckpoint, verifyOnnx } from '../src/deploy/pipeline.js';
import * as lc from '../src/engine/index.js';
import { observeOps } from '../src/engine/trace.js';
import { createModel } from '../src/models/index.js';
import { type DenseNet } from '../src/papers/condensenet/index.js';
import * as nn from '../src/nn/index.js';
import { recipeCallbacks } from '../src/train/callbacks.js';
import { loadCheckpoint, loadModel, saveCheckpoint } from '../src/convert/checkpoint.js';
import { Progress } from '../src/train/progress.js';
import { train, type TrainHooks } from '../src/train/trainer.js';
import { maxAbsDiff, randomizeBatchNorms, writeMnistDir , tempDir } from './helpers.js';

const tmp = (): string => tempDir('lc-condense-');
const silent: TrainHooks = { progress: new Progress(process.stderr, 15, false), log: () => undefined };

const progressAt = (iteration: number, total: number): nn.TrainingProgress => nn.trainingProgress(0, iteration, 1, total);
const maskOf = (m: LearnedGroupConv): number[][] => lc.tidy(() => m._mask.view([m.outChannels, m.inChannels]).toArray() as number[][]);
const dropped = (row: number[]): number[] => row.flatMap((v, j) => (v === 0 ? [j] : []));

describe('LearnedGroupConv: condensation schedule', () => {
  test('stages follow training progress: C=4 drops at 1/6, 1/3, 1/2 of the iterations; C=8 at k/14', () => {
    for (const [c, expected] of [[4, [10, 20, 30]], [8, [5, 9, 13, 18, 22, 26, 30]]] as const) {
      const layer = new LearnedGroupConv(16, 8, { groups: 4, condenseFactor: c });
      const changes: number[] = [];
      for (let it = 0; it < 60; it++) {
        const before = layer.stage;
        layer.onTrainingProgress(progressAt(it, 60));
        if (layer.stage !== before) changes.push(it);
      }
      assert.deepEqual(changes, expected, `C=${c}`);
      assert.equal(layer.stage, c - 1);
      assert.equal(layer.count, (c - 1) * (16 / c));
      // Every group ends with in/C inputs, the same for each of its output channels (o mod G).
      const mask = maskOf(layer);
      for (let o = 0; o < 8; o++) {
        assert.equal(mask[o]!.filter((v) => v === 1).length, 16 / c);
        assert.deepEqual(mask[o], mask[o % 4], `row ${o} follows its group ${o % 4}`);
      }
      assert.equal(condensationStage(0.5, c), c - 1);
      layer.dispose();
    }
  });

  test('each stage drops, per group, the kept inputs with the smallest L1 norm of the group\'s masked weights', () => {
    const layer = new LearnedGroupConv(8, 8, { groups: 2, condenseFactor: 4 });
    // Group 0 = rows 0,2,4,6 and group 1 = rows 1,3,5,7 get different column importances (signs must not matter).
    const s0 = [8, 1, 6, 3, 5, 2, 7, 4];
    const s1 = [4, 7, 2, 5, 3, 6, 1, 8];
    const w = Array.from({ length: 8 }, (_, o) => (o % 2 === 0 ? s0 : s1).map((v, j) => ((o + j) % 3 === 0 ? -v : v) * 0.1));
    lc.noGrad(() => layer.conv.weight.copy_(lc.tensor(w).view([8, 8, 1, 1])));
    const expectDrops = [[[1, 5], [6, 2]], [[3, 7], [4, 0]], [[4, 2], [3, 5]]];
    const seen: [number[], number[]] = [[], []];
    for (const [stage, [g0, g1]] of expectDrops.entries()) {
      layer.onTrainingProgress({ ...progressAt(0, 1), fraction: (stage + 1) / 6 });
      assert.equal(layer.stage, stage + 1);
      seen[0].push(...g0!);
      seen[1].push(...g1!);
      const mask = maskOf(layer);
      assert.deepEqual(dropped(mask[0]!), [...seen[0]].sort((a, b) => a - b), `group 0 after stage ${stage + 1}`);
      assert.deepEqual(dropped(mask[1]!), [...seen[1]].sort((a, b) => a - b), `group 1 after stage ${stage + 1}`);
    }
    assert.throws(() => layer.condenseStage(), /already fully condensed/);
    layer.dispose();
  });

  test('at inference BN-ReLU and the masked conv run as one pre-activated conv; the masked kernel is rebuilt after a stage', () => {
    lc.manualSeed(21);
    const layer = new LearnedGroupConv(16, 8, { groups: 2, condenseFactor: 4, dropoutRate: 0.1 }).toMemoryFormat('channelsLast');
    randomizeBatchNorms(layer);
    layer.eval();
    const x = lc.randn([2, 16, 5, 8]).contiguous('channelsLast');
    const ops = (): number => {
      let n = 0;
      lc.tidy(() => observeOps((op) => void (n += op === 'affineReluConv2d' ? 1 : 0), () => lc.noGrad(() => layer.forward(x))));
      return n;
    };
    for (let stage = 0; stage < 3; stage++) {
      const written = lc.noGrad(() => nn.withoutEvalFusion(() => layer.forward(x)));
      const fused = lc.noGrad(() => layer.forward(x));
      assert.ok(maxAbsDiff(written, fused) < 1e-5, `stage ${stage}: max |diff| ${maxAbsDiff(written, fused)}`);
      assert.equal(ops(), 1, 'one op');
      layer.condenseStage();
    }
    assert.equal(layer.evalCache.size, 1, 'one cached masked kernel');
    layer.train();
    assert.equal(layer.evalCache.size, 0);
    layer.dispose();
  });

  test('a converted layer at inference gathers, normalises and convolves in one op, equal to its ops as written', () => {
    lc.manualSeed(22);
    const layer = new CondenseConv(12, 8, { groups: 4 }).toMemoryFormat('channelsLast');
    randomizeBatchNorms(layer);
    lc.noGrad(() => layer.index.copy_(lc.tensor([11, 3, 3, 0, 7, 5, 9, 1, 2, 10, 4, 6], { dtype: 'int64' })));
    layer.eval();
    const x = lc.randn([2, 14, 5, 8]).contiguous('channelsLast');
    const written = lc.noGrad(() => nn.withoutEvalFusion(() => layer.forward(x)));
    let ops = 0;
    const fused = observeOps((op) => void (ops += op === 'affineReluConv2d' ? 1 : op === 'indexSelect' ? 100 : 0), () => lc.noGrad(() => layer.forward(x)));
    assert.equal(ops, 1, 'one op, no separate gather');
    assert.ok(fused.isContiguous('channelsLast'), 'the shuffle keeps the layout');
    assert.ok(maxAbsDiff(written, fused) < 1e-5, `max |diff| ${maxAbsDiff(written, fused)}`);
    layer.dispose();
  });

  test('invalid shapes are refused with the reason', () => {
    assert.throws(() => new LearnedGroupConv(10, 8, { groups: 4 }), /groups=4 must divide inChannels=10.*condenseFactor=4 must divide inChannels=10/);
    assert.throws(() => new LearnedGroupConv(8, 6, { groups: 4 }), /groups=4 must divide outChannels=6/);
  });

  test('group lasso: Σ_groups Σ_inputs sqrt(Σ_group W²) over the masked weights, off from stage G-1', () => {
    const layer = new LearnedGroupConv(8, 8, { groups: 4 });
    const manual = (): number => {
      const w = lc.tidy(() => layer.conv.weight.mul(layer._mask).view([8, 8]).toArray() as number[][]);
      let sum = 0;
      for (let g = 0; g < 4; g++) {
        for (let j = 0; j < 8; j++) {
          let sq = 0;
          for (let o = g; o < 8; o += 4) sq += w[o]![j]! ** 2;
          sum += Math.sqrt(Math.max(sq, 1e-6));
        }
      }
      return sum;
    };
    for (let stage = 0; stage < 3; stage++) {
      const term = layer.regularizer('groupLasso')!;
      assert.ok(Math.abs(term.item() - manual()) < 1e-5 * manual(), `stage ${stage}`);
      term.dispose();
      layer.condenseStage();
    }
    assert.equal(layer.stage, 3);
    assert.equal(layer.regularizer('groupLasso'), undefined, 'zero once condensation is over');
    layer.dispose();
  });

  test('the lasso enters the loss through the recipe callbacks, weighted; a model without it is refused', () => {
    const model = createModel('condensenet', { args: { stages: [1, 1, 1], growth: [4, 4, 4] }, inChannels: 1 });
    const [, lasso] = recipeCallbacks(model, { regularizers: { groupLasso: 1e-3 } });
    const base = lc.scalar(2);
    const loss = lasso!.adjustLoss!(base, { model, ...nn.trainingProgress(0, 0, 1, 1) });
    const expected = lc.tidy(() => nn.regularizerTerm(model, 'groupLasso')!.item());
    assert.ok(Math.abs(loss.item() - 2 - 1e-3 * expected) < 1e-6 * (2 + 1e-3 * expected));
    base.dispose();
    loss.dispose();
    assert.deepEqual(nn.regularizerNames(model), ['groupLasso']);
    const resnet = createModel('resnet20');
    assert.throws(() => recipeCallbacks(resnet, { regularizers: { groupLasso: 1e-5 } }), /the model has no 'groupLasso' regulariser \(it offers none\)/);
    model.dispose();
    resnet.dispose();
  });
});

describe('CondenseNet training', () => {
  const data = tmp();
  writeMnistDir(data, 64, 8, 4);
  const base = {
    model: 'condensenet', modelArgs: { stages: [1, 1, 1], growth: [4, 4, 4] }, dataset: 'mnist', dataDir: data, batchSize: 16, evalBatchSize: 32,
    lr: 0.05, workers: 0, threads: 1, seed: 5, epochs: 3, regularizers: { groupLasso: 1e-4 },
  };

  test('the trainer condenses during the first half; a run killed mid-condensation resumes to identical masks and weights', async () => {
    const out = tmp();
    await train({ ...base, outDir: out, runName: 'full' }, silent);
    await assert.rejects(train({ ...base, outDir: out, runName: 'killed' }, { ...silent, onEpochEnd: (r) => { if (r.epoch === 1) throw new Error('simulated kill'); } }), /simulated kill/);
    const mid = loadModel(join(out, 'killed', 'last.safetensors'));
    // 4 batches per epoch, 12 in all: after epoch 1 (batches 0-3) only the drop at batch 2 (1/6) has happened.
    assert.equal(condensationStageOf(mid.model), 1);
    mid.model.dispose();
    await train({ resume: join(out, 'killed') }, silent);
    const a = loadCheckpoint(join(out, 'full', 'last.safetensors'));
    const b = loadCheckpoint(join(out, 'killed', 'last.safetensors'));
    assert.ok(Object.keys(a.state).some((k) => k.endsWith('conv_1._mask')));
    for (const [k, t] of Object.entries(a.state)) assert.ok(t.equal(b.state[k]!), `differs at ${k}`);
    const { model } = loadModel(join(out, 'full', 'last.safetensors'));
    assert.equal(condensationStageOf(model), 3, 'fully condensed after the first half');
    for (const m of model.modules()) if (m instanceof LearnedGroupConv) assert.equal(m.count, 3 * (m.inChannels / 4));
    model.dispose();
  });

  test('a partially condensed checkpoint converts, and its deploy checkpoint rebuilds with the same widths', () => {
    const dir = tmp();
    lc.manualSeed(2);
    const model = createModel('condensenet', { args: { stages: [2, 2, 2] } });
    randomizeBatchNorms(model);
    nn.broadcastProgress(model, progressAt(1, 4)); // fraction 0.25: stage 1
    const path = join(dir, 'partial.safetensors');
    saveCheckpoint(path, model, { model: 'condensenet', modelOptions: { args: { stages: [2, 2, 2] } }, epoch: 1 });
    const r = convertCheckpoint(path);
    assert.ok(r.maxAbsDiff < 1e-5, `exact part ${r.maxAbsDiff}`);
    assert.equal(r.lossy?.blocks, 1, 'the classifier prune is reported apart');
    assert.ok(r.lossy!.maxAbsDiff > 0);
    const deployed = loadModel(r.output);
    assert.equal(deployed.meta.form?.condenseStage, 1);
    const first = deployed.model.getSubmodule('features.denseblock_1.denselayer_1.conv_1') as CondenseConv;
    assert.equal(first.inChannels, 4 * (16 - 4), 'each of the 4 groups keeps 12 of 16 inputs after one drop');
    assert.equal(deployed.model.numParameters(), r.params);
    deployed.model.dispose();
    model.dispose();
  });
});

describe('condense(): conversion to group convolutions', () => {
  for (const [name, args] of [['condensenet', { stages: [2, 2, 2] }], ['condensenet_light', { stages: [2, 2, 2], growth: [8, 8, 8] }]] as const) {
    for (const drops of [1, 3]) {
      test(`${name} ${JSON.stringify(args)} after ${drops} of 3 drops: features equal the masked model; logits change only through the classifier prune`, () => {
        lc.manualSeed(7 + drops);
        const model = createModel(name, { args }) as DenseNet;
        randomizeBatchNorms(model);
        for (let s = 0; s < drops; s++) for (const m of model.modules()) if (m instanceof LearnedGroupConv) m.condenseStage();
        model.eval();
        const x = lc.randn([3, 3, 32, 32]);
        const features = lc.noGrad(() => nn.withoutEvalFusion(() => model.features.forward(x)));
        const classifier = model.classifier as CondensableLinear;
        const importance = lc.tidy(() => classifier.weight.abs().sum(0).toArray() as number[]);
        const converted = condense(model) as DenseNet;
        assert.deepEqual(trainingFormBlocks(converted), []);
        const features2 = lc.noGrad(() => converted.features.forward(x));
        const scale = Math.max(1, lc.tidy(() => features.abs().max().item()));
        assert.ok(maxAbsDiff(features, features2) < 1e-6 * scale, `features differ by ${maxAbsDiff(features, features2)}`);
        // The classifier keeps the most important half of its inputs, in ascending importance.
        const head = converted.classifier as unknown as CondenseLinear;
        const index = lc.tidy(() => head.index.toArray() as number[]);
        const sorted = [...importance.keys()].sort((a, b) => importance[a]! - importance[b]!);
        assert.deepEqual(index, sorted.slice(importance.length / 2));
        const logits = lc.noGrad(() => converted.forward(x));
        const expected = lc.noGrad(() => lc.tidy(() => lc.F.linear(features.flatten(1).indexSelect(1, head.index), head.linear.weight, head.linear.bias)));
        assert.ok(maxAbsDiff(logits, expected) < 1e-5);
        for (const t of [x, features, features2, logits, expected]) t.dispose();
        converted.dispose();
      });
    }
  }

  test('the converted layer: gather -> BN copies -> group conv -> shuffle, with the official layout', () => {
    lc.manualSeed(1);
    const layer = new LearnedGroupConv(16, 32, { groups: 4 });
    for (let s = 0; s < 3; s++) layer.condenseStage();
    const c = layer.toDeploy();
    assert.deepEqual([c.inChannels, c.outChannels, c.groups], [16, 32, 4]);
    assert.equal(c.conv.numParameters(), 128, 'issue #31: Conv(16->32, groups 4) has 128 weights');
    const mask = maskOf(layer);
    const index = lc.tidy(() => c.index.toArray() as number[]);
    for (let g = 0; g < 4; g++) assert.deepEqual(index.slice(4 * g, 4 * g + 4), mask[g]!.flatMap((v, j) => (v ? [j] : [])), `group ${g} slots`);
    layer.dispose();
    c.dispose();
  });

  test('converted parameter counts (CondenseNet README / official code)', () => {
    const expected: [string, number, number][] = [
      ['condensenet50', 10, 214_186], ['condensenet74', 10, 402_026], ['condensenet86', 10, 516_202], ['condensenet86', 100, 552_292],
      ['condensenet98', 10, 643_882], ['condensenet110', 10, 785_066], ['condensenet122', 10, 939_754], ['condensenet182', 10, 4_209_226],
      ['condensenet74_c4g4', 1000, 4_773_944], ['condensenet74_c8g8', 1000, 2_935_416],
    ];
    for (const [name, numClasses, params] of expected) {
      const m = buildModel(name, { numClasses }, { deploy: true });
      assert.equal(m.numParameters(), params, `${name} (${numClasses} classes)`);
      m.dispose();
    }
  });

  test('the converted architecture builds directly with identity indices and loads a converted state dict strictly', () => {
    lc.manualSeed(4);
    const model = createModel('condensenet', { args: { stages: [2, 2, 2] } });
    randomizeBatchNorms(model);
    for (let s = 0; s < 3; s++) for (const m of model.modules()) if (m instanceof LearnedGroupConv) m.condenseStage();
    const converted = condense(model);
    const direct = buildModel('condensenet', { args: { stages: [2, 2, 2] } }, { deploy: true });
    const gather = direct.getSubmodule('features.denseblock_2.denselayer_1.conv_1') as CondenseConv;
    assert.deepEqual(lc.tidy(() => gather.index.toArray()), [...Array(gather.inChannels).keys()], 'a valid identity gather, not uninitialised memory');
    const y0 = lc.noGrad(() => direct.eval().forward(lc.randn([1, 3, 32, 32])));
    assert.ok(lc.tidy(() => y0.isfinite().all().item()) === 1);
    direct.loadStateDict(converted.stateDict());
    const x = lc.randn([2, 3, 32, 32]);
    assert.equal(maxAbsDiff(lc.noGrad(() => converted.eval().forward(x)), lc.noGrad(() => direct.forward(x))), 0);
    for (const m of [converted, direct]) m.dispose();
  });
});

describe('CondenseNet models', () => {
  test('training-form parameter counts (official code)', () => {
    const expected: [string, number, number][] = [
      ['condensenet50', 10, 522_938], ['condensenet74', 10, 1_090_906], ['condensenet86', 10, 1_451_594], ['condensenet86', 100, 1_523_684],
      ['condensenet98', 10, 1_863_418], ['condensenet110', 10, 2_326_378], ['condensenet122', 10, 2_840_474], ['condensenet182', 10, 13_792_906],
      ['condensenet74_c4g4', 1000, 11_922_680], ['condensenet74_c8g8', 1000, 11_103_608],
    ];
    for (const [name, numClasses, params] of expected) {
      const m = createModel(name, { numClasses });
      assert.equal(m.numParameters(), params, `${name} (${numClasses} classes)`);
      m.dispose();
    }
  });

  test('state-dict names and buffers are the official ones (training and converted forms)', () => {
    const model = createModel('condensenet86');
    const state = model.stateDict();
    const keys = Object.keys(state);
    const layer = 'features.denseblock_1.denselayer_1';
    for (const k of ['features.init_conv.weight', `${layer}.conv_1._count`, `${layer}.conv_1._stage`, `${layer}.conv_1._mask`, `${layer}.conv_1.norm.weight`,
      `${layer}.conv_1.norm.running_var`, `${layer}.conv_1.norm.num_batches_tracked`, `${layer}.conv_1.conv.weight`, `${layer}.conv_2.norm.weight`, `${layer}.conv_2.conv.weight`,
      'features.denseblock_3.denselayer_14.conv_2.conv.weight', 'features.norm_last.running_mean', 'classifier.weight', 'classifier.bias']) {
      assert.ok(keys.includes(k), `missing ${k}`);
    }
    assert.equal(keys.length, 1 + 42 * 15 + 5 + 2, 'stem, 42 dense layers of 15 entries, norm_last, classifier');
    assert.deepEqual([state[`${layer}.conv_1._mask`]!.shape, state[`${layer}.conv_1._count`]!.shape, state[`${layer}.conv_1._count`]!.dtype], [[32, 16, 1, 1], [1], 'float32']);
    assert.deepEqual(state[`${layer}.conv_2.conv.weight`]!.shape, [8, 8, 3, 3], 'the 3x3 conv has 4 groups');
    const deployed = buildModel('condensenet86', {}, { deploy: true });
    const dkeys = Object.keys(deployed.stateDict());
    for (const k of [`${layer}.conv_1.index`, `${layer}.conv_1.norm.weight`, `${layer}.conv_1.conv.weight`, 'classifier.index', 'classifier.linear.weight', 'classifier.linear.bias']) {
      assert.ok(dkeys.includes(k), `missing ${k}`);
    }
    assert.deepEqual(deployed.stateDict()['classifier.index']!.shape, [400]);
    model.dispose();
    deployed.dispose();
  });

  test('the CondenseNet FLOPs convention reproduces the README (measure_model)', () => {
    const cases: [string, number, boolean, [number, number, number], number, number][] = [
      ['condensenet86', 10, false, [3, 32, 32], 65_816_394, 520_202],
      ['condensenet86', 100, false, [3, 32, 32], 65_888_484, 592_292],
      ['condensenet74_c4g4', 1000, true, [3, 224, 224], 529_328_264, 4_773_944],
      ['condensenet74_c8g8', 1000, true, [3, 224, 224], 274_233_480, 2_935_416],
    ];
    for (const [name, numClasses, deploy, input, flops, params] of cases) {
      const m = buildModel(name, { numClasses }, deploy ? { deploy: true } : {});
      const r = referenceCount('condensenet', m, input);
      assert.deepEqual([r.flops, r.params], [flops, params], `${name} ${deploy ? 'converted' : 'training'}`);
      m.dispose();
    }
  });

  test('model args: the official flags build any configuration; unknown or ill-typed args are refused', () => {
    const m = createModel('condensenet', { args: { stages: [4, 4, 4], growth: [8, 16, 32], 'group_1x1': 2, 'condense-factor': 2 } }) as DenseNet;
    const lgc = m.getSubmodule('features.denseblock_1.denselayer_1.conv_1') as LearnedGroupConv;
    assert.deepEqual([lgc.groups, lgc.condenseFactor], [2, 2]);
    assert.equal(m.numFeatures, 16 + 4 * 8 + 4 * 16 + 4 * 32);
    m.dispose();
    assert.throws(() => createModel('condensenet', { args: { stage: [4, 4, 4] } }), /unknown argument of model 'condensenet' 'stage'.*stages/);
    assert.throws(() => createModel('condensenet', { args: { growth: 'big' } }), /growth must be a list of numbers/);
    assert.throws(() => createModel('resnet20', { args: { depth: 3 } }), /model 'resnet20' takes no arguments/);
    assert.throws(() => createModel('condensenet', { args: { stages: [4, 4], growth: [8, 16, 32] } }), /stages \(4-4\) and growth \(8-16-32\) must be non-empty and of the same length/);
  });
});

describe('CondenseNet ONNX export', () => {
  test('the converted form exports (Gather, grouped Conv, Transpose shuffle) and matches libtorch in onnxruntime-node and onnxruntime-web (wasm)', async () => {
    lc.manualSeed(11);
    const model = createModel('condensenet', { args: { stages: [2, 2, 2] } });
    randomizeBatchNorms(model);
    for (let s = 0; s < 3; s++) for (const m of model.modules()) if (m instanceof LearnedGroupConv) m.condenseStage();
    const deployed = reparameterize(model);
    const exported = exportOnnx(deployed, { inputShape: [3, 32, 32] });
    assert.equal(exported.ops.Gather, 7, '6 learned group convs and the classifier');
    assert.equal(exported.ops.Transpose, 6);
    for (const backend of ['node', 'web'] as const) {
      const { maxAbsDiff: d, scale } = await verifyOnnx(deployed, exported.bytes, [3, 32, 32], { backend });
      assert.ok(d < 1e-4 * Math.max(1, scale), `${backend}: ${d}`);
    }
    assert.throws(() => exportOnnx(createModel('condensenet', { args: { stages: [1, 1, 1] } }), { inputShape: [3, 32, 32] }), /training-form/);
    deployed.dispose();
  });
});

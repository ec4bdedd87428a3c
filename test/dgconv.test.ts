import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import '../src/papers/index.js';
import { profileModel } from '../src/analysis/index.js';
import { binarizeStraightThrough, DGConv2d, groupMask, kroneckerChain, maskGroups, PermutedGroupConv } from '../src/papers/dgconv/index.js';
import { buildModel, reparameterize } from '../src/convert/index.js';
import { assumeDgGates, dgGatesOf } from '../src/papers/dgconv/index.js';
import { exportOnnx } from '../src/deploy/onnx.js';
import { verifyOnnx } from '../src/deploy/pipeline.js';
import * as lc from '../src/engine/index.js';
import { Bottleneck, createModel } from '../src/models/index.js';
import { GBottleneck } from '../src/papers/dgconv/index.js';
import * as nn from '../src/nn/index.js';
import { budgetConstraint, recipeCallbacks } from '../src/train/callbacks.js';
import { paramGroups } from '../src/train/param_groups.js';
import { maxAbsDiff, randomizeBatchNorms } from './helpers.js';

/** U by its definition: U[i, j] = Π_k U_k[bit_k(i), bit_k(j)], bit 0 the most significant. */
function directMask(bits: readonly number[]): number[] {
  const K = bits.length;
  const C = 2 ** K;
  const out: number[] = [];
  for (let i = 0; i < C; i++) {
    for (let j = 0; j < C; j++) {
      let v = 1;
      for (let k = 0; k < K; k++) {
        const [bi, bj] = [(i >> (K - 1 - k)) & 1, (j >> (K - 1 - k)) & 1];
        v *= (1 - bits[k]!) * (bi === bj ? 1 : 0) + bits[k]!;
      }
      out.push(v);
    }
  }
  return out;
}

const maskOf = (bits: number[], sort = false): number[] => lc.tidy(() => [...groupMask(lc.tensor(bits), { sort }).data<'float32'>()]);
const allPatterns = (K: number): number[][] => Array.from({ length: 2 ** K }, (_, p) => Array.from({ length: K }, (_, k) => (p >> k) & 1));

/** Sets every DGConv2d of the model to random binary gates. */
function randomGates(model: nn.Module, seed: number): void {
  let state = seed;
  const next = (): number => ((state = (state * 1103515245 + 12345) % 2 ** 31) >> 16) & 1;
  for (const m of model.modules()) if (m instanceof DGConv2d) m.setGates(Array.from({ length: m.K }, next));
}

describe('DGConv2d', () => {
  test('pairwise Kronecker aggregation equals the left-to-right product and the direct construction', () => {
    lc.tidy(() => {
      const factors = [0, 1, 2, 3, 4].map(() => lc.randn([2, 2]));
      const chained = factors.slice(1).reduce((acc, f) => acc.kron(f), factors[0]!);
      assert.ok(maxAbsDiff(kroneckerChain(factors), chained) < 1e-5);
    });
    for (const K of [1, 2, 3, 4]) for (const bits of allPatterns(K)) assert.deepEqual(maskOf(bits), directMask(bits), `gates ${bits}`);
  });

  test('U for the documented patterns: [1,0,0] unsorted links i and i±4, sorted gives 2x2 blocks; extremes are identity and all-ones', () => {
    const unsorted = maskOf([1, 0, 0]);
    const sorted = maskOf([1, 0, 0], true);
    for (let i = 0; i < 8; i++) {
      for (let j = 0; j < 8; j++) {
        assert.equal(unsorted[i * 8 + j], i % 4 === j % 4 ? 1 : 0, `unsorted (${i}, ${j})`);
        assert.equal(sorted[i * 8 + j], Math.floor(i / 2) === Math.floor(j / 2) ? 1 : 0, `sorted (${i}, ${j})`);
      }
    }
    assert.deepEqual(maskOf([0, 0, 0]), directMask([0, 0, 0]).map((_, k) => (Math.floor(k / 8) === k % 8 ? 1 : 0)));
    assert.ok(maskOf([1, 1, 1]).every((v) => v === 1));
    assert.deepEqual(maskGroups(Float32Array.from(unsorted), 8), { groups: 4, size: 2, order: [0, 4, 1, 5, 2, 6, 3, 7] });
    assert.deepEqual(maskGroups(Float32Array.from(sorted), 8), { groups: 4, size: 2, order: [0, 1, 2, 3, 4, 5, 6, 7] });
    assert.throws(() => maskGroups(Float32Array.from([1, 1, 0, 1]), 2), /channel 1 connects to other channels than its group/);
    assert.throws(() => maskGroups(Float32Array.from([1, 0.5, 0.5, 1]), 2), /entry \(0, 1\) is 0.5/);
  });

  test('layer semantics: official init, names, R = 2^(K+Σb) = U non-zeros, errors', () => {
    lc.manualSeed(0);
    const layer = new DGConv2d(8, 8, 3, { padding: 1 });
    assert.deepEqual(Object.keys(layer.stateDict()), ['gate', 'D', 'I', 'conv.weight', 'conv.bias']);
    const gates = [...layer.gate.data<'float32'>()];
    assert.ok(gates.every((g) => Math.abs(Math.abs(g) - 1e-8) < 1e-12), `±1e-8: ${gates}`);
    layer.setGates([1, 0, 0]);
    const r = layer.regularizer('connections')!;
    assert.equal(r.item(), 16);
    assert.equal(r.item(), maskOf([1, 0, 0]).reduce((a, b) => a + b, 0));
    assert.equal(layer.groups, 4);
    r.dispose();
    layer.setGates([0, 0, 0]);
    assert.deepEqual([layer.groups, lc.tidy(() => layer.regularizer('connections')!.item())], [8, 8], 'all split: depthwise, R = C');
    layer.setGates([1, 1, 1]);
    assert.deepEqual([layer.groups, lc.tidy(() => layer.regularizer('connections')!.item())], [1, 64], 'all merged: dense, R = C²');
    assert.equal(layer.regularizerBound('connections'), 64);
    layer.dispose();
    assert.throws(() => new DGConv2d(12, 12, 3), /inChannels must be a power of two >= 2.*got 12/);
    assert.throws(() => new DGConv2d(8, 16, 3), /outChannels must equal inChannels \(8\), got 16/);
    const zero = new DGConv2d(4, 4, 1);
    lc.noGrad(() => zero.gate.fill_(0));
    assert.throws(() => zero.toDeploy(), /is 0.5, not 0 or 1 \(a gate exactly at 0/);
    zero.dispose();
  });

  test('the straight-through gradient: the forward uses binary gates, the gates get the gradient of the relaxed function at them', () => {
    lc.manualSeed(3);
    const g = lc.tensor([0.3, -0.7, 2.5], { requiresGrad: true });
    const b = binarizeStraightThrough(g);
    assert.deepEqual([...b.data<'float32'>()], [1, 0, 1], 'exact binary values');
    b.mul(lc.tensor([1, 2, 3])).sum().backward();
    assert.deepEqual([...g.grad!.data<'float32'>()], [1, 2, 3], 'identity gradient');
    b.dispose();

    // R's surrogate 2^(K+Σb) as a function of continuous b: its numeric gradient at b is what the gates get.
    const layer = new DGConv2d(8, 8, 3, { padding: 1 });
    layer.setGates([1, 0, 1]);
    const r = layer.regularizer('connections')!;
    r.backward();
    const expected = 2 ** 5 * Math.LN2;
    assert.ok([...layer.gate.grad!.data<'float32'>()].every((v) => Math.abs(v - expected) < 1e-4), `dR/dgate = R ln 2 = ${expected}`);
    r.dispose();
    const surrogateR = lc.gradcheck((bb) => lc.scalar(2, { dtype: 'float64' }).pow(bb.sum().add(3)), [lc.tensor([1, 0, 1], { dtype: 'float64', requiresGrad: true })]);
    assert.ok(surrogateR.ok, surrogateR.detail);

    // The layer output: the gate gradient equals the finite-difference gradient of the relaxed layer
    // (U from continuous b, same weights) at the binary gates, for unsorted and sorted masks.
    for (const sort of [false, true]) {
      const dg = new DGConv2d(8, 8, 3, { padding: 1, sort });
      dg.setGates([1, 0, 1]);
      const x = lc.randn([2, 8, 4, 5]);
      const projection = lc.randn([2, 8, 4, 5]);
      const y = dg.forward(x);
      y.mul(projection).sum().backward();
      const analytic = [...dg.gate.grad!.data<'float32'>()];
      const w = lc.noGrad(() => dg.conv.weight.to({ dtype: 'float64' }));
      const bias = lc.noGrad(() => dg.conv.bias!.to({ dtype: 'float64' }));
      const [x64, p64] = [x.to({ dtype: 'float64' }), projection.to({ dtype: 'float64' })];
      const relaxed = (bb: lc.Tensor): number => lc.noGrad(() => lc.tidy(() => {
        // sort=true takes the factors split-first: at b = [1,0,1] the order is factor 1, then 0, then 2.
        const factors = sort ? bb.indexSelect(0, lc.tensor([1, 0, 2], { dtype: 'int64' })) : bb;
        const u = groupMask(factors, { D: lc.eye(2, { dtype: 'float64' }), I: lc.ones([2, 2], { dtype: 'float64' }) });
        return lc.F.conv2d(x64, w.mul(u.view([8, 8, 1, 1])), { bias, padding: 1 }).mul(p64).sum().item();
      }));
      const numeric = [0, 1, 2].map((k) => {
        const h = 1e-4;
        const at = (d: number): number => relaxed(lc.tensor([1, 0, 1].map((v, i) => (i === k ? v + d : v)), { dtype: 'float64' }));
        return (at(h) - at(-h)) / (2 * h);
      });
      numeric.forEach((n, k) => assert.ok(Math.abs(n - analytic[k]!) < 1e-3 * Math.max(1, Math.abs(n)), `sort=${sort} gate ${k}: STE ${analytic[k]} vs relaxed ${n}`));
      for (const t of [x, projection, y, w, bias, x64, p64]) t.dispose();
      dg.dispose();
    }
    layer.dispose();
    g.dispose();
  });

  test('deploy: an exactly equivalent group conv for every gate pattern of K = 1..4, unsorted and sorted', () => {
    lc.manualSeed(4);
    let worst = 0;
    for (const K of [1, 2, 3, 4]) {
      const C = 2 ** K;
      const x = lc.randn([2, C, 6, 5]);
      for (const sort of [false, true]) {
        for (const bits of allPatterns(K)) {
          const layer = new DGConv2d(C, C, 3, { padding: 1, stride: 2, sort });
          layer.setGates(bits);
          const deployed = layer.toDeploy();
          const groups = 2 ** (K - bits.reduce((a, b) => a + b, 0));
          const conv = deployed instanceof PermutedGroupConv ? deployed.conv : (deployed as nn.Conv2d);
          assert.equal(conv.groups, groups, `gates ${bits}`);
          assert.equal(conv.weight.numel, C * (C / groups) * 9);
          if (sort) assert.ok(deployed instanceof nn.Conv2d, 'sorted groups are contiguous: no gathers');
          const d = lc.noGrad(() => lc.tidy(() => maxAbsDiff(layer.forward(x), deployed.forward(x))));
          worst = Math.max(worst, d);
          layer.dispose();
          deployed.dispose();
        }
      }
      x.dispose();
    }
    assert.ok(worst < 1e-5, `max |diff| ${worst}`);
  });
});

describe('G-ResNeXt models', () => {
  test('parameter counts and gates: g_resnext50 68,883,377 (16 layers, 137 gates), g_resnext101 419,627,627 (33, 323); official names', () => {
    for (const [name, params, layers, gates] of [['g_resnext50', 68_883_377, 16, 137], ['g_resnext101', 419_627_627, 33, 323]] as const) {
      const model = createModel(name);
      const dg = model.modules().filter((m): m is DGConv2d => m instanceof DGConv2d);
      assert.deepEqual([model.numParameters(), dg.length, dg.reduce((a, m) => a + m.K, 0)], [params, layers, gates], name);
      if (name === 'g_resnext50') {
        assert.deepEqual(dg.map((m) => m.inChannels).filter((c, i, a) => a.indexOf(c) === i), [128, 256, 512, 1024]);
        assert.equal(dg.reduce((a, m) => a + m.regularizerBound('connections'), 0), 5_029_888, 'Σ C²');
        const keys = Object.keys(model.stateDict());
        for (const k of ['conv1.weight', 'layer1.0.conv2.gate', 'layer1.0.conv2.D', 'layer1.0.conv2.I', 'layer1.0.conv2.conv.weight', 'layer4.2.bn3.running_var', 'fc.bias']) assert.ok(keys.includes(k), k);
      }
      model.dispose();
    }
  });

  test('the CIFAR pair: fixed-group resnext20_cifar and g_resnext20_cifar share every shape but the 3x3 convs', () => {
    const dense = createModel('resnext20_cifar', { args: { groups: 1 } });
    const grouped = createModel('resnext20_cifar');
    const learned = createModel('g_resnext20_cifar');
    assert.equal(learned.numParameters(), dense.numParameters() + (4 + 4 + 5 + 5 + 6 + 6), 'the dense model plus one gate per factor');
    const threeByThree = 9 * (2 * 16 * 16 + 2 * 32 * 32 + 2 * 64 * 64);
    assert.equal(dense.numParameters() - grouped.numParameters(), threeByThree * (1 - 1 / 4), 'default: 4 groups');
    const x = lc.randn([2, 1, 28, 28]);
    for (const m of [dense, grouped, learned]) m.dispose();
    const gray = createModel('g_resnext20_cifar', { inChannels: 1 });
    const y = lc.noGrad(() => gray.eval().forward(x));
    assert.deepEqual(y.shape, [2, 10]);
    assert.throws(() => createModel('g_resnext20_cifar', { args: { width: 24 } }), /width must be a power of two/);
    for (const t of [x, y]) t.dispose();
    gray.dispose();
  });

  test('deploy: the bottleneck folds the permutation into its neighbours; a whole model with random gates is equivalent and cheaper', () => {
    lc.manualSeed(5);
    const model = createModel('g_resnext20_cifar', { inChannels: 1 });
    randomizeBatchNorms(model);
    randomGates(model, 7);
    model.eval();
    const gates = dgGatesOf(model)!;
    const training = profileModel(model, [1, 28, 28]);
    const x = lc.randn([3, 1, 28, 28]);
    // As written: the masked dense convs (at inference the bottlenecks would run their cached deploy form).
    const before = lc.noGrad(() => nn.withoutEvalFusion(() => model.forward(x)));
    const groupCounts = model.modules().filter((m): m is DGConv2d => m instanceof DGConv2d).map((m) => m.groups);
    const deployed = reparameterize(model);
    assert.ok(deployed.modules().every((m) => !(m instanceof DGConv2d) && !(m instanceof GBottleneck) && !(m instanceof PermutedGroupConv)), 'no gathers remain');
    const convs = deployed.modules().filter((m): m is Bottleneck => m instanceof Bottleneck).map((b) => (b.conv2 as nn.Conv2d).groups);
    assert.deepEqual(convs, groupCounts);
    const after = lc.noGrad(() => deployed.forward(x));
    assert.ok(maxAbsDiff(before, after) < 1e-5, `max |diff| ${maxAbsDiff(before, after)}`);
    const deployProfile = profileModel(deployed, [1, 28, 28]);
    assert.ok(deployProfile.macs < training.macs && deployProfile.params < training.params);
    const gateCount = Object.values(gates).reduce((a, g) => a + g.length, 0);
    const expectedParams = training.params - gateCount - [...deployed.modules()].filter((m): m is Bottleneck => m instanceof Bottleneck)
      .reduce((a, b) => a + 9 * b.width * b.width * (1 - 1 / (b.conv2 as nn.Conv2d).groups), 0);
    assert.equal(deployProfile.params, expectedParams);

    // Rebuilt from the recorded gates, the deploy structure takes the converted weights as they are.
    const rebuilt = buildModel('g_resnext20_cifar', { inChannels: 1 }, { deploy: true, dgGates: gates });
    rebuilt.loadStateDict(deployed.stateDict());
    const again = lc.noGrad(() => rebuilt.eval().forward(x));
    assert.equal(maxAbsDiff(after, again), 0);
    assert.throws(() => assumeDgGates(createModel('resnet20'), gates), /no DGConv2d at layer1\.0\.conv2/);
    for (const t of [x, before, after, again]) t.dispose();
    for (const m of [deployed, rebuilt]) m.dispose();
  });

  test('at inference a G-ResNeXt bottleneck runs its deploy form, built once and rebuilt when the gates or weights change', () => {
    lc.manualSeed(6);
    const model = createModel('g_resnext20_cifar', { inChannels: 1 }).toMemoryFormat('auto');
    randomizeBatchNorms(model);
    randomGates(model, 8);
    model.eval();
    const blocks = model.modules().filter((m): m is GBottleneck => m instanceof GBottleneck);
    let conversions = 0;
    for (const b of blocks) {
      const toDeploy = b.toDeploy.bind(b);
      b.toDeploy = () => { conversions++; return toDeploy(); };
    }
    const x = model.formatInput(lc.randn([2, 1, 28, 28]));
    const written = () => lc.noGrad(() => nn.withoutEvalFusion(() => model.forward(x)));
    const fast = () => lc.noGrad(() => model.forward(x));
    assert.ok(maxAbsDiff(fast(), written()) < 1e-5, 'the deploy form computes the same function');
    assert.equal(conversions, blocks.length, 'one conversion per bottleneck');
    fast();
    assert.equal(conversions, blocks.length, 'and none on the next batch');
    blocks[0]!.conv2.setGates(blocks[0]!.conv2.gateValues().map((b) => 1 - Math.round(b)));
    assert.ok(maxAbsDiff(fast(), written()) < 1e-5, 'new gates give a new deploy form');
    assert.equal(conversions, blocks.length + 1, 'only the changed bottleneck is converted again');
    const y = model.forward(x);
    y.sum().backward();
    assert.ok(blocks[0]!.conv2.gate.grad !== undefined, 'with gradients recorded the gates are in the graph (masked convs)');
    assert.equal(conversions, blocks.length + 1);
    model.train();
    assert.ok(blocks.every((b) => b.evalCache.size === 0), 'training mode drops the deploy forms');
    model.dispose();
  });

  test('ONNX export of the deploy form: parity < 1e-4 under onnxruntime-node and -web; a standalone DGConv exports with its gathers', async () => {
    lc.manualSeed(6);
    const model = createModel('g_resnext20_cifar', { inChannels: 1, args: { blocks: [1, 1, 1] } });
    randomizeBatchNorms(model);
    randomGates(model, 3);
    const deployed = reparameterize(model.eval());
    const exported = exportOnnx(deployed, { inputShape: [1, 28, 28] });
    for (const backend of ['node', 'web'] as const) {
      const { maxAbsDiff: d, scale } = await verifyOnnx(deployed, exported.bytes, [1, 28, 28], { backend });
      assert.ok(d < 1e-4 * Math.max(1, scale), `${backend}: ${d}`);
    }
    const layer = new DGConv2d(8, 8, 3, { padding: 1 });
    layer.setGates([1, 0, 1]);
    const standalone = layer.toDeploy();
    assert.ok(standalone instanceof PermutedGroupConv);
    const bytes = exportOnnx(standalone, { inputShape: [8, 5, 5] }).bytes;
    const { maxAbsDiff: d } = await verifyOnnx(standalone, bytes, [8, 5, 5], { backend: 'node' });
    assert.ok(d < 1e-5, `standalone: ${d}`);
    for (const m of [deployed, layer, standalone]) m.dispose();
  });
});

describe('DGConv training', () => {
  test('the budget: loss·(ΣR/budget)^0.02 only while over budget; gates get its gradient; budget = Σ C²/b', () => {
    lc.manualSeed(8);
    const model = createModel('g_resnext20_cifar', { inChannels: 1, args: { blocks: [1, 1, 1] } });
    for (const m of model.modules()) if (m instanceof DGConv2d) m.setGates(Array.from({ length: m.K }, () => 1));
    const bound = 16 ** 2 + 32 ** 2 + 64 ** 2;
    const context = { model, ...nn.trainingProgress(0, 0, 1, 1) };
    const callback = budgetConstraint(model, 'connections', 8);
    const loss = lc.scalar(2, { requiresGrad: true });
    const shaped = callback.adjustLoss!(loss, context);
    assert.ok(Math.abs(shaped.item() - 2 * 8 ** 0.02) < 1e-5, `dense is 8x over the budget: ${shaped.item()}`);
    shaped.backward();
    const gate = (model.getSubmodule('layer1.0.conv2') as DGConv2d).gate;
    // d/dgate [2·(ΣR/B)^0.02] = 2·0.02·(ΣR/B)^0.02 · R_l ln2 / ΣR
    const expected = 2 * 0.02 * 8 ** 0.02 * (16 ** 2 * Math.LN2) / bound;
    assert.ok([...gate.grad!.data<'float32'>()].every((v) => Math.abs(v - expected) < 1e-6), `gate gradient ${gate.grad!.data<'float32'>()[0]} vs ${expected}`);
    for (const m of model.modules()) if (m instanceof DGConv2d) m.setGates(Array.from({ length: m.K }, (_, k) => (k < 2 ? 1 : 0)));
    const within = callback.adjustLoss!(loss, context);
    assert.equal(within, loss, 'at 4/C of dense (< 1/8 of the bound) the loss is untouched');
    const notes = callback.onEpochEnd!({ model, epoch: 1 })!;
    assert.match(notes.line!, new RegExp(`connections: ${4 * (16 + 32 + 64)} \\(budget ${bound / 8} = ${bound}/8, within\\)`));
    const [, , report] = recipeCallbacks(model, { budgets: { connections: 8 } });
    assert.match(report!.onEpochEnd!({ model, epoch: 1 })!.line!, /^groups per layer: 4 8 16$/);
    assert.throws(() => recipeCallbacks(createModel('resnet20'), { budgets: { connections: 8 } }), /the model has no 'connections' regulariser/);
    for (const t of [loss, shaped]) t.dispose();
    model.dispose();
  });

  test('gates are exempt from weight decay unless decayGates', () => {
    const model = createModel('g_resnext20_cifar', { args: { blocks: [1, 1, 1] } });
    const decayOf = (rules: { weightDecay: number; decayGates?: boolean }): number =>
      paramGroups(model, 0.1, rules).find((g) => g.names.includes('layer1.0.conv2.gate'))!.weightDecay ?? -1;
    assert.equal(decayOf({ weightDecay: 1e-4 }), 0);
    assert.equal(decayOf({ weightDecay: 1e-4, decayGates: true }), 1e-4);
    assert.equal(paramGroups(model, 0.1, { weightDecay: 1e-4 }).find((g) => g.names.includes('layer1.0.conv2.conv.weight'))!.weightDecay, 1e-4);
    model.dispose();
  });
});

describe('G-ResNeXt with GroupNorm (norm=gn, torchvision norm_layer)', () => {
  test('GroupNorm is its definition; the model keeps torchvision names and the parameter count', () => {
    lc.tidy(() => {
      const x = lc.randn([2, 8, 3, 5]);
      const gn = new nn.GroupNorm(4, 8);
      lc.noGrad(() => {
        gn.weight!.copy_(lc.randn([8]));
        gn.bias!.copy_(lc.randn([8]));
      });
      const out = gn.forward(x).data<'float32'>();
      const xs = x.data<'float32'>();
      const [w, b] = [gn.weight!.data<'float32'>(), gn.bias!.data<'float32'>()];
      let worst = 0;
      for (let n = 0; n < 2; n++) {
        for (let g = 0; g < 4; g++) {
          const idx = [];
          for (let c = 2 * g; c < 2 * g + 2; c++) for (let i = 0; i < 15; i++) idx.push((n * 8 + c) * 15 + i);
          const mean = idx.reduce((s, i) => s + xs[i]!, 0) / idx.length;
          const variance = idx.reduce((s, i) => s + (xs[i]! - mean) ** 2, 0) / idx.length;
          for (const i of idx) {
            const c = Math.floor(i / 15) % 8;
            worst = Math.max(worst, Math.abs(out[i]! - ((xs[i]! - mean) / Math.sqrt(variance + 1e-5) * w[c]! + b[c]!)));
          }
        }
      }
      assert.ok(worst < 1e-5, `max |GroupNorm - definition| ${worst}`);
    });
    const bn = createModel('g_resnext50');
    const gn = createModel('g_resnext50', { args: { norm: 'gn' } });
    assert.equal(gn.numParameters(), bn.numParameters());
    const stats = /\.(running_mean|running_var|num_batches_tracked)$/;
    assert.deepEqual(Object.keys(gn.stateDict()), Object.keys(bn.stateDict()).filter((k) => !stats.test(k)));
    const first = (gn as unknown as { layer1: nn.Sequential }).layer1.at(0) as GBottleneck;
    assert.ok(first.bn1 instanceof nn.GroupNorm && first.bn1.numGroups === 32);
    assert.throws(() => createModel('g_resnext50', { args: { norm: 'ln' } }), /norm must be bn \(BatchNorm2d\) or gn \(GroupNorm\)/);
    bn.dispose();
    gn.dispose();
  });

  test('the deploy form gathers and scatters the group conv\'s channels (GroupNorm\'s groups must not mix) and gives the same outputs', () => {
    const block = new GBottleneck(32, 32, 64, 1, 1, (c) => new nn.GroupNorm(4, c));
    lc.noGrad(() => {
      for (const [k, t] of Object.entries(block.stateDict())) if (/bn\d\.(weight|bias)$/.test(k)) t.copy_(lc.randn(t.shape).mul(0.5).add(k.endsWith('weight') ? 1 : 0));
    });
    // Gates whose groups interleave the channels (the permutation is not the identity).
    block.conv2.setGates([1, 0, 1, 0, 1]);
    assert.notDeepEqual([...block.conv2.groupStructure().order], [...Array(32).keys()]);
    const x = lc.randn([2, 32, 6, 6]);
    // GroupNorm has no running statistics: the training form in train mode computes what it computes in eval.
    const reference = lc.noGrad(() => block.train().forward(x));
    const deployed = block.toDeploy().eval();
    assert.ok(deployed.conv2 instanceof PermutedGroupConv);
    const out = lc.noGrad(() => deployed.forward(x));
    const diff = out.sub(reference).abs().max().item();
    assert.ok(diff < 1e-4, `max |deploy - training form| ${diff}`);
  });

  test('GroupNorm exports to ONNX (opset 13: InstanceNormalization over the groups) with the outputs libtorch gives', async () => {
    const block = new GBottleneck(32, 32, 64, 2, 1, (c) => new nn.GroupNorm(4, c));
    lc.noGrad(() => {
      for (const [k, t] of Object.entries(block.stateDict())) if (/bn\d\.(weight|bias)$/.test(k)) t.copy_(lc.randn(t.shape).mul(0.5).add(k.endsWith('weight') ? 1 : 0));
    });
    block.conv2.setGates([1, 0, 1, 0, 1]);
    const deployed = block.toDeploy().eval();
    const bytes = exportOnnx(deployed, { inputShape: [32, 8, 8] }).bytes;
    for (const backend of ['node', 'web'] as const) {
      const { maxAbsDiff: d, scale } = await verifyOnnx(deployed, bytes, [32, 8, 8], { backend });
      assert.ok(d < 1e-4 * Math.max(1, scale), `${backend}: ${d}`);
    }
  });
});

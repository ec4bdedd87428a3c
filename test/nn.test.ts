import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import '../src/papers/index.js';
import * as lc from '../src/engine/index.js';
import { observeOps } from '../src/engine/trace.js';
import * as nn from '../src/nn/index.js';
import { createModel } from '../src/models/index.js';
import { buildModel } from '../src/convert/index.js';
import { ACBlock } from '../src/papers/acnet/index.js';
import { assertClose, maxAbsDiff, randomizeBatchNorms, undisposedTensors , tempDir } from './helpers.js';

const { tensor } = lc;

/** Overwrites a parameter's values (outside autograd). */
function setValues(t: lc.Tensor, values: lc.NestedArray): void {
  lc.noGrad(() => lc.tidy(() => t.copy_(tensor(values).reshape(t.shape))));
}

describe('layers against hand-computed outputs', () => {
  test('Conv2d: stride, padding, groups and bias', () => {
    const conv = new nn.Conv2d(2, 2, 2, { stride: 1, padding: 0, groups: 2 });
    setValues(conv.weight, [[[[1, 0], [0, 1]]], [[[1, 1], [1, 1]]]]);
    setValues(conv.bias!, [0.5, -1]);
    const x = tensor([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 1, 1], [1, 1, 1], [1, 1, 1]]]]);
    // channel 0: main diagonal sums (1+5, 2+6, 4+8, 5+9) + 0.5; channel 1: 2x2 sums of ones (4) - 1
    assertClose(conv.forward(x), [[[[6.5, 8.5], [12.5, 14.5]], [[3, 3], [3, 3]]]]);
    const padded = new nn.Conv2d(1, 1, 3, { stride: 2, padding: 1, bias: false });
    setValues(padded.weight, [[[[1, 1, 1], [1, 1, 1], [1, 1, 1]]]]);
    const ones = lc.ones([1, 1, 4, 4]);
    // windows at (0,0), (0,2), (2,0), (2,2) of the zero-padded 6x6: 4, 6, 6, 9 ones
    assertClose(padded.forward(ones), [[[[4, 6], [6, 9]]]]);
  });

  test('Linear: x W^T + b', () => {
    const fc = new nn.Linear(3, 2);
    setValues(fc.weight, [[1, 0, -1], [2, 2, 2]]);
    setValues(fc.bias!, [1, 0]);
    assertClose(fc.forward(tensor([[1, 2, 3]])), [[1 - 3 + 1, 12]]);
  });

  test('BatchNorm2d: batch statistics in training, running statistics in eval', () => {
    const bn = new nn.BatchNorm2d(1, { momentum: 0.5 });
    setValues(bn.weight!, [2]);
    setValues(bn.bias!, [1]);
    const x = tensor([[[[1, 3]]], [[[5, 7]]]]); // mean 4, biased var 5, unbiased 20/3
    const y = bn.forward(x);
    const s = 1 / Math.sqrt(5 + 1e-5);
    assertClose(y, [[[[1 - 6 * s, 1 - 2 * s]]], [[[1 + 2 * s, 1 + 6 * s]]]], 1e-5);
    assertClose(bn.running_mean, [0.5 * 0 + 0.5 * 4]);
    assertClose(bn.running_var, [0.5 * 1 + 0.5 * (20 / 3)], 1e-5);
    assert.equal(bn.num_batches_tracked.item(), 1);
    bn.eval();
    // eval: (x - 2) / sqrt(23/6 + eps) * 2 + 1, and no statistics update
    const e = bn.forward(tensor([[[[2, 4]]]]));
    assertClose(e, [[[[1, 1 + (2 * 2) / Math.sqrt(23 / 6 + 1e-5)]]]], 1e-5);
    assert.equal(bn.num_batches_tracked.item(), 1);
    assert.throws(() => bn.forward(tensor([[1, 2]])), /BatchNorm2d: expected a 4-d input/);
  });

  test('activations, pooling, flatten, dropout modes', () => {
    const x = tensor([[[[-1, 2], [3, -4]]]]);
    assertClose(new nn.ReLU().forward(x), [[[[0, 2], [3, 0]]]]);
    assertClose(new nn.LeakyReLU(0.5).forward(x), [[[[-0.5, 2], [3, -2]]]]);
    assertClose(new nn.MaxPool2d({ kernelSize: 2 }).forward(x), [[[[3]]]]);
    assertClose(new nn.AvgPool2d({ kernelSize: 2 }).forward(x), [[[[0]]]]);
    assertClose(new nn.AdaptiveAvgPool2d(1).forward(x), [[[[0]]]]);
    assert.deepEqual(new nn.Flatten().forward(x).shape, [1, 4]);
    const drop = new nn.Dropout(0.5);
    drop.eval();
    assertClose(drop.forward(x), x.toArray());
    drop.train();
    const d = drop.forward(lc.ones([1000])).toArray() as number[];
    assert.ok(d.every((v) => v === 0 || v === 2), 'kept elements are scaled by 1/(1-p)');
    assert.throws(() => new nn.Dropout(1.5), /p must be in \[0, 1\]/);
  });

  test('constructor arguments are validated', () => {
    assert.throws(() => new nn.Conv2d(3, 8, 3, { groups: 2 }), /groups=2 must divide inChannels=3/);
    assert.throws(() => new nn.Linear(0, 2), /inFeatures must be a positive integer/);
  });
});

describe('Module', () => {
  test('dotted names match PyTorch and buffers include BN running stats', () => {
    const model = createModel('resnet20');
    const names = Object.keys(model.stateDict());
    for (const k of ['conv1.weight', 'bn1.running_mean', 'bn1.num_batches_tracked', 'layer1.0.conv1.weight', 'layer2.0.downsample.0.weight', 'layer2.0.downsample.1.running_var', 'fc.bias']) {
      assert.ok(names.includes(k), `missing ${k}`);
    }
    assert.ok(model.namedParameters().every(([n]) => !n.includes('running')), 'running stats are buffers, not parameters');
    assert.ok(model.parameters().every((p) => p.requiresGrad));
    model.dispose();
  });

  test('train/eval propagate to every descendant', () => {
    const model = createModel('resnet20').eval();
    assert.ok(model.modules().every((m) => !m.training));
    model.train();
    assert.ok(model.modules().every((m) => m.training));
    model.dispose();
  });

  test('state dict round trip through safetensors restores identical outputs', () => {
    const a = createModel('cifar_quick');
    const b = createModel('cifar_quick');
    const file = join(tempDir('lc-nn-'), 'w.safetensors');
    lc.tidy(() => a.forward(lc.randn([4, 3, 32, 32]))); // moves BN running stats away from 0/1
    lc.saveSafetensors(file, a.stateDict());
    const { tensors } = lc.loadSafetensors(file);
    b.loadStateDict(tensors);
    a.eval();
    b.eval();
    const x = lc.randn([2, 3, 32, 32]);
    assert.ok(a.forward(x).equal(b.forward(x)));
    a.dispose();
    b.dispose();
  });

  test('loadStateDict lists every missing, unexpected and mis-shaped key before changing anything', () => {
    const model = createModel('cifar_quick');
    const state = { ...model.stateDict() };
    const before = model.stateDict()['features.0.weight']!.clone();
    delete state['features.1.running_mean'];
    state['extra.weight'] = lc.zeros([1]);
    state['classifier.3.weight'] = lc.zeros([5, 64]);
    state['features.0.weight'] = lc.zeros([32, 3, 5, 5]);
    assert.throws(() => model.loadStateDict(state), (err: Error) => {
      assert.ok(err instanceof nn.StateDictError);
      assert.match(err.message, /missing keys \(1\): features\.1\.running_mean/);
      assert.match(err.message, /unexpected keys \(1\): extra\.weight/);
      assert.match(err.message, /classifier\.3\.weight: checkpoint \[5, 64\] vs model \[10, 64\]/);
      return true;
    });
    assert.ok(model.stateDict()['features.0.weight']!.equal(before), 'nothing was copied');
    model.dispose();
  });

  test('setSubmodule replaces a block by path and the parent sees the new one', () => {
    const model = createModel('resnet20');
    const replacement = new nn.Conv2d(16, 16, 3, { padding: 1, bias: true });
    const old = model.setSubmodule('layer1.0.conv1', replacement);
    assert.ok(old instanceof nn.Conv2d);
    assert.equal(model.getSubmodule('layer1.0.conv1'), replacement);
    assert.ok(Object.keys(model.stateDict()).includes('layer1.0.conv1.bias'));
    assert.equal((model.getSubmodule('layer1.0') as unknown as { conv1: nn.Module }).conv1, replacement);
    assert.throws(() => model.getSubmodule('layer1.9.conv1'), /'layer1' \(Sequential\) has no child '9'/);
    lc.tidy(() => assert.deepEqual(model.forward(lc.randn([1, 3, 16, 16])).shape, [1, 10]));
    old.dispose();
    model.dispose();
  });

  test('Sequential releases intermediates: only the output survives a forward', () => {
    const seq = new nn.Sequential(new nn.Conv2d(1, 4, 3), new nn.ReLU(), new nn.Identity(), new nn.Flatten(), new nn.Linear(4 * 36, 2));
    const x = lc.randn([3, 1, 8, 8]);
    const before = undisposedTensors();
    const y = lc.noGrad(() => seq.forward(x));
    assert.equal(undisposedTensors() - before, 1);
    assert.deepEqual(y.shape, [3, 2]);
    assert.ok(!x.isDisposed, 'the input belongs to the caller');
    y.dispose();
    seq.dispose();
  });

  test('initialisers: kaiming fan_in/fan_out std, constants, PyTorch default bounds', () => {
    const w = lc.empty([256, 128, 3, 3]);
    nn.init.kaimingNormal_(w, { mode: 'fan_out', nonlinearity: 'relu' });
    assert.ok(Math.abs(w.std().item() - Math.sqrt(2 / (256 * 9))) < 0.002);
    nn.init.kaimingUniform_(w, { mode: 'fan_in', nonlinearity: 'relu' });
    const bound = Math.sqrt(3) * Math.sqrt(2 / (128 * 9));
    assert.ok(w.abs().max().item() <= bound && w.abs().max().item() > 0.98 * bound);
    nn.init.constant_(w, 0.25);
    assert.equal(w.mean().item(), 0.25);
    const fc = new nn.Linear(100, 10);
    assert.ok(fc.weight.abs().max().item() <= 0.1 && fc.bias!.abs().max().item() <= 0.1);
  });
});

describe('memory format (channels-last)', () => {
  test("'auto' picks channels-last for models with convolutions and leaves the others in NCHW", () => {
    const convModel = createModel('cifar_quick');
    assert.equal(nn.preferredMemoryFormat(convModel), 'channelsLast');
    assert.equal(convModel.toMemoryFormat('auto').memoryFormat, 'channelsLast');
    assert.ok((convModel.parameters().find((p) => p.ndim === 4)!).isContiguous('channelsLast'));
    const mlp = new nn.Sequential(new nn.Flatten(), new nn.Linear(12, 3));
    assert.equal(mlp.toMemoryFormat('auto').memoryFormat, 'contiguous');
    convModel.dispose();
    mlp.dispose();
  });

  test('toMemoryFormat moves 4-D parameters and buffers in place: same values, same outputs, NCHW bytes in state dicts', () => {
    lc.manualSeed(3);
    const model = createModel('condensenet', { args: { stages: [1, 1, 1] } });
    const weight = model.getSubmodule('features.init_conv').stateDict().weight!;
    const before = weight.data<'float32'>().slice();
    const x = lc.randn([2, 3, 32, 32]);
    model.eval();
    const y0 = lc.noGrad(() => model.forward(x));
    assert.equal(model.toMemoryFormat('channelsLast'), model);
    assert.equal(model.getSubmodule('features.init_conv').stateDict().weight, weight, 'the same parameter object (optimizers keep it)');
    assert.ok(weight.isContiguous('channelsLast') && !weight.isContiguous());
    assert.ok(weight.requiresGrad);
    assert.deepEqual(weight.data<'float32'>(), before, 'data() and checkpoints see NCHW order');
    const laid = model.formatInput(x);
    assert.ok(laid !== x && laid.isContiguous('channelsLast'));
    assert.equal(model.formatInput(laid), laid, 'an input already in the layout is passed through');
    const y1 = lc.noGrad(() => model.forward(laid));
    assert.ok(lc.tidy(() => y0.sub(y1).abs().max().item()) < 1e-4);
    model.train();
    const loss = model.forward(laid).sum();
    loss.backward();
    assert.deepEqual(weight.grad!.shape, weight.shape);
    for (const t of [x, laid, y0, y1, loss]) t.dispose();
    model.dispose();
  });
});

describe('BN -> ReLU fusion (runInOrder)', () => {
  test('a training step through conv -> BN -> ReLU runs BN and ReLU as one op, with the same outputs and gradients', () => {
    const run = (fused: boolean) => {
      lc.manualSeed(9);
      const block = new nn.Sequential(new nn.Conv2d(3, 12, 3, { padding: 1 }), new nn.BatchNorm2d(12), new nn.ReLU(), new nn.Conv2d(12, 2, 1)).toMemoryFormat('channelsLast');
      const x = lc.randn([4, 3, 6, 6]).contiguous('channelsLast');
      let relus = 0;
      const out = observeOps((op) => void (relus += op.startsWith('relu') ? 1 : 0), () => (fused ? block.forward(x) : nn.withoutEvalFusion(() => block.forward(x))));
      out.square().sum().backward();
      const bn = block.getSubmodule('1') as nn.BatchNorm2d;
      return { out, relus, grad: bn.weight!.grad!, conv: (block.getSubmodule('0') as nn.Conv2d).weight.grad!, mean: bn.running_mean };
    };
    const fused = run(true);
    const plain = run(false);
    assert.equal(fused.relus, 0, 'no separate ReLU op when fused');
    assert.equal(plain.relus, 1);
    assert.ok(maxAbsDiff(fused.out, plain.out) < 1e-6);
    assert.ok(maxAbsDiff(fused.grad, plain.grad) < 1e-5 && maxAbsDiff(fused.conv, plain.conv) < 1e-4);
    assert.ok(maxAbsDiff(fused.mean, plain.mean) < 1e-6);
  });

  test('a ReLU with a forward of its own (a hook, a feature tap) is not fused away', () => {
    const relu = new nn.ReLU();
    let seen = 0;
    const original = relu.forward.bind(relu);
    relu.forward = (x: lc.Tensor) => { seen++; return original(x); };
    const block = new nn.Sequential(new nn.BatchNorm2d(3), relu);
    block.forward(lc.randn([2, 3, 4, 4]).contiguous('channelsLast'));
    assert.equal(seen, 1);
  });
});

/** fn's output and how many times each native op ran during it. */
function countOps(fn: () => lc.Tensor): { out: lc.Tensor; ops: Map<string, number> } {
  const ops = new Map<string, number>();
  const out = observeOps((op) => void ops.set(op, (ops.get(op) ?? 0) + 1), fn);
  return { out, ops };
}

describe('pre-activated convs and dense blocks at inference', () => {

  test('BN -> ReLU -> conv runs as one affineReluConv2d with the BN affine map cached, equal to the three ops', () => {
    lc.manualSeed(11);
    const block = new nn.Sequential(new nn.BatchNorm2d(20), new nn.ReLU(), new nn.Conv2d(20, 16, 1, { bias: false })).toMemoryFormat('channelsLast');
    randomizeBatchNorms(block);
    block.eval();
    const bn = block.getSubmodule('0') as nn.BatchNorm2d;
    const x = lc.randn([3, 20, 6, 8]).contiguous('channelsLast');
    const plain = lc.noGrad(() => nn.withoutEvalFusion(() => block.forward(x)));
    const first = countOps(() => lc.noGrad(() => block.forward(x)));
    assert.equal(first.ops.get('affineReluConv2d'), 1);
    assert.equal(first.ops.get('batchNorm') ?? 0, 0, 'no BN pass');
    assert.equal(bn.evalCache.size, 1, 'the affine map is cached on the BN');
    assert.ok(maxAbsDiff(first.out, plain) < 1e-5, `fused output differs by ${maxAbsDiff(first.out, plain)}`);
    const again = countOps(() => lc.noGrad(() => block.forward(x)));
    assert.equal(again.ops.get('sqrt') ?? 0, 0, 'the cached map is reused');
    const training = countOps(() => lc.noGrad(() => block.train().forward(x)));
    assert.equal(training.ops.get('affineReluConv2d') ?? 0, 0, 'training mode runs the BN with batch statistics');
    assert.equal(bn.evalCache.size, 0, 'and drops the map');
  });

  test('dense blocks write every layer into one buffer at inference: no concatenations, same outputs (DenseNet-BC, HCGNet-A1)', () => {
    for (const [name, gateCats] of [['densenet_bc_100', 0], ['hcgnet_a1', 26]] as const) {
      lc.manualSeed(12);
      const model = createModel(name).toMemoryFormat('auto');
      randomizeBatchNorms(model);
      model.eval();
      const x = model.formatInput(lc.randn([2, 3, 32, 32]));
      const plain = countOps(() => lc.noGrad(() => nn.withoutEvalFusion(() => model.forward(x))));
      const fused = countOps(() => lc.noGrad(() => model.forward(x)));
      // DenseNet-BC-100: 3 blocks of 16 layers; HCGNet-A1: 3 blocks of 8 SMGs, whose gates (and the 2 transitions') concatenate two context vectors.
      const layers = name === 'densenet_bc_100' ? 48 : 24;
      assert.equal(plain.ops.get('cat'), layers + gateCats, `${name}: one concatenation per layer when run as written`);
      assert.equal(fused.ops.get('cat') ?? 0, gateCats, `${name}: none from the dense connectivity`);
      const scale = Math.max(1, plain.out.abs().max().item());
      assert.ok(maxAbsDiff(fused.out, plain.out) < 1e-5 * scale, `${name}: output differs by ${maxAbsDiff(fused.out, plain.out)}`);
      // Without leanconv's conv kernels (a CPU without AVX2) libtorch reads the buffer's strided views.
      const kernels = ['pointwiseConv', 'groupedConv', 'attentionPool'] as const;
      const previous = kernels.map((k) => lc.nativeKernel(k, false));
      try {
        const generic = lc.noGrad(() => model.forward(x));
        assert.ok(maxAbsDiff(generic, plain.out) < 1e-5 * scale, `${name} without the kernels: output differs by ${maxAbsDiff(generic, plain.out)}`);
      } finally {
        kernels.forEach((k, i) => lc.nativeKernel(k, previous[i]));
      }
      model.dispose();
    }
  });

  test('a dense block runs its layers as written when one is watched, and rejects a layer that appends the wrong width', () => {
    lc.manualSeed(13);
    const model = createModel('densenet_bc_100').toMemoryFormat('auto').eval();
    const block = model.getSubmodule('features.denseblock_1') as nn.Sequential;
    const layer = block.at(3);
    const original = layer.forward.bind(layer);
    let seen = 0;
    layer.forward = (t: lc.Tensor) => { seen++; return original(t); };
    const x = lc.randn([1, 24, 8, 8]).contiguous('channelsLast');
    const watched = lc.noGrad(() => block.forward(x));
    assert.equal(seen, 1, 'the watcher saw its layer run');
    delete (layer as { forward?: unknown }).forward;
    const buffered = lc.noGrad(() => block.forward(x));
    assert.equal(seen, 1);
    assert.ok(maxAbsDiff(watched, buffered) < 1e-5);
    Object.defineProperty(layer, 'growth', { value: 13 });
    assert.throws(() => lc.noGrad(() => block.forward(x)), /DenseBlock: a layer announced 13 new channels and returned 12/);
    model.dispose();
  });
});

describe('inference-time BN folding', () => {
  const convsWithFolds = (m: nn.Module): nn.Conv2d[] => m.modules().filter((c): c is nn.Conv2d => c instanceof nn.Conv2d && c.evalCache.size > 0);

  test("a ResNet block at inference adds its shortcut and applies its ReLUs in its folded convs (F.conv2d's epilogue)", () => {
    const named = (ops: Map<string, number>, prefix: string): number => [...ops].reduce((n, [op, k]) => n + (op.startsWith(prefix) ? k : 0), 0);
    lc.manualSeed(6);
    const model = createModel('resnet20').toMemoryFormat('auto');
    randomizeBatchNorms(model);
    model.eval();
    const x = model.formatInput(lc.randn([2, 3, 16, 16]));
    const plain = countOps(() => lc.noGrad(() => nn.withoutEvalFusion(() => model.forward(x))));
    // As written: a ReLU after the stem and two per block, and each of the 9 blocks' shortcut sums.
    assert.equal(named(plain.ops, 'relu'), 19);
    assert.equal(named(plain.ops, 'add'), 9);
    lc.noGrad(() => model.forward(x)); // builds the folded kernels (their arithmetic has adds of its own)
    const fused = countOps(() => lc.noGrad(() => model.forward(x)));
    assert.equal(named(fused.ops, 'relu'), 0, 'every ReLU runs inside a conv');
    assert.equal(named(fused.ops, 'add'), 0, 'every shortcut is added inside a conv');
    const scale = Math.max(1, plain.out.abs().max().item());
    assert.ok(maxAbsDiff(fused.out, plain.out) < 1e-5 * scale, `fused output differs by ${maxAbsDiff(fused.out, plain.out)}`);
    // Without the Winograd kernel the same epilogue runs after libtorch's conv, inside the same op.
    const previous = lc.nativeKernel('winogradConv', false);
    try {
      const generic = countOps(() => lc.noGrad(() => model.forward(x)));
      assert.equal(named(generic.ops, 'add'), 0);
      assert.ok(maxAbsDiff(generic.out, plain.out) < 1e-5 * scale, `without the kernel: output differs by ${maxAbsDiff(generic.out, plain.out)}`);
    } finally {
      lc.nativeKernel('winogradConv', previous);
    }
    model.dispose();
    // ACNet's deploy form: its BNs are folded into the convs and left as Identity modules, which inference skips,
    // so its convs take the same epilogues and it runs the baseline's ops.
    const deployed = buildModel('resnet20', {}, { acb: { gamma: 1 }, deploy: true }).toMemoryFormat('auto').eval();
    const y = deployed.formatInput(lc.randn([2, 3, 16, 16]));
    const asWritten = countOps(() => lc.noGrad(() => nn.withoutEvalFusion(() => deployed.forward(y))));
    assert.equal(named(asWritten.ops, 'add'), 9);
    lc.noGrad(() => deployed.forward(y)); // folds the projection shortcuts' BNs
    const lean = countOps(() => lc.noGrad(() => deployed.forward(y)));
    assert.equal(named(lean.ops, 'relu') + named(lean.ops, 'add') + named(lean.ops, 'view'), 0, 'no ReLU, add or Identity view outside the convs');
    assert.equal(lean.ops.get('conv2d'), 21);
    const deployedScale = Math.max(1, asWritten.out.abs().max().item());
    assert.ok(maxAbsDiff(lean.out, asWritten.out) < 1e-5 * deployedScale, `deploy form: output differs by ${maxAbsDiff(lean.out, asWritten.out)}`);
    deployed.dispose();
  });

  test('an eval-mode forward without gradients folds every conv -> BN pair and equals the unfolded model', () => {
    lc.manualSeed(5);
    const model = createModel('resnet20');
    randomizeBatchNorms(model);
    model.eval();
    const x = lc.randn([4, 3, 32, 32]);
    const plain = lc.noGrad(() => nn.withoutEvalFusion(() => model.forward(x)));
    assert.equal(convsWithFolds(model).length, 0, 'withoutEvalFusion builds no folded kernels');
    const folded = lc.noGrad(() => model.forward(x));
    // ResNet-20: 19 3x3 convs and 2 projection 1x1 convs, each followed by a BN.
    assert.equal(convsWithFolds(model).length, 21);
    assert.ok(maxAbsDiff(plain, folded) < 1e-5, `folded output differs by ${maxAbsDiff(plain, folded)}`);
    for (const t of [x, plain, folded]) t.dispose();
    model.dispose();
  });

  test('the folded kernels are reused, rebuilt after an in-place weight change, and dropped in training mode', () => {
    lc.manualSeed(6);
    const block = new nn.Sequential(new nn.Conv2d(3, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4));
    randomizeBatchNorms(block);
    block.eval();
    const conv = block.getSubmodule('0') as nn.Conv2d;
    const x = lc.randn([2, 3, 6, 6]);
    const forward = (): lc.Tensor => lc.noGrad(() => block.forward(x));
    const reference = (): lc.Tensor => lc.noGrad(() => nn.withoutEvalFusion(() => block.forward(x)));
    // Folding takes a square root of the BN variance; a forward that reuses the cached kernel takes none.
    const folds = (): number => {
      let n = 0;
      observeOps((op) => void (n += op === 'sqrt' ? 1 : 0), () => forward().dispose());
      return n;
    };
    assert.equal(folds(), 1, 'the first forward folds');
    const live = undisposedTensors();
    assert.equal(folds(), 0, 'a second forward reuses the folded kernel');
    assert.equal(undisposedTensors(), live, 'and keeps no new tensors');

    const version = conv.weight.version;
    lc.noGrad(() => conv.weight.mul_(2));
    assert.equal(conv.weight.version, version + 1, 'in-place ops bump the version');
    assert.equal(folds(), 1, 'a changed weight is folded again');
    const [a, b] = [forward(), reference()];
    assert.ok(maxAbsDiff(a, b) < 1e-5, 'the fold sees the new weights');

    // A state dict load (copy_) and a layout change (setData_) are in-place changes too.
    const fresh = new nn.Sequential(new nn.Conv2d(3, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4));
    randomizeBatchNorms(fresh);
    block.loadStateDict(fresh.stateDict());
    const [c, d] = [forward(), reference()];
    assert.ok(maxAbsDiff(c, d) < 1e-5, 'the fold sees loaded weights and statistics');
    const before = conv.weight.version;
    block.toMemoryFormat('channelsLast');
    assert.ok(conv.weight.version > before, 'setData_ bumps the version');

    block.train();
    assert.equal(conv.evalCache.size, 0, 'training mode drops the folded kernels');
    for (const t of [x, a, b, c, d]) t.dispose();
    block.dispose();
    fresh.dispose();
  });

  test('no folding while gradients are recorded: eval-mode BN parameters still get gradients', () => {
    lc.manualSeed(7);
    const block = new nn.Sequential(new nn.Conv2d(3, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4)).eval();
    const bn = block.getSubmodule('1') as nn.BatchNorm2d;
    const loss = block.forward(lc.randn([2, 3, 5, 5])).square().sum();
    loss.backward();
    assert.ok(bn.weight!.grad !== undefined && lc.tidy(() => bn.weight!.grad!.abs().sum().item()) > 0);
    assert.equal((block.getSubmodule('0') as nn.Conv2d).evalCache.size, 0);
    loss.dispose();
    block.dispose();
  });

  test('an ACB runs as its fused kernel at inference and matches its three branches', () => {
    lc.manualSeed(8);
    for (const padding of [1, 0]) {
      const acb = new ACBlock(3, 5, 3, { padding, stride: 2 });
      randomizeBatchNorms(acb);
      acb.eval();
      const x = lc.randn([2, 3, 9, 9]);
      const branches = lc.noGrad(() => nn.withoutEvalFusion(() => acb.forward(x)));
      const fused = lc.noGrad(() => acb.forward(x));
      assert.equal(acb.evalCache.size, 1);
      assert.deepEqual(fused.shape, branches.shape);
      assert.ok(maxAbsDiff(fused, branches) < 1e-5, `padding ${padding}: ${maxAbsDiff(fused, branches)}`);
      for (const t of [x, branches, fused]) t.dispose();
      acb.dispose();
    }
  });
});

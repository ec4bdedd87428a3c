import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import '../src/papers/index.js';
import { profileModel } from '../src/analysis/index.js';
import { ACBlock } from '../src/papers/acnet/index.js';
import { buildModel, reparameterize, trainingFormBlocks } from '../src/convert/index.js';
import { acnetize, hasTrainedBatchNorms, parseAcbGamma, switchToDeploy } from '../src/papers/acnet/index.js';
import * as lc from '../src/engine/index.js';
import { createModel } from '../src/models/index.js';
import * as nn from '../src/nn/index.js';
import { maxAbsDiff, randomizeBatchNorms } from './helpers.js';

/**
 * Eval-mode output before and after switchToDeploy (the model is converted in place). The training form runs as
 * written: with eval fusion its ACBs would run the fused kernel the conversion makes, and the check would compare
 * the conversion with itself.
 */
function deployDelta(model: nn.Module, input: lc.Tensor): { delta: number; scale: number; deployed: nn.Module } {
  model.eval();
  const before = lc.noGrad(() => nn.withoutEvalFusion(() => model.forward(input)));
  const deployed = switchToDeploy(model);
  const after = lc.noGrad(() => deployed.forward(input));
  const delta = maxAbsDiff(before, after);
  const scale = before.abs().max().item();
  before.dispose();
  after.dispose();
  return { delta, scale, deployed };
}

/** Moves every BN's running statistics away from a fresh BN's (20 forward passes in training mode). */
function calibrateBn(model: nn.Module): void {
  model.train();
  lc.noGrad(() => {
    for (let i = 0; i < 20; i++) lc.tidy(() => void model.forward(lc.randn([4, 3, 32, 32])));
  });
  model.eval();
}

describe('ACBlock', () => {
  test('parameter counts and branch shapes match the reference', () => {
    const small = new ACBlock(4, 8, 3, { padding: 1 });
    assert.equal(small.numParameters(), 528);
    const fused = small.toDeploy();
    assert.equal(fused.numParameters(), 296);
    assert.deepEqual(fused.weight.shape, [8, 4, 3, 3]);
    assert.equal(new ACBlock(64, 64, 3, { padding: 1 }).numParameters(), 61_824);
    assert.equal(new ACBlock(64, 64, 3, { padding: 1 }).toDeploy().numParameters(), 36_928);
    const five = new ACBlock(32, 32, 5, { padding: 2 });
    assert.equal(five.numParameters(), 36_032);
    assert.deepEqual([five.square_conv.weight.shape, five.ver_conv.weight.shape, five.hor_conv.weight.shape], [[32, 32, 5, 5], [32, 32, 5, 1], [32, 32, 1, 5]]);
    assert.deepEqual([five.hor_conv.padding, five.ver_conv.padding], [[0, 2], [2, 0]]);
    const noPad = new ACBlock(4, 4, 3, { padding: 0 });
    assert.equal(noPad.crop, 1);
    assert.deepEqual([noPad.hor_conv.padding, noPad.ver_conv.padding], [[0, 0], [0, 0]]);
  });

  test('gamma options: 1, 1/3, any value, square-only', () => {
    const gammas = (b: ACBlock): number[] => [b.square_bn, b.ver_bn, b.hor_bn].map((bn) => bn.weight!.mean().item());
    assert.deepEqual(gammas(new ACBlock(2, 2, 3, { padding: 1 })), [1, 1, 1]);
    const third = gammas(new ACBlock(2, 2, 3, { padding: 1, gamma: 1 / 3 }));
    third.forEach((g) => assert.ok(Math.abs(g - 1 / 3) < 1e-7));
    assert.deepEqual(gammas(new ACBlock(2, 2, 3, { padding: 1, gamma: 0.5 })), [0.5, 0.5, 0.5]);
    assert.deepEqual(gammas(new ACBlock(2, 2, 3, { padding: 1, gamma: 'square' })), [1, 0, 0]);
    assert.equal(parseAcbGamma('1/3'), 1 / 3);
    assert.equal(parseAcbGamma('0.5'), 0.5);
    assert.equal(parseAcbGamma('square'), 'square');
    assert.throws(() => parseAcbGamma('third'), /ACB gamma must be a number, a fraction such as 1\/3, or 'square'/);
    assert.throws(() => new ACBlock(2, 2, 3, { gamma: Number.NaN }), /gamma must be a number or 'square'/);
    assert.throws(() => new ACBlock(2, 2, 4), /kernelSize must be an odd integer/);
  });

  test("gamma 'square' with identity BN statistics is exactly the square conv", () => {
    const block = new ACBlock(3, 5, 3, { padding: 1, gamma: 'square' }).eval();
    const x = lc.randn([2, 3, 7, 6]);
    const y = block.forward(x);
    // Eval-mode BN with mean 0, var 1 divides by sqrt(1 + eps).
    const expected = lc.F.conv2d(x, block.square_conv.weight, { padding: 1 }).mul(1 / Math.sqrt(1 + 1e-5));
    assert.ok(maxAbsDiff(y, expected) < 1e-5);
  });

  // The grid: K in {3,5}, every padding 0..K//2+1, stride 1/2, groups 1/4/8, odd and even sizes.
  for (const k of [3, 5]) {
    test(`deploy form equals the eval-mode block: K=${k}, all paddings, strides, groups, odd/even inputs`, () => {
      let worst = 0;
      let cases = 0;
      for (let padding = 0; padding <= Math.floor(k / 2) + 1; padding++) {
        for (const stride of [1, 2]) {
          for (const groups of [1, 4, 8]) {
            for (const size of [9, 10]) {
              lc.tidy(() => {
                const block = new ACBlock(8, 16, k, { padding, stride, groups, gamma: 1 / 3 });
                randomizeBatchNorms(block);
                block.eval();
                const x = lc.randn([2, 8, size, size + 1]);
                const y = block.forward(x);
                const fused = block.toDeploy();
                const z = fused.forward(x);
                assert.deepEqual(z.shape, y.shape, `shape k=${k} p=${padding} s=${stride} g=${groups}`);
                worst = Math.max(worst, maxAbsDiff(y, z));
                block.dispose();
                fused.dispose();
              });
              cases++;
            }
          }
        }
      }
      assert.equal(cases, (Math.floor(k / 2) + 2) * 12);
      assert.ok(worst < 1e-5, `max |delta| ${worst}`);
    });
  }

  test('dilation 2: the 1-D branches follow the dilated centre row/column, and fusion stays exact', () => {
    for (const padding of [0, 1, 2, 3]) {
      const block = new ACBlock(4, 6, 3, { padding, dilation: 2 });
      randomizeBatchNorms(block);
      block.eval();
      const x = lc.randn([1, 4, 11, 12]);
      const y = block.forward(x);
      const z = block.toDeploy().forward(x);
      assert.deepEqual(z.shape, y.shape);
      assert.ok(maxAbsDiff(y, z) < 1e-5, `padding ${padding}`);
    }
  });

  test('a conv bias on the square branch is folded into the deploy bias', () => {
    const block = new ACBlock(3, 4, 3, { padding: 1, bias: true });
    lc.noGrad(() => block.square_conv.bias!.normal_(0, 1));
    randomizeBatchNorms(block);
    block.eval();
    const x = lc.randn([2, 3, 8, 8]);
    assert.ok(maxAbsDiff(block.forward(x), block.toDeploy().forward(x)) < 1e-5);
  });

  test('trains: gradients reach all three branches', () => {
    const block = new ACBlock(3, 4, 3, { padding: 1 });
    const loss = block.forward(lc.randn([2, 3, 6, 6])).square().mean();
    loss.backward();
    for (const [name, p] of block.namedParameters()) assert.ok(p.grad!.abs().sum().item() > 0, name);
  });
});

// papers.md section 6: params base / ACB training form / deploy; MACs of the ACB form; number of ACBs.
const MODELS: { name: string; base: number; acb: number; deploy: number; acbMacs?: number; blocks: number; input?: number }[] = [
  { name: 'cifar_quick', base: 117_034, acb: 149_226, deploy: 116_906, acbMacs: 15_054_464, blocks: 3 },
  { name: 'vgg16_cifar', base: 14_986_698, acb: 24_810_570, deploy: 14_982_474, acbMacs: 522_261_504, blocks: 13 },
  { name: 'resnet56', base: 855_770, acb: 1_429_434, deploy: 853_738, acbMacs: 209_404_544, blocks: 55 },
  { name: 'wrn16_8', base: 10_962_170, acb: 18_172_538, deploy: 10_965_770, acbMacs: 2_567_656_448, blocks: 13 },
  { name: 'resnet18', base: 11_689_512, acb: 19_028_520, deploy: 11_685_672, blocks: 16, input: 64 },
];

describe('acnetize / switchToDeploy on whole models', () => {
  for (const ref of MODELS) {
    test(`${ref.name}: ${ref.base} / ${ref.acb} / ${ref.deploy} params, ${ref.blocks} ACBs, deploy output equals the ACB form`, () => {
      const base = createModel(ref.name);
      assert.equal(base.numParameters(), ref.base);
      const baseMacs = ref.acbMacs ? profileModel(base, [3, 32, 32]).macs : 0;
      base.dispose();
      const model = acnetize(createModel(ref.name), { gamma: 1 / 3 });
      assert.equal(model.numParameters(), ref.acb);
      assert.equal(trainingFormBlocks(model).length, ref.blocks);
      if (ref.acbMacs) assert.equal(profileModel(model, [3, 32, 32]).macs, ref.acbMacs);
      randomizeBatchNorms(model);
      const size = ref.input ?? 32;
      const x = lc.randn([2, 3, size, size]);
      const { delta, scale, deployed } = deployDelta(model, x);
      assert.equal(deployed.numParameters(), ref.deploy);
      assert.deepEqual(trainingFormBlocks(deployed), []);
      if (ref.acbMacs) assert.equal(profileModel(deployed, [3, 32, 32]).macs, baseMacs, 'deploy MACs equal the baseline');
      assert.ok(scale > 0.01, `output scale ${scale}`);
      assert.ok(delta < 1e-5, `max |delta| ${delta} (output scale ${scale})`);
      deployed.dispose();
    });
  }

  test('builder rules: conv+BN -> ACB with the BN removed; bare stem and pre-activation convs -> ACB; 1x1 and 7x7 kept', () => {
    const wrn = acnetize(createModel('wrn16_8'));
    assert.ok(wrn.getSubmodule('conv1') instanceof ACBlock, 'bare stem conv');
    const unit = wrn.getSubmodule('stage1.block1.conv1');
    assert.deepEqual(unit.namedChildren().map(([n, m]) => [n, m.constructor.name]), [['bn', 'BatchNorm2d'], ['relu', 'ReLU'], ['conv', 'ACBlock']]);
    assert.ok(wrn.getSubmodule('stage1.block1.proj.conv') instanceof nn.Conv2d, '1x1 projection kept');
    const r18 = acnetize(createModel('resnet18'));
    assert.ok(r18.getSubmodule('conv1') instanceof nn.Conv2d, '7x7 stem kept');
    assert.ok(r18.getSubmodule('layer1.0.conv1') instanceof ACBlock);
    assert.ok(r18.getSubmodule('layer1.0.bn1') instanceof nn.Identity, "the conv's BN is replaced by the ACB's");
    assert.ok(r18.getSubmodule('layer2.0.downsample.0') instanceof nn.Conv2d);
    assert.ok(r18.getSubmodule('layer2.0.downsample.1') instanceof nn.BatchNorm2d, "a 1x1 conv's BN stays");
    const before = r18.numParameters();
    acnetize(r18);
    assert.equal(r18.numParameters(), before, 'acnetize twice changes nothing');
    const filtered = acnetize(createModel('resnet20'), { filter: (path) => !path.startsWith('layer3') });
    assert.deepEqual(trainingFormBlocks(filtered).filter((p) => p.startsWith('layer3')), []);
    for (const m of [wrn, r18, filtered]) m.dispose();
  });

  test('the square branch starts from the original kernel; BN statistics stay in the ACB', () => {
    const base = createModel('resnet20');
    const original = base.getSubmodule('layer1.0.conv1') as nn.Conv2d;
    const copy = original.weight.clone();
    const model = acnetize(base);
    const block = model.getSubmodule('layer1.0.conv1') as ACBlock;
    assert.equal(maxAbsDiff(block.square_conv.weight, copy), 0);
    // In training mode the ACB's BNs track statistics; after eval + deploy they are baked in.
    model.train();
    const out = model.forward(lc.randn([4, 3, 16, 16]));
    out.dispose();
    assert.ok(block.square_bn.running_mean.abs().sum().item() > 0);
    model.dispose();
  });

  test('training form: the Identity left where a BN was is skipped, so a block adds its shortcut in place on the ACB output', () => {
    lc.manualSeed(4);
    const model = acnetize(createModel('resnet20')).toMemoryFormat('auto').train();
    const x = model.formatInput(lc.randn([4, 3, 16, 16]));
    const y = lc.randint(0, 10, [4]);
    // Run as written, the Identity's view would take the block's add_ and relu_, and autograd would copy the whole
    // gradient back through it (CopySlices): the block's output would be a view of it.
    const stem = model.formatInput(lc.randn([4, 16, 8, 8]));
    const blockOut = model.getSubmodule('layer1.0').forward(stem);
    assert.equal(blockOut.gradFn, 'ReluBackward0');
    blockOut.dispose();
    const gradients = (): lc.Tensor[] => {
      for (const p of model.parameters()) p.grad = undefined;
      lc.tidy(() => lc.F.crossEntropy(model.forward(x), y).backward());
      return model.parameters().map((p) => p.grad!.clone());
    };
    const skipped = gradients();
    const asWritten = nn.withoutEvalFusion(gradients);
    for (let i = 0; i < skipped.length; i++) {
      const scale = Math.max(1e-3, asWritten[i]!.abs().max().item());
      assert.ok(maxAbsDiff(skipped[i]!, asWritten[i]!) < 1e-4 * scale, `parameter ${i}: gradient differs by ${maxAbsDiff(skipped[i]!, asWritten[i]!)}`);
    }
    model.dispose();
  });

  test("acnetize keeps the replaced BN's eps and the conv's bias: a biased conv + BN(eps 0.1) computes the same before and after", () => {
    lc.manualSeed(12);
    const model = new nn.Sequential(new nn.Conv2d(3, 4, 3, { padding: 1, bias: true }), new nn.BatchNorm2d(4, { eps: 0.1 }));
    randomizeBatchNorms(model);
    lc.noGrad(() => (model.getSubmodule('0') as nn.Conv2d).bias!.normal_(0, 1));
    model.eval();
    const x = lc.randn([2, 3, 6, 6]);
    const before = lc.noGrad(() => model.forward(x));
    acnetize(model);
    assert.ok(model.getSubmodule('0') instanceof ACBlock);
    assert.equal((model.getSubmodule('0') as ACBlock).square_bn.eps, 0.1);
    const after = lc.noGrad(() => nn.withoutEvalFusion(() => model.forward(x)));
    assert.ok(maxAbsDiff(before, after) < 1e-5, `max |diff| ${maxAbsDiff(before, after)}`);
  });

  test('acnetize on a trained model keeps its function: square branch takes conv + BN, 1-D branches start at zero', () => {
    lc.manualSeed(2);
    const trained = createModel('resnet20', { inChannels: 1 });
    const opt = new lc.SGD(trained.parameters(), { lr: 0.05, momentum: 0.9 });
    trained.train();
    for (let i = 0; i < 5; i++) {
      lc.tidy(() => {
        const loss = lc.F.crossEntropy(trained.forward(lc.randn([8, 1, 12, 12])), lc.randint(0, 10, [8]));
        opt.zeroGrad();
        loss.backward();
        opt.step();
      });
    }
    opt.dispose();
    assert.ok(hasTrainedBatchNorms(trained));
    const copy = createModel('resnet20', { inChannels: 1 });
    copy.loadStateDict(trained.stateDict());
    const model = acnetize(copy, { gamma: 1 / 3 });
    assert.equal(trainingFormBlocks(model).length, 19);
    const x = lc.randn([6, 1, 12, 12]);
    trained.eval();
    model.eval();
    assert.ok(maxAbsDiff(model.forward(x), trained.forward(x)) < 1e-5, 'eval mode: same outputs');
    trained.train();
    model.train();
    assert.ok(maxAbsDiff(lc.noGrad(() => model.forward(x)), lc.noGrad(() => trained.forward(x))) < 1e-4, 'training mode (batch statistics): same outputs');
    const block = model.getSubmodule('layer2.1.conv2') as ACBlock;
    assert.equal(block.ver_bn.weight!.abs().sum().item(), 0);
    assert.ok(Math.abs(block.square_bn.weight!.mean().item() - 1 / 3) > 1e-3, 'the trained gamma is kept, not the requested init');
    // The zeroed branches still learn: their BN gamma gets a gradient.
    lc.F.crossEntropy(model.forward(x), lc.randint(0, 10, [6])).backward();
    assert.ok(block.ver_bn.weight!.grad!.abs().sum().item() > 0);
    // A bare (stem) conv without BN becomes an ACB whose square BN is an identity in eval mode.
    const wrn = createModel('wrn16_8');
    calibrateBn(wrn);
    const wrnCopy = createModel('wrn16_8');
    wrnCopy.loadStateDict(wrn.stateDict());
    acnetize(wrnCopy);
    const y = lc.randn([2, 3, 32, 32]);
    assert.ok(maxAbsDiff(lc.noGrad(() => nn.withoutEvalFusion(() => wrnCopy.eval().forward(y))), lc.noGrad(() => wrn.eval().forward(y))) < 1e-4);
    // A fresh model still gets the requested gamma (the paper's initialisation).
    const fresh = acnetize(createModel('resnet20'), { gamma: 1 / 3 });
    assert.ok(Math.abs((fresh.getSubmodule('conv1') as ACBlock).ver_bn.weight!.mean().item() - 1 / 3) < 1e-7);
  });

  test('buildModel rebuilds each form; reparameterize leaves non-block modules alone', () => {
    const deploy = buildModel('cifar_quick', {}, { acb: { gamma: 1 }, deploy: true });
    assert.equal(deploy.numParameters(), 116_906);
    assert.deepEqual(Object.keys(deploy.stateDict()).filter((k) => k.startsWith('features.0')), ['features.0.weight', 'features.0.bias']);
    const base = createModel('cifar_quick');
    assert.equal(reparameterize(base).numParameters(), 117_034);
    const lone = new ACBlock(3, 3, 3, { padding: 1 });
    assert.ok(reparameterize(lone) instanceof nn.Conv2d, 'a block at the root is returned converted');
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import '../src/papers/index.js';
import * as lc from '../src/engine/index.js';
import { profileModel } from '../src/analysis/index.js';
import * as nn from '../src/nn/index.js';
import { createModel, getModelSpec, listModels } from '../src/models/index.js';

// Parameter counts of the reference implementations (torchvision; ACNet's and CondenseNet's
// definitions run in PyTorch), and plain conv+linear MACs per image at the reference input size.
const REFERENCE: Record<string, { params: number; macs?: number }> = {
  cifar_quick: { params: 117_034, macs: 10_763_904 },
  vgg16_cifar: { params: 14_986_698, macs: 313_463_808 },
  resnet20: { params: 272_474 },
  resnet32: { params: 466_906 },
  resnet44: { params: 661_338 },
  resnet56: { params: 855_770, macs: 125_747_840 },
  resnet110: { params: 1_730_714 },
  wrn16_8: { params: 10_962_170, macs: 1_548_145_664 },
  resnet18: { params: 11_689_512, macs: 1_814_073_344 },
  resnet34: { params: 21_797_672, macs: 3_663_761_408 },
  resnet50: { params: 25_557_032, macs: 4_089_184_256 },
  resnext50_32x4d: { params: 25_028_904 },
  densenet_bc_100: { params: 769_162 },
};

describe('model registry', () => {
  test('lists every required model and filters by glob', () => {
    assert.deepEqual(listModels().filter((n) => n in REFERENCE).sort(), Object.keys(REFERENCE).sort());
    assert.deepEqual(listModels('resnet5*'), ['resnet50', 'resnet56']);
    assert.deepEqual(listModels('*quick'), ['cifar_quick']);
  });

  test('unknown names suggest the closest', () => {
    assert.throws(() => createModel('resnet21'), /unknown model 'resnet21'; did you mean: .*resnet20/);
    assert.throws(() => createModel('vgg16'), /did you mean: vgg16_cifar/);
  });

  for (const [name, ref] of Object.entries(REFERENCE)) {
    test(`${name}: ${ref.params.toLocaleString('en-US')} parameters${ref.macs ? ', reference MACs' : ''}, output shape`, () => {
      const spec = getModelSpec(name);
      const model = createModel(name);
      try {
        assert.equal(model.numParameters(), ref.params);
        if (ref.macs !== undefined) {
          const profile = profileModel(model, spec.inputSize);
          assert.equal(profile.macs, ref.macs);
          assert.deepEqual(profile.outputShape, [1, spec.defaultNumClasses]);
        }
      } finally {
        model.dispose();
      }
    });
  }

  test('num classes, input channels and grayscale 28x28 inputs', () => {
    const m = createModel('resnet20', { numClasses: 100, inChannels: 1 });
    lc.tidy(() => assert.deepEqual(m.forward(lc.randn([2, 1, 28, 28])).shape, [2, 100]));
    m.dispose();
    const q = createModel('cifar_quick', { inChannels: 1, inputSize: 28 });
    lc.tidy(() => assert.deepEqual(q.forward(lc.randn([2, 1, 28, 28])).shape, [2, 10]));
    assert.equal(q.numParameters(), 117_034 - 2 * 800 - 64 * 64 * 5); // conv1 has 1/3 of the input weights; FC sees 2x2 instead of 3x3
    q.dispose();
    assert.throws(() => createModel('vgg16_cifar', { inputSize: 16 }), /too small/);
    assert.throws(() => createModel('resnet20', { numClasses: 0 }), /numClasses must be a positive integer/);
  });
});

describe('profiler', () => {
  test('counts strided, grouped and dilated convs as executed', () => {
    const model = new nn.Sequential(
      new nn.Conv2d(4, 8, 3, { stride: 2, padding: 1, groups: 2, bias: false }), // out 8x4x4: 8*16 * (2*9)
      new nn.Conv2d(8, 8, 3, { padding: 2, dilation: 2 }), // out 8x4x4: 8*16 * (8*9)
      new nn.Flatten(),
      new nn.Linear(128, 5), // 640
    );
    const p = profileModel(model, [4, 8, 8]);
    assert.deepEqual(p.layers.map((l) => l.macs), [8 * 16 * 18, 8 * 16 * 72, 0, 640]);
    assert.equal(p.macs, 2304 + 9216 + 640);
    assert.equal(p.params, 4 * 8 * 9 / 2 + (8 * 8 * 9 + 8) + (128 * 5 + 5));
    assert.deepEqual(p.layers[0]!.outputShape, [1, 8, 4, 4]);
    assert.ok(model.training, 'the mode is restored');
    model.dispose();
  });

  test('a module called twice is counted twice', () => {
    class Twice extends nn.Module {
      declare readonly conv: nn.Conv2d;
      constructor() {
        super();
        this.addModule('conv', new nn.Conv2d(2, 2, 1, { bias: false }));
      }
      forward(x: lc.Tensor): lc.Tensor {
        const y = this.conv.forward(x);
        const z = this.conv.forward(y);
        y.dispose();
        return z;
      }
    }
    const p = profileModel(new Twice(), [2, 3, 3]);
    assert.equal(p.layers[0]!.calls, 2);
    assert.equal(p.macs, 2 * 2 * 2 * 9);
  });
});

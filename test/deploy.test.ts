import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { ACBlock } from '../src/blocks/index.js';
import { acnetize, buildModel, type ModelForm } from '../src/convert/index.js';
import { exportOnnx, OnnxModel, readOnnxMetadata, verifyOnnx } from '../src/deploy/index.js';
import * as lc from '../src/engine/index.js';
import * as nn from '../src/nn/index.js';

/** Realistic BN statistics: running stats taken from batches of random data (momentum 0.1, 20 steps). */
function calibrate(model: nn.Module, input: number[]): void {
  model.train();
  lc.noGrad(() => {
    for (let i = 0; i < 20; i++) lc.tidy(() => void model.forward(lc.randn([8, ...input])));
  });
  model.eval();
}

const CASES: { name: string; form: ModelForm; input: number[] }[] = [
  { name: 'cifar_quick', form: {}, input: [3, 32, 32] },
  { name: 'cifar_quick', form: { acb: { gamma: 1 / 3 }, deploy: true }, input: [3, 32, 32] },
  { name: 'resnet20', form: {}, input: [1, 28, 28] },
  { name: 'resnet20', form: { acb: { gamma: 1 }, deploy: true }, input: [1, 28, 28] },
  { name: 'wrn16_8', form: { acb: { gamma: 1 }, deploy: true }, input: [3, 32, 32] },
  { name: 'densenet_bc_100', form: {}, input: [3, 32, 32] },
];

describe('ONNX export and ONNX Runtime inference', () => {
  for (const c of CASES) {
    const form = c.form.deploy ? 'deploy' : 'base';
    test(`${c.name} (${form} form): onnxruntime-node equals libtorch (max |diff| < 1e-4) at batch 1 and 5`, async () => {
      const model = buildModel(c.name, { inChannels: c.input[0], inputSize: c.input[1] }, c.form);
      calibrate(model, c.input);
      const exported = exportOnnx(model, { inputShape: c.input, metadata: { model: c.name } });
      if (c.name !== 'wrn16_8' && c.name !== 'densenet_bc_100') assert.equal(exported.ops.BatchNormalization, undefined, 'every BN follows a conv and is folded');
      for (const batch of [1, 5]) {
        const { maxAbsDiff: delta, scale } = await verifyOnnx(model, exported.bytes, c.input, { batch });
        assert.ok(scale > 0.01, `output scale ${scale}`);
        assert.ok(delta < 1e-4, `batch ${batch}: max |diff| ${delta} (scale ${scale})`);
      }
      model.dispose();
    });
  }

  test('the same file runs in onnxruntime-web (wasm backend, under Node)', async () => {
    const model = buildModel('resnet20', {}, { acb: { gamma: 1 }, deploy: true });
    calibrate(model, [3, 32, 32]);
    const exported = exportOnnx(model, { inputShape: [3, 32, 32] });
    const { maxAbsDiff: delta } = await verifyOnnx(model, exported.bytes, [3, 32, 32], { batch: 3, backend: 'web' });
    assert.ok(delta < 1e-4, `max |diff| ${delta}`);
  });

  test('BN folding: a conv-BN ResNet exports with no BatchNormalization node; pre-activation BNs stay', () => {
    const resnet = exportOnnx(buildModel('resnet20'), { inputShape: [3, 32, 32] });
    assert.equal(resnet.foldedBatchNorms, 21);
    assert.equal(resnet.ops.BatchNormalization, undefined);
    assert.equal(resnet.ops.Conv, 21);
    const kept = exportOnnx(buildModel('resnet20'), { inputShape: [3, 32, 32], foldBatchNorm: false });
    assert.equal(kept.ops.BatchNormalization, 21);
    const wrn = exportOnnx(buildModel('wrn16_8'), { inputShape: [3, 32, 32] });
    assert.ok((wrn.ops.BatchNormalization ?? 0) > 0, 'BN before a conv (pre-activation) cannot be folded into it');
  });

  test('metadata round-trips; the batch dimension is symbolic', async () => {
    const exported = exportOnnx(buildModel('cifar_quick'), { inputShape: [3, 32, 32], metadata: { model: 'cifar_quick', classes: ['a', 'b'], input: [3, 32, 32], note: 'x' } });
    assert.deepEqual(readOnnxMetadata(exported.bytes), { model: 'cifar_quick', classes: ['a', 'b'], input: [3, 32, 32], note: 'x' });
    const session = await OnnxModel.load(exported.bytes);
    assert.deepEqual(session.inputShape, [3, 32, 32]);
    const predictions = await session.predict(new Float32Array(7 * 3 * 32 * 32), 7, 2);
    assert.equal(predictions.length, 7);
    for (const p of predictions) {
      assert.equal(p.length, 2);
      assert.ok(p[0]!.probability >= p[1]!.probability);
      for (const { index, label } of p) assert.equal(label, index < 2 ? ['a', 'b'][index] : String(index));
    }
    await session.release();
    await assert.rejects(OnnxModel.load(new Uint8Array([1, 2, 3, 4])), /not a valid ONNX model|ONNX/);
  });

  test('refuses the training form, with the way out in the message', () => {
    const model = acnetize(buildModel('resnet20'));
    assert.throws(() => exportOnnx(model, { inputShape: [3, 32, 32] }), /training form: 19 re-parameterisable block\(s\) \(ACBlock at 'conv1', \.\.\.\).*reparameterize\(model\).*leanconv convert/);
    assert.throws(() => exportOnnx(new ACBlock(3, 3, 3, { padding: 1 }), { inputShape: [3, 8, 8] }), /training form/);
  });

  test('ops it cannot express and constants made inside forward fail with their names', () => {
    class Exp extends nn.Module {
      forward(x: lc.Tensor): lc.Tensor { return x.exp(); }
    }
    assert.throws(() => exportOnnx(new Exp(), { inputShape: [1, 4, 4] }), /op 'exp' is not supported by the ONNX exporter/);
    class AddsConstant extends nn.Module {
      forward(x: lc.Tensor): lc.Tensor {
        const c = lc.ones([1, 1, 4, 4]);
        const y = x.add(c);
        c.dispose();
        return y;
      }
    }
    assert.throws(() => exportOnnx(new AddsConstant(), { inputShape: [1, 4, 4] }), /neither computed from the input nor a parameter or buffer/);
    class MutatesView extends nn.Module {
      forward(x: lc.Tensor): lc.Tensor {
        const y = x.relu();
        const v = y.view(y.shape);
        v.add_(1);
        const out = y.add(v);
        y.dispose();
        v.dispose();
        return out;
      }
    }
    assert.throws(() => exportOnnx(new MutatesView(), { inputShape: [1, 4, 4] }), /in-place op 'add_' on a tensor that shares memory with another live tensor/);
  });
});

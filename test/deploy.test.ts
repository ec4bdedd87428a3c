import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import '../src/papers/index.js';
import { ACBlock } from '../src/papers/acnet/index.js';
import { buildModel, type ModelForm } from '../src/convert/index.js';
import { acnetize } from '../src/papers/acnet/index.js';
import { createRequire } from 'node:module';

import { exportOnnx, OnnxModel, readOnnxMetadata, verifyOnnx } from '../src/deploy/index.js';
import { foldBatchNorms, traceGraph } from '../src/deploy/graph.js';
import * as lc from '../src/engine/index.js';
import * as nn from '../src/nn/index.js';

/** The names in an encoded ONNX graph (decoded with onnx-proto, independently of the exporter's own structures). */
function onnxGraph(bytes: Uint8Array): { output: string[]; nodes: { output: string[] }[]; initializers: string[] } {
  const { onnx } = createRequire(import.meta.url)('onnx-proto') as typeof import('onnx-proto');
  const g = onnx.ModelProto.decode(bytes).graph!;
  return { output: (g.output ?? []).map((o) => o.name!), nodes: (g.node ?? []).map((n) => ({ output: n.output ?? [] })), initializers: (g.initializer ?? []).map((i) => i.name!) };
}

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
  { name: 'wrn16_8', form: {}, input: [3, 32, 32] },
  { name: 'wrn16_8', form: { acb: { gamma: 1 }, deploy: true }, input: [3, 32, 32] },
  { name: 'densenet_bc_100', form: {}, input: [3, 32, 32] },
  { name: 'densenet_bc_100', form: { acb: { gamma: 1 }, deploy: true }, input: [3, 32, 32] },
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

  test('BN folding uses γ/√(σ² + ε): a BN with running variance 1e-6 and ε 1e-3 folds into W·γ/√(σ²+ε)', () => {
    lc.manualSeed(13);
    const model = new nn.Sequential(new nn.Conv2d(2, 3, 3, { bias: true }), new nn.BatchNorm2d(3, { eps: 1e-3 }));
    lc.noGrad(() => {
      const bn = model.getSubmodule('1') as nn.BatchNorm2d;
      bn.running_var.fill_(1e-6);
      bn.running_mean.normal_(0, 0.5);
      bn.weight!.uniform_(0.5, 1.5);
      bn.bias!.normal_(0, 0.5);
    });
    model.eval();
    const graph = traceGraph(model, [2, 5, 5]);
    assert.equal(foldBatchNorms(graph), 1);
    const conv = graph.nodes.find((n) => n.op === 'Conv')!;
    const folded = graph.initializers.get(conv.inputs[1]!)!.data as Float32Array;
    const foldedBias = graph.initializers.get(conv.inputs[2]!)!.data as Float32Array;
    const [conv0, bn] = [model.getSubmodule('0') as nn.Conv2d, model.getSubmodule('1') as nn.BatchNorm2d];
    lc.tidy(() => {
      const scale = bn.weight!.double().div(bn.running_var.double().add(1e-3).sqrt());
      const w = conv0.weight.double().mul(scale.view([-1, 1, 1, 1])).float().data() as Float32Array;
      const b = conv0.bias!.double().sub(bn.running_mean.double()).mul(scale).add(bn.bias!.double()).float().data() as Float32Array;
      for (let i = 0; i < w.length; i++) assert.ok(Math.abs(folded[i]! - w[i]!) <= 1e-5 * Math.max(1, Math.abs(w[i]!)), `weight ${i}: ${folded[i]} vs ${w[i]}`);
      for (let i = 0; i < b.length; i++) assert.ok(Math.abs(foldedBias[i]! - b[i]!) <= 1e-5 * Math.max(1, Math.abs(b[i]!)), `bias ${i}: ${foldedBias[i]} vs ${b[i]}`);
    });
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

describe('ONNX export: every op the exporter accepts matches libtorch under onnxruntime-node', () => {
  /** A module from a forward function, with one learnable [C,1,1] scale and one buffer for tensor operands. */
  class OpCase extends nn.Module {
    declare readonly scale: lc.Tensor;
    declare readonly offset: lc.Tensor;
    constructor(channels: number, private readonly body: (m: OpCase, x: lc.Tensor) => lc.Tensor) {
      super();
      this.addParameter('scale', lc.rand([channels, 1, 1]).add_(0.5));
      this.addBuffer('offset', lc.randn([channels, 1, 1]));
    }
    forward(x: lc.Tensor): lc.Tensor { return this.body(this, x); }
  }
  const seq = (...layers: nn.Module[]): nn.Module => new nn.Sequential(...layers);
  const OPS: { name: string; op: string; input: number[]; model: () => nn.Module }[] = [
    { name: 'Sigmoid', op: 'Sigmoid', input: [3, 5, 5], model: () => seq(new nn.Conv2d(3, 4, 3), new nn.Sigmoid()) },
    { name: 'Sub/Mul/Div by parameters and buffers', op: 'Div', input: [2, 4, 4], model: () => new OpCase(2, (m, x) => lc.tidy(() => x.sub(m.offset).mul(m.scale).div(m.scale))) },
    { name: 'scalar constants (add, sub, mul, div)', op: 'Mul', input: [2, 4, 4], model: () => new OpCase(2, (_m, x) => lc.tidy(() => x.add(1.5).sub(0.25).mul(-2).div(3))) },
    { name: 'alpha-scaled Add and Sub', op: 'Add', input: [2, 4, 4], model: () => new OpCase(2, (m, x) => lc.tidy(() => x.add(m.offset, 0.5).sub(m.scale, -3))) },
    { name: 'Reshape (not a flatten)', op: 'Reshape', input: [4, 4, 4], model: () => new OpCase(4, (m, x) => lc.tidy(() => x.mul(m.scale).reshape([x.shape[0]!, 2, 2, 16]).relu())) },
    { name: 'non-global adaptive average pooling', op: 'AveragePool', input: [3, 8, 8], model: () => seq(new nn.AdaptiveAvgPool2d(2), new nn.Flatten(), new nn.Linear(12, 5)) },
    { name: 'Dropout (eval: identity)', op: 'Gemm', input: [3, 4, 4], model: () => seq(new nn.Flatten(), new nn.Dropout(0.5), new nn.Linear(48, 6)) },
    { name: 'grouped and dilated conv', op: 'Conv', input: [4, 9, 9], model: () => seq(new nn.Conv2d(4, 8, 3, { groups: 2, dilation: 2, padding: 2 }), new nn.Conv2d(8, 8, 3, { groups: 8, stride: 2 })) },
    { name: 'batch norm with its ReLU in one call (F.batchNorm relu)', op: 'Relu', input: [3, 5, 5], model: () => new OpCase(3, (m, x) => lc.tidy(() => lc.F.batchNorm(x, m.offset.flatten().mul(0.1), m.scale.flatten(), { relu: true }))) },
    { name: 'ceil-mode max pooling', op: 'MaxPool', input: [2, 7, 7], model: () => seq(new nn.MaxPool2d({ kernelSize: 2, stride: 2, ceilMode: true })) },
    { name: 'average pooling: padding with and without count_include_pad, ceil mode', op: 'AveragePool', input: [2, 7, 7], model: () => new OpCase(2, (_m, x) => lc.tidy(() => {
      const a = lc.F.avgPool2d(x, { kernelSize: 3, stride: 2, padding: 1, countIncludePad: true });
      const b = lc.F.avgPool2d(x, { kernelSize: 3, stride: 2, padding: 1, countIncludePad: false });
      const c = lc.F.avgPool2d(x, { kernelSize: 2, stride: 2, ceilMode: true });
      return lc.cat([a.add(b), c], 1);
    })) },
  ];
  for (const c of OPS) {
    test(`${c.name}`, async () => {
      lc.manualSeed(1);
      const model = c.model();
      const exported = exportOnnx(model, { inputShape: c.input });
      assert.ok((exported.ops[c.op] ?? 0) > 0, `the graph has ${c.op}: ${JSON.stringify(exported.ops)}`);
      for (const batch of [1, 3]) {
        const { maxAbsDiff: delta, scale } = await verifyOnnx(model, exported.bytes, c.input, { batch });
        assert.ok(scale > 1e-3, `output scale ${scale}`);
        assert.ok(delta < 1e-5 * Math.max(1, scale), `batch ${batch}: max |diff| ${delta}`);
      }
    });
  }

  test('floor division has no ONNX Div equivalent and is refused by name', () => {
    assert.throws(() => exportOnnx(new OpCase(1, (_m, x) => x.div(2, 'floor')), { inputShape: [1, 2, 2] }), /div with rounding mode 'floor'/);
  });

  test('graph names: the output is logits, module outputs carry their module path, folded weights their state-dict names', () => {
    const exported = exportOnnx(buildModel('resnet20'), { inputShape: [3, 32, 32] });
    const graph = onnxGraph(exported.bytes);
    assert.deepEqual(graph.output, ['logits']);
    const values = new Set(graph.nodes.flatMap((n) => n.output));
    // (the last block's output is its stage's output, so it carries the stage's name)
    for (const stage of ['layer1', 'layer2', 'layer3', 'layer1.0', 'layer3.1']) assert.ok(values.has(stage), `stage output '${stage}' in ${[...values].slice(0, 12).join(', ')}...`);
    assert.ok(graph.nodes.every((n) => n.output.every((o) => !/^t\d+$/.test(o))), 'no counter names');
    const inits = new Set(graph.initializers);
    for (const name of ['conv1.weight', 'conv1.bias', 'layer1.0.conv2.weight', 'layer1.0.conv2.bias', 'fc.weight', 'fc.bias']) assert.ok(inits.has(name), `initializer ${name}`);
    assert.ok([...inits].every((n) => !n.includes('+')), `no composed names: ${[...inits].filter((n) => n.includes('+'))}`);
  });
});

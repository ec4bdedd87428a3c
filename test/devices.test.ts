// Devices: the plumbing runs on every machine (CPU); the CUDA tests run where libtorch has CUDA and a
// device, and are skipped with the reason printed elsewhere.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import '../src/papers/index.js';
import * as lc from '../src/engine/index.js';
import { createModel } from '../src/models/index.js';
import { loadModel, saveCheckpoint } from '../src/convert/checkpoint.js';
import { train } from '../src/train/trainer.js';
import { writeMnistDir , tempDir } from './helpers.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'main.js');
const cudaSkip = lc.cudaIsAvailable() && lc.buildInfo().cudaDevices > 0 ? false : 'no CUDA device: this libtorch was built without CUDA or sees no GPU (leanconv checks)';

describe('device plumbing (every machine)', () => {
  test('device names are checked with the reason', () => {
    assert.equal(lc.deviceProblem('cpu'), undefined);
    assert.match(lc.deviceProblem('gpu')!, /'gpu' is not a device name \(cpu, cuda or cuda:N\)/);
    assert.match(lc.deviceProblem('cpu:1')!, /not a device name/);
    if (!lc.cudaIsAvailable()) assert.match(lc.deviceProblem('cuda:0')!, /needs a CUDA build of libtorch.*LIBTORCH=/);
    else assert.match(lc.deviceProblem('cuda:999')!, /does not exist: libtorch sees \d+ CUDA device/);
  });

  test('Module.to moves in place: the same tensors (optimizers keep them), same values, same layout', () => {
    const model = createModel('resnet20', { numClasses: 10, inChannels: 1, inputSize: 28 }).toMemoryFormat('channelsLast');
    const before = model.parameters();
    const values = before[0]!.clone();
    assert.equal(model.to('cpu'), model);
    assert.equal(model.device, 'cpu');
    assert.deepEqual(model.parameters(), before, 'same tensor objects');
    assert.deepEqual(before[0]!.toArray(), values.toArray());
    assert.ok(before[0]!.isContiguous('channelsLast'));
    model.dispose();
  });

  test('a device this build cannot use is refused before anything is written', async () => {
    const dir = tempDir('lc-device-');
    await assert.rejects(train({ model: 'cifar_quick', epochs: 1, device: 'gpu' as lc.Device, outDir: dir, runName: 'r' }), /device: 'gpu' is not a device name/);
    assert.ok(!existsSync(join(dir, 'r')));
    const r = spawnSync(process.execPath, [CLI, 'eval', join(dir, 'nothing'), '--device', 'tpu'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--device: 'tpu' is not a device name/);
  });
});

describe('CUDA', { skip: cudaSkip }, () => {
  test('parameters, buffers and batches move to the GPU; outputs match the CPU', () => {
    lc.manualSeed(0);
    const model = createModel('resnet20', { numClasses: 10, inChannels: 1, inputSize: 28 }).eval();
    const x = lc.randn([4, 1, 28, 28]);
    const expected = lc.noGrad(() => model.forward(x));
    model.to('cuda');
    assert.match(model.device, /^cuda/);
    assert.ok(model.namedBuffers().every(([, b]) => b.device.startsWith('cuda')));
    const got = lc.noGrad(() => model.forward(x.to('cuda'))).to('cpu');
    assert.ok(got.sub(expected).abs().max().item() < 1e-3);
    model.dispose();
  });

  test('CUDA tensors are not reported to V8 as external memory', () => {
    const before = lc.memoryStats().nativeBytes;
    const big = lc.zeros([64, 1024, 1024], { device: 'cuda' });
    assert.equal(lc.memoryStats().nativeBytes, before);
    big.dispose();
  });

  test('training on cuda: the run finishes, and its checkpoint loads and evaluates on the CPU', async () => {
    const dir = tempDir('lc-cuda-');
    const data = join(dir, 'data');
    mkdirSync(data);
    writeMnistDir(data, 128, 28, 10, { randomPixels: 3 });
    const result = await train({ model: 'resnet20', dataset: 'mnist', dataDir: data, epochs: 1, batchSize: 32, device: 'cuda', outDir: dir, runName: 'gpu', workers: 0 }, { log: () => undefined });
    assert.ok(Number.isFinite(result.final.loss));
    const { model } = loadModel(join(result.runDir, 'last.safetensors'));
    assert.equal(model.device, 'cpu');
    const saved = join(dir, 'again.safetensors');
    saveCheckpoint(saved, model.to('cuda'), { model: 'resnet20', modelOptions: { numClasses: 10, inChannels: 1, inputSize: 28 }, epoch: 1 });
    model.dispose();
  });
});

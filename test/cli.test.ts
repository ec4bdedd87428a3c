import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { writeMnistDir } from './helpers.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'main.js');

function leanconv(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, LEANCONV_THREADS: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('leanconv command', () => {
  test('models lists by family and filters', () => {
    const r = leanconv('models', 'resnet*');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /resnet_cifar:\n(.|\n)*resnet56 /);
    assert.doesNotMatch(r.stdout, /vgg16_cifar/);
    const all = JSON.parse(leanconv('models', '--json').stdout) as { name: string; inputSize: number[] }[];
    assert.ok(all.some((m) => m.name === 'densenet_bc_100' && m.inputSize.join() === '3,32,32'));
  });

  test('info --json reports params and MACs; options change the model', () => {
    const r = JSON.parse(leanconv('info', 'resnet56', '--json').stdout) as { params: number; macs: number };
    assert.equal(r.params, 855_770);
    assert.equal(r.macs, 125_747_840);
    const gray = JSON.parse(leanconv('info', 'resnet20', '--json', '--num-classes', '100', '--input', '1,28,28', '--layers').stdout) as { params: number; layers: { name: string }[]; outputShape: number[] };
    assert.deepEqual(gray.outputShape, [1, 100]);
    assert.ok(gray.layers.some((l) => l.name === 'layer3.2.conv2'));
    assert.match(leanconv('info', 'cifar_quick', '--layers').stdout, /features\.0 +Conv2d +\[1, 32, 32, 32\] +2,400 +2,457,600/);
  });

  test('errors suggest the closest command, model, option and dataset', () => {
    let r = leanconv('trian');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command 'trian'; did you mean: train/);
    r = leanconv('info', 'resnet57');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unknown model 'resnet57'; did you mean: .*resnet56/);
    r = leanconv('train', '--epoch', '2');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option '--epoch'; did you mean --epochs/);
    r = leanconv('train', '--dataset', 'cifar-10');
    assert.match(r.stderr, /unknown dataset 'cifar-10'; did you mean: cifar10/);
    r = leanconv('train', '--lr', 'fast');
    assert.match(r.stderr, /--lr must be a number >= 0, got 'fast'/);
    for (const cmd of ['models', 'info', 'train', 'eval', 'benchmark', 'checks']) {
      assert.match(leanconv(cmd, '--help').stdout, /usage: leanconv/, `${cmd} --help`);
    }
  });

  test('train, then eval the checkpoint; benchmark and checks report figures as JSON', () => {
    const data = mkdtempSync(join(tmpdir(), 'lc-cli-'));
    writeMnistDir(data, 32, 8, 4);
    const out = mkdtempSync(join(tmpdir(), 'lc-cli-runs-'));
    const r = leanconv('train', '--model', 'resnet20', '--dataset', 'mnist', '--data-dir', data, '--epochs', '1', '--batch-size', '8', '--workers', '0', '--out-dir', out, '--json', '--quiet');
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { runDir: string; final: { top1: number; count: number } };
    assert.equal(result.final.count, 32);
    assert.deepEqual(readdirSync(result.runDir).sort(), ['best.safetensors', 'config.json', 'last.safetensors', 'log.csv', 'log.jsonl']);
    const ev = JSON.parse(leanconv('eval', join(result.runDir, 'last.safetensors'), '--data-dir', data, '--json').stdout) as { top1: number; model: string };
    assert.equal(ev.model, 'resnet20');
    assert.equal(ev.top1, result.final.top1, 'eval reproduces the trainer\'s final accuracy');
    const bench = JSON.parse(leanconv('benchmark', 'cifar_quick', '--batch-size', '4', '--steps', '2', '--warmup', '1', '--json').stdout) as { train: { imagesPerSecond: number }; infer: { imagesPerSecond: number } };
    assert.ok(bench.train.imagesPerSecond > 0 && bench.infer.imagesPerSecond > 0);
    const checks = JSON.parse(leanconv('checks', '--json').stdout) as { torchVersion: string; threads: number };
    assert.match(checks.torchVersion, /^\d+\.\d+/);
  });
});

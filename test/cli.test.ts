import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import '../src/papers/index.js';
import { readOnnxMetadata } from '../src/deploy/onnx.js';
import { writeConceptSet, writeMnistDir , tempDir } from './helpers.js';

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
    r = leanconv('train', '--memory-format', 'nhcw');
    assert.match(r.stderr, /unknown memory format 'nhcw'; did you mean: .*nchw/);
    r = leanconv('benchmark', 'cifar_quick', '--channels-last', '--memory-format', 'nchw');
    assert.match(r.stderr, /--channels-last conflicts with --memory-format nchw/);
    r = leanconv('train', '--lr', 'fast');
    assert.match(r.stderr, /--lr must be a number >= 0, got 'fast'/);
    for (const cmd of ['models', 'info', 'train', 'eval', 'benchmark', 'checks']) {
      assert.match(leanconv(cmd, '--help').stdout, /usage: leanconv/, `${cmd} --help`);
    }
    // Missing arguments: the usage on stderr and status 2 (with --help: stdout and 0).
    for (const cmd of ['eval', 'convert', 'export', 'import', 'robustness', 'dissect', 'serve', 'predict', 'report', 'experiment', 'info']) {
      r = leanconv(cmd);
      assert.equal(r.code, 2, `${cmd} without arguments`);
      assert.match(r.stderr, new RegExp(`usage: leanconv ${cmd}`));
      assert.equal(r.stdout, '');
    }
    assert.match(leanconv('train', '-d', 'fmnist').stderr, /unknown dataset 'fmnist'; did you mean: fashion-mnist/);
    assert.match(leanconv('--help').stdout, /experiment <paper>   acnet \| condensenet \| dgconv/);
    assert.match(leanconv('convert', '--help').stdout, /DGConv {6}each DGConv2d's learned grouping/);
    // --deploy on a model without training-form blocks says it changes nothing; a fresh CondenseNet shows both deploy figures.
    r = leanconv('info', 'resnet20', '--deploy');
    assert.match(r.stdout, /resnet20 \(base form\)/);
    assert.match(r.stderr, /note: --deploy changes nothing: resnet20 \(without --acb\) has no training-form blocks/);
    r = leanconv('info', 'condensenet86');
    assert.match(r.stdout, /deploy form, as converted now: 1,519,834 params.*have not condensed yet/);
    assert.match(r.stdout, /deploy form once fully condensed \(as at the end of training\): 516,202 params/);
  });

  test('train, then eval the checkpoint; export its backbone; dissect it; benchmark and checks report figures as JSON', async () => {
    const data = tempDir('lc-cli-');
    writeMnistDir(data, 32, 8, 4);
    const out = tempDir('lc-cli-runs-');
    const r = leanconv('train', '--model', 'resnet20', '--dataset', 'mnist', '--data-dir', data, '--epochs', '1', '--batch-size', '8', '--workers', '0', '--out-dir', out, '--json', '--quiet');
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { runDir: string; final: { top1: number; count: number } };
    assert.equal(result.final.count, 32);
    assert.deepEqual(readdirSync(result.runDir).sort(), ['best.safetensors', 'config.json', 'last.safetensors', 'log.csv', 'log.jsonl']);
    const ev = JSON.parse(leanconv('eval', join(result.runDir, 'last.safetensors'), '--data-dir', data, '--json').stdout) as { top1: number; model: string };
    assert.equal(ev.model, 'resnet20');
    assert.equal(ev.top1, Number(result.final.top1.toPrecision(6)), 'eval reproduces the trainer\'s final accuracy');
    // The trained backbone alone: one ONNX output per stage, checked against libtorch.
    const feat = leanconv('export', join(result.runDir, 'last.safetensors'), '--features', '--json');
    assert.equal(feat.code, 0, feat.stderr);
    const exported = JSON.parse(feat.stdout) as { output: string; maxAbsDiff: number };
    assert.match(exported.output, /last\.features\.onnx$/);
    assert.ok(exported.maxAbsDiff < 1e-4);
    assert.deepEqual((readOnnxMetadata(readFileSync(exported.output)).features as { channels: number }[]).map((f) => f.channels), [16, 32, 64]);
    // Dissection of the last stage (the default layer) on a synthetic concept set.
    const concepts = join(data, 'concepts');
    await writeConceptSet(concepts);
    const dis = leanconv('dissect', join(result.runDir, 'last.safetensors'), '--concepts', concepts, '--quantile', '0.2', '--json');
    assert.equal(dis.code, 0, dis.stderr);
    const dissected = JSON.parse(dis.stdout) as { layer: string; units: number; mapSize: number[]; images: number; results: { iou: number }[]; outDir: string };
    assert.deepEqual([dissected.layer, dissected.units, dissected.mapSize, dissected.images, dissected.results.length], ['layer3', 64, [2, 2], 16, 64]);
    assert.ok(existsSync(join(dissected.outDir, 'dissect.json')) && existsSync(join(dissected.outDir, 'units.csv')));
    assert.match(leanconv('dissect', join(result.runDir, 'last.safetensors'), '--concepts', concepts, '--layer', 'fc').stderr, /layer 'fc' gives a 2-d output/);
    const bench = JSON.parse(leanconv('benchmark', 'cifar_quick', '--batch-size', '4', '--steps', '2', '--warmup', '1', '--json').stdout) as { memoryFormat: string; train: { imagesPerSecond: number }; infer: { imagesPerSecond: number } };
    assert.equal(bench.memoryFormat, 'channelsLast', 'a conv model runs channels-last by default');
    const nchw = JSON.parse(leanconv('benchmark', 'cifar_quick', '--batch-size', '2', '--steps', '1', '--warmup', '0', '--mode', 'infer', '--memory-format', 'nchw', '--json').stdout) as { memoryFormat: string };
    assert.equal(nchw.memoryFormat, 'contiguous');
    assert.ok(bench.train.imagesPerSecond > 0 && bench.infer.imagesPerSecond > 0);
    const checks = JSON.parse(leanconv('checks', '--json').stdout) as { torchVersion: string; threads: number };
    assert.match(checks.torchVersion, /^\d+\.\d+/);
  });
});

describe('leanconv ACNet workflow: train --acb, convert, export, predict, experiment', () => {
  const dir = tempDir('leanconv-acnet-');
  writeMnistDir(dir, 192, 28);
  const runs = join(dir, 'runs');

  test('the training form trains, converts to an equal deploy form, exports only after conversion, and predicts', () => {
    let r = leanconv('train', '-m', 'cifar_quick', '--acb', '--acb-gamma', '1/3', '-d', 'mnist', '--data-dir', dir, '-e', '1', '-b', '32', '--out-dir', runs, '--run-name', 'acb', '-q');
    assert.equal(r.code, 0, r.stderr);
    const ckpt = join(runs, 'acb', 'last.safetensors');
    const info = JSON.parse(leanconv('info', ckpt, '--json').stdout) as { form: string; params: number };
    assert.equal(info.form, 'acb');
    r = leanconv('export', ckpt);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /holds the acb training form of cifar_quick \(3 ACBlocks\).*leanconv convert/);
    r = leanconv('convert', ckpt, '--json');
    assert.equal(r.code, 0, r.stderr);
    const converted = JSON.parse(r.stdout) as { output: string; blocks: number; maxAbsDiff: number; params: number };
    assert.equal(converted.blocks, 3);
    assert.ok(converted.maxAbsDiff < 1e-5);
    const deployInfo = JSON.parse(leanconv('info', converted.output, '--json').stdout) as { form: string; params: number; macs: number };
    const baseInfo = JSON.parse(leanconv('info', 'cifar_quick', '--json', '--input', '1,28,28').stdout) as { params: number; macs: number };
    assert.equal(deployInfo.form, 'deploy');
    assert.equal(deployInfo.macs, baseInfo.macs, 'deploy MACs equal the baseline');
    assert.equal(deployInfo.params, baseInfo.params - 128, 'baseline params minus the 3 BNs (2x128) plus 3 conv biases (128)');
    const evalAcb = JSON.parse(leanconv('eval', ckpt, '--json').stdout) as { top1: number; loss: number };
    const evalDeploy = JSON.parse(leanconv('eval', converted.output, '--json').stdout) as { top1: number; loss: number };
    assert.equal(evalDeploy.top1, evalAcb.top1);
    assert.ok(Math.abs(evalDeploy.loss - evalAcb.loss) < 1e-5);
    r = leanconv('export', converted.output, '--out', join(dir, 'm.onnx'), '--json');
    assert.equal(r.code, 0, r.stderr);
    const exported = JSON.parse(r.stdout) as { maxAbsDiff: number; ops: Record<string, number> };
    assert.ok(exported.maxAbsDiff < 1e-4);
    assert.equal(exported.ops.Conv, 3);
    const predicted = JSON.parse(leanconv('predict', join(dir, 'm.onnx'), '-d', 'mnist', '--data-dir', dir, '--json').stdout) as { top1: number; count: number };
    assert.equal(predicted.count, 192);
    assert.ok(Math.abs(predicted.top1 - evalDeploy.top1) <= 1 / 192, `onnx ${predicted.top1} vs libtorch ${evalDeploy.top1}`);
    r = leanconv('convert', converted.output);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no training-form blocks to convert/);
  });

  test('train --acb --export fuses, exports and measures the ONNX model in one command', () => {
    const r = leanconv('train', '-m', 'resnet20', '--acb', '-d', 'mnist', '--data-dir', dir, '-e', '1', '-b', '32', '--out-dir', runs, '--run-name', 'exported', '-q', '--json', '--export');
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout) as { final: { top1: number }; deployment: { checkpoint: string; onnx: string; onnxEval: { top1: number; count: number } } };
    assert.match(res.deployment.checkpoint, /last\.deploy\.safetensors$/);
    assert.ok(readdirSync(join(runs, 'exported')).includes('model.onnx'));
    assert.equal(res.deployment.onnxEval.count, 192);
    assert.ok(Math.abs(res.deployment.onnxEval.top1 - res.final.top1) <= 1 / 192, `onnx ${res.deployment.onnxEval.top1} vs libtorch ${res.final.top1}`);
  });

  test('experiment acnet trains both forms with one recipe and checks the deploy form on every test image', () => {
    const r = leanconv('experiment', 'acnet', '-m', 'cifar_quick', '-d', 'mnist', '--data-dir', dir, '-e', '2', '-b', '32', '--dir', join(dir, 'exp'), '-q', '--json');
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout) as { base: { params: number; top1Mean: number }; acb: { params: number }; deploy: { params: number; agreement: { count: number; samePrediction: number; maxAbsDiff: number } }; config: { acbGamma: number; biasLrMultiplier: number } };
    assert.equal(res.config.biasLrMultiplier, 2, 'the acnet preset is the default recipe');
    assert.ok(Math.abs(res.config.acbGamma - 1 / 3) < 1e-6, 'JSON output is rounded to 6 significant digits');
    assert.ok(res.acb.params > res.base.params && res.deploy.params === res.base.params - 128);
    assert.equal(res.deploy.agreement.count, 192);
    assert.equal(res.deploy.agreement.samePrediction, 192);
    assert.ok(res.deploy.agreement.maxAbsDiff < 1e-4);
    assert.ok(readdirSync(join(dir, 'exp')).includes('results.md'));
    // The report overlays both runs, the ACNet form first (the one evaluated on the test set).
    const report = (JSON.parse(r.stdout) as { report: string }).report;
    assert.equal(report, join(dir, 'exp', 'report', 'index.html'));
    const page = readFileSync(report, 'utf8');
    assert.ok(page.indexOf('<td>acb</td>') > 0 && page.indexOf('<td>acb</td>') < page.indexOf('<td>base</td>'), 'both runs, ACNet first');
    assert.match(page, /Test set: acb/);
    // A rerun with another recipe is refused, naming the difference; --force trains afresh under the new label.
    const args = ['experiment', 'acnet', '-m', 'cifar_quick', '-d', 'mnist', '--data-dir', dir, '-e', '1', '-b', '32', '--dir', join(dir, 'exp'), '-q'];
    const rerun = leanconv(...args);
    assert.equal(rerun.code, 1);
    assert.match(rerun.stderr, /holds a run with another recipe \(epochs 2 -> 1\).*--force/);
    const forced = leanconv(...args, '--force', '--json');
    assert.equal(forced.code, 0, forced.stderr);
    const fresh = JSON.parse(forced.stdout) as { epochs: number; base: { runDir: string } };
    assert.equal(fresh.epochs, 1);
    assert.match(readFileSync(join(dir, 'exp', 'results.md'), 'utf8'), /cifar_quick on mnist, 1 epoch,/);
    assert.equal(readFileSync(join(fresh.base.runDir, 'log.jsonl'), 'utf8').trim().split('\n').length, 1);
  });
});

describe('leanconv CondenseNet workflow: train, convert, export, predict, experiment', () => {
  const dir = tempDir('leanconv-condense-');
  writeMnistDir(dir, 96, 28);
  const runs = join(dir, 'runs');
  const tiny = ['-m', 'condensenet', '--model-args', 'stages=1-1-1,growth=4-4-4'];

  test('train (group lasso) condenses; convert reports the exact part and the classifier prune; export and predict agree', () => {
    let r = leanconv('train', ...tiny, '--group-lasso', '1e-4', '-d', 'mnist', '--data-dir', dir, '-e', '2', '-b', '32', '--out-dir', runs, '--run-name', 'cn', '-q');
    assert.equal(r.code, 0, r.stderr);
    const ckpt = join(runs, 'cn', 'last.safetensors');
    const config = JSON.parse(readFileSync(join(runs, 'cn', 'config.json'), 'utf8')) as { regularizers: Record<string, number>; modelArgs: { stages: number[] } };
    assert.deepEqual([config.regularizers, config.modelArgs.stages], [{ groupLasso: 1e-4 }, [1, 1, 1]]);
    r = leanconv('export', ckpt);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /holds the training form of condensenet \(3 LearnedGroupConvs, 1 CondensableLinear\).*leanconv convert/);
    r = leanconv('convert', ckpt, '--json');
    assert.equal(r.code, 0, r.stderr);
    const converted = JSON.parse(r.stdout) as { output: string; blocks: number; maxAbsDiff: number; lossy: { blocks: number; maxAbsDiff: number }; params: number };
    assert.equal(converted.blocks, 4, '3 learned group convs and the classifier');
    assert.ok(converted.maxAbsDiff < 1e-5);
    assert.equal(converted.lossy.blocks, 1);
    const info = JSON.parse(leanconv('info', converted.output, '--json').stdout) as { form: string; params: number; reference: { convention: string; params: number } };
    assert.equal(info.form, 'deploy');
    assert.equal(info.params, converted.params);
    assert.equal(info.reference.convention, 'condensenet');
    assert.equal(info.reference.params, info.params, 'the convention counts a converted model\'s real params');
    const trainedInfo = JSON.parse(leanconv('info', ckpt, '--json').stdout) as { params: number; macs: number; reference: { flops: number } };
    assert.ok(trainedInfo.params > info.params);
    r = leanconv('export', converted.output, '--out', join(dir, 'cn.onnx'), '--json');
    assert.equal(r.code, 0, r.stderr);
    const exported = JSON.parse(r.stdout) as { maxAbsDiff: number; ops: Record<string, number> };
    assert.ok(exported.maxAbsDiff < 1e-4);
    assert.equal(exported.ops.Gather, 4);
    const evalDeploy = JSON.parse(leanconv('eval', converted.output, '--json').stdout) as { top1: number };
    const predicted = JSON.parse(leanconv('predict', join(dir, 'cn.onnx'), '-d', 'mnist', '--data-dir', dir, '--json').stdout) as { top1: number; count: number };
    assert.equal(predicted.count, 96);
    assert.ok(Math.abs(predicted.top1 - evalDeploy.top1) <= 1 / 96, `onnx ${predicted.top1} vs libtorch ${evalDeploy.top1}`);
    const attacked = JSON.parse(leanconv('robustness', converted.output, '--eps', '0,0.5', '--json').stdout) as { count: number; accuracy: { epsilon: number; top1: number }[] };
    assert.equal(attacked.count, 96);
    assert.equal(attacked.accuracy[0]!.top1, evalDeploy.top1, 'ε = 0 is the clean accuracy (pixels normalised inside, as in eval)');
    assert.ok(attacked.accuracy[1]!.top1 <= attacked.accuracy[0]!.top1);
    const pgd = JSON.parse(leanconv('robustness', converted.output, '--attack', 'pgd', '--steps', '2', '--eps', '0.1', '--limit', '40', '--json').stdout) as { count: number; attack: string };
    assert.deepEqual([pgd.count, pgd.attack], [40, 'pgd']);
    r = leanconv('robustness', converted.output, '--attack', 'fgm');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown attack 'fgm'.*fgsm/);
    const built = JSON.parse(leanconv('info', 'condensenet', '--model-args', 'stages=1-1-1,growth=4-4-4', '--deploy', '--in-channels', '1', '--json').stdout) as { params: number };
    assert.equal(built.params, info.params, 'the deploy form builds directly from the name and args');
    r = leanconv('info', 'condensenet', '--model-args', 'stages=1-1-1,growth=4-4-4,colour=red');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unknown argument of model 'condensenet' 'colour'/);
  });

  test('experiment condensenet: baseline and CondenseNet with one recipe, converted and compared on every test image', () => {
    const r = leanconv('experiment', 'condensenet', ...tiny, '--baseline-args', 'stages=1-1-1,growth=4-4-4', '-d', 'mnist', '--data-dir', dir, '-e', '2', '-b', '32',
      '--dir', join(dir, 'exp'), '--throughput-batch', '8', '-q', '--json');
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout) as {
      config: { nesterov: boolean; batchSize: number }; baseline: { params: number; top1Last: number }; training: { params: number; flops: number; inferImagesPerSecond: number };
      masked: { params: number }; converted: { params: number; agreement: { count: number }; exactMaxAbsDiff: number };
    };
    assert.equal(res.config.nesterov, true, 'the condensenet preset is the default recipe');
    assert.ok(res.training.params > res.masked.params && res.masked.params > res.converted.params - 200, 'masked ~ converted (BN copies and the classifier prune aside)');
    assert.equal(res.converted.agreement.count, 96);
    assert.ok(res.converted.exactMaxAbsDiff < 1e-5);
    assert.ok(res.training.inferImagesPerSecond > 0);
    assert.match(readFileSync(join(dir, 'exp', 'results.md'), 'utf8'), /condensenet \(stages=1-1-1, growth=4-4-4\) vs densenet_bc_100 \(stages=1-1-1, growth=4-4-4\) on mnist, 2 epochs/);
  });
});

describe('leanconv DGConv workflow: train with a budget, convert, export, predict, experiment', () => {
  const dir = tempDir('leanconv-dgconv-');
  writeMnistDir(dir, 96, 28);
  const runs = join(dir, 'runs');
  const tiny = ['--model-args', 'width=8,blocks=1-1-1', '-d', 'mnist', '--data-dir', dir, '-b', '32'];

  test('train --dg-budget logs ΣR, the budget and the groups per layer; convert is exact and cheaper; export and predict agree', () => {
    let r = leanconv('train', '-m', 'g_resnext20_cifar', ...tiny, '--dg-budget', '4', '-e', '2', '--out-dir', runs, '--run-name', 'dg');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /connections: \d+ \(budget 336 = 1344\/4, (over|within)\)/, 'Σ C² = 8² + 16² + 32²');
    assert.match(r.stderr, /groups per layer: \d+ \d+ \d+/);
    const log = readFileSync(join(runs, 'dg', 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { notes: { connections: number; structure: Record<string, number> } });
    assert.equal(log.length, 2);
    assert.deepEqual(Object.keys(log[1]!.notes.structure), ['layer1.0.conv2', 'layer2.0.conv2', 'layer3.0.conv2']);
    const config = JSON.parse(readFileSync(join(runs, 'dg', 'config.json'), 'utf8')) as { budgets: Record<string, number>; decayGates: boolean };
    assert.deepEqual([config.budgets, config.decayGates], [{ connections: 4 }, false]);
    const ckpt = join(runs, 'dg', 'last.safetensors');
    const trainedInfo = JSON.parse(leanconv('info', ckpt, '--json').stdout) as { params: number; macs: number; deployForm: { params: number; macs: number } };
    r = leanconv('convert', ckpt, '--json');
    assert.equal(r.code, 0, r.stderr);
    const converted = JSON.parse(r.stdout) as { output: string; blocks: number; maxAbsDiff: number; params: number };
    assert.equal(converted.blocks, 3, 'three G-ResNeXt bottlenecks');
    assert.ok(converted.maxAbsDiff < 1e-5, `${converted.maxAbsDiff}`);
    const info = JSON.parse(leanconv('info', converted.output, '--json').stdout) as { form: string; params: number; macs: number; deployForm?: unknown };
    assert.equal(info.form, 'deploy');
    assert.deepEqual([info.params, info.macs, info.deployForm], [trainedInfo.deployForm.params, trainedInfo.deployForm.macs, undefined], 'info of the training form predicted the deploy cost');
    assert.ok(info.params < trainedInfo.params, 'fewer params than the masked dense form');
    r = leanconv('export', converted.output, '--out', join(dir, 'dg.onnx'), '--json');
    assert.equal(r.code, 0, r.stderr);
    const exported = JSON.parse(r.stdout) as { maxAbsDiff: number; ops: Record<string, number> };
    assert.ok(exported.maxAbsDiff < 1e-4);
    assert.equal(exported.ops.Gather, undefined, 'the permutations are folded into the neighbouring layers');
    const evalDeploy = JSON.parse(leanconv('eval', converted.output, '--json').stdout) as { top1: number };
    const evalTrained = JSON.parse(leanconv('eval', ckpt, '--json').stdout) as { top1: number };
    assert.equal(evalDeploy.top1, evalTrained.top1);
    const predicted = JSON.parse(leanconv('predict', join(dir, 'dg.onnx'), '-d', 'mnist', '--data-dir', dir, '--json').stdout) as { top1: number; count: number };
    assert.equal(predicted.count, 96);
    assert.ok(Math.abs(predicted.top1 - evalDeploy.top1) <= 1 / 96, `onnx ${predicted.top1} vs libtorch ${evalDeploy.top1}`);
    r = leanconv('train', '-m', 'resnet20', '-d', 'mnist', '--data-dir', dir, '-b', '32', '--dg-budget', '4', '--out-dir', runs);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /the model has no 'connections' regulariser/);
  });

  test('experiment dgconv: dense, fixed groups and the budgeted G-ResNeXt with one recipe; the deploy form agrees on every test image', () => {
    const r = leanconv('experiment', 'dgconv', ...tiny, '-e', '1', '--groups', '2', '--dir', join(dir, 'exp'), '--throughput-batch', '8', '-q', '--json');
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout) as {
      dense: { params: number }; fixed: { params: number }; dgconv: { params: number; learnedGroups: Record<string, number>; budget: number };
      deployed: { params: number; macs: number; agreement: { count: number; samePrediction: number; maxAbsDiff: number } };
    };
    assert.equal(res.dgconv.params, res.dense.params + 3 + 4 + 5, 'the dense model plus the gates');
    assert.equal(res.dense.params - res.fixed.params, 9 * (64 + 256 + 1024) / 2, 'two groups halve the 3x3 weights');
    assert.equal(res.dgconv.budget, 1344 / 2);
    assert.equal(Object.keys(res.dgconv.learnedGroups).length, 3);
    assert.deepEqual([res.deployed.agreement.count, res.deployed.agreement.samePrediction], [96, 96]);
    assert.ok(res.deployed.agreement.maxAbsDiff < 1e-5);
    assert.match(readFileSync(join(dir, 'exp', 'results.md'), 'utf8'), /\| ResNeXt, 2 groups \|/);
    assert.equal(leanconv('experiment', 'dgconv', '-m', 'resnet20').code, 2);
  });
});

describe('leanconv command: rough edges a new user hits', () => {
  const data = tempDir('lc-cli-edges-');
  writeMnistDir(data, 32, 8, 4);
  const runs = join(data, 'runs');
  const trainArgs = ['-m', 'resnet20', '-d', 'mnist', '--data-dir', data, '-b', '8', '--workers', '0', '--out-dir', runs];
  const noDoubledPrefix = (stderr: string): void => assert.doesNotMatch(stderr, /leanconv (\w+): \1:/, stderr);

  test('--version; negative numbers reach the option check; conflicting or orphan options are refused', () => {
    const v = leanconv('--version');
    assert.equal(v.code, 0);
    assert.match(v.stdout, /^leanconv \d+\.\d+\.\d+ \(libtorch \d/);
    let r = leanconv('train', '--lr', '-1');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--lr must be a number >= 0, got '-1'/);
    r = leanconv('train', '-e', '-3');
    assert.match(r.stderr, /--epochs must be an integer >= 1, got '-3'/);
    r = leanconv('train', '--acb-gamma', '1/3');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--acb-gamma needs --acb/);
    r = leanconv('info', 'resnet20', '--input', '3,28,28', '--in-channels', '1');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--input 3,28,28 has 3 channels but --in-channels says 1/);
    const ok = JSON.parse(leanconv('info', 'resnet20', '--input', '1x28x28', '--json').stdout) as { outputShape: number[]; params: number };
    assert.equal(ok.params, 272_474 - 2 * 9 * 16);
  });

  test('options are validated before the banner and before any run directory exists', () => {
    let r = leanconv('train', ...trainArgs, '--label-smoothing', '2', '--run-name', 'bad');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /labelSmoothing must be in \[0, 1\), got 2/);
    assert.doesNotMatch(r.stderr, /leanconv: training/);
    assert.ok(!existsSync(join(runs, 'bad')));
    r = leanconv('train', '-d', 'folder', '--out-dir', runs);
    assert.match(r.stderr, /dataset 'folder' needs a directory \(--data-dir\)/);
    assert.doesNotMatch(r.stderr, /leanconv: training/);
    noDoubledPrefix(r.stderr);
  });

  test('training on an image folder says the size the photos are brought to', async () => {
    const sharp = (await import('sharp')).default;
    const folder = tempDir('lc-cli-folder-');
    for (const cls of ['cat', 'dog']) {
      mkdirSync(join(folder, cls));
      for (let i = 0; i < 4; i++) await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 60 * i, g: cls === 'cat' ? 200 : 20, b: 90 } } }).png().toFile(join(folder, cls, `${i}.png`));
    }
    const r = leanconv('train', '-m', 'cifar_quick', '-d', 'folder', '--data-dir', folder, '-e', '1', '-b', '4', '--workers', '0', '--out-dir', runs, '--run-name', 'folder');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /images are resized and cropped to 32x32 \(cifar_quick's input size; --input-size S to change it\)/);
  });

  test('train prints "1 epoch"; resume of a finished run reports it, extends with -e, refuses recipe options; eval takes a run dir', () => {
    let r = leanconv('train', ...trainArgs, '-e', '1', '--run-name', 'one', '--lr', '0.0000113');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /after 1 epoch in/);
    assert.match(r.stderr, /for 1 epoch \(batch 8, lr 1\.13e-5, cosine\)/);
    const run = join(runs, 'one');
    r = leanconv('train', '--resume', run, '--json', '-q');
    assert.equal(r.code, 0, r.stderr);
    const finished = JSON.parse(r.stdout) as { trainedEpochs: number; final: { top1: number } };
    assert.equal(finished.trainedEpochs, 0);
    assert.equal(typeof finished.final.top1, 'number');
    assert.match(leanconv('train', '--resume', run, '-q').stdout, /the run had already finished; nothing was trained/);
    r = leanconv('train', '--resume', run, '--lr', '0.1');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--lr cannot change it/);
    r = leanconv('train', '--resume', run, '-e', '2', '--json', '-q');
    assert.equal(r.code, 0, r.stderr);
    const extended = JSON.parse(r.stdout) as { epochs: number; trainedEpochs: number; history: { epoch: number; test?: { top1: number } }[] };
    assert.deepEqual([extended.epochs, extended.trainedEpochs, extended.history.length], [2, 1, 2]);
    const ev = leanconv('eval', run, '--json');
    assert.equal(ev.code, 0, ev.stderr);
    const evJson = JSON.parse(ev.stdout) as { top1: number; loss: number; checkpoint: string };
    assert.equal(evJson.top1, extended.history[1]!.test!.top1);
    assert.match(evJson.checkpoint, /last\.safetensors$/);
    assert.ok(String(evJson.loss).replace(/^0\.0*|\./g, '').length <= 6, `JSON numbers are rounded: ${evJson.loss}`);
    const bench = leanconv('benchmark', run, '--batch-size', '2', '--steps', '1', '--warmup', '0', '--mode', 'infer', '--json');
    assert.equal(bench.code, 0, bench.stderr);
    assert.deepEqual((JSON.parse(bench.stdout) as { input: number[] }).input, [1, 8, 8], 'benchmark takes a checkpoint as info does');
    r = leanconv('export', join(run, 'last.safetensors'), '--out', join(data, 'missing', 'x.onnx'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot write .*missing\/x\.onnx: the directory .*missing does not exist/);
    noDoubledPrefix(r.stderr);
    assert.match(leanconv('eval', join(data, 'nope')).stderr, /nope does not exist/);
    r = leanconv('train', '--resume', run, '--lr', '0.2');
    assert.match(r.stderr, /--nproc, --nnodes, --node-rank, --master-addr, --master-port to resume a data-parallel run/);
    // Robustness takes the run directory too (it used to fail with EISDIR), and reports progress on stderr.
    const attacked = leanconv('robustness', run, '--eps', '0,0.1', '--limit', '8', '--json');
    assert.equal(attacked.code, 0, attacked.stderr);
    assert.equal((JSON.parse(attacked.stdout) as { count: number }).count, 8);
    assert.match(attacked.stderr, /robustness: 8\/8 images attacked \(FGSM at 2 budgets\)/);
  });

  test('predict warns when the model has no leanconv metadata', async () => {
    const { exportOnnx } = await import('../src/deploy/index.js');
    const { buildModel } = await import('../src/convert/index.js');
    const bare = join(data, 'bare.onnx');
    writeFileSync(bare, exportOnnx(buildModel('cifar_quick', { inChannels: 1, inputSize: 16 }), { inputShape: [1, 16, 16] }).bytes);
    const png = join(data, 'x.png');
    const sharp = (await import('sharp')).default;
    await sharp(Buffer.alloc(20 * 30 * 3, 90), { raw: { width: 30, height: 20, channels: 3 } }).png().toFile(png);
    const r = leanconv('predict', bare, png, '--input', '1,16,16');
    assert.equal(r.code, 2, 'predict has no --input option');
    const p = leanconv('predict', bare, png);
    assert.match(p.stderr, /warning: bare\.onnx has no preprocessing and class names in its metadata/);
    assert.match(leanconv('predict', '--help').stdout, /shorter side is the model's input size, then centre-cropped/);
  });
});

// Released checkpoints in a form other than the base model's, from the command line: CondenseNet's converted
// ImageNet checkpoint (converted_condensenet_4.pth.tar) imports into the deploy form, found from its names or
// named with --form. The file is made the way the released one was: a fully condensed CondenseNet-74 (C=G=4)
// converted (here by leanconv), its state dict saved by Debian's python3-torch through DataParallel ('module.'
// names) under 'state_dict'.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import '../src/papers/index.js';
import { reparameterize } from '../src/convert/index.js';
import * as lc from '../src/engine/index.js';
import { saveSafetensors } from '../src/engine/safetensors.js';
import { createModel, defaultEvalPreprocessing, getModelSpec } from '../src/models/index.js';
import * as nn from '../src/nn/index.js';
import { loadModel } from '../src/convert/checkpoint.js';
import { maxAbsDiff, randomizeBatchNorms, tempDir } from './helpers.js';

const CLI = join(import.meta.dirname, '..', 'src', 'cli', 'main.js');
const SCRIPT = join(import.meta.dirname, '..', '..', 'test', 'support', 'official_layout.py');
const leanconv = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

describe('import --form', () => {
  test("CondenseNet-74 C=G=4's converted .pth.tar imports into the deploy form and gives the conversion's logits", () => {
    const dir = tempDir('lc-forms-');
    lc.manualSeed(11);
    const model = createModel('condensenet74_c4g4');
    randomizeBatchNorms(model);
    nn.broadcastProgress(model, nn.trainingProgress(0, 1, 1, 1)); // the end of training: fully condensed
    const converted = reparameterize(model.eval());
    const raw = join(dir, 'converted.safetensors');
    saveSafetensors(raw, converted.stateDict());
    const file = join(dir, 'converted_condensenet_4.pth.tar');
    const py = spawnSync('/usr/bin/python3', [SCRIPT, raw, file, 'module.', 'state_dict'], { encoding: 'utf8' });
    assert.equal(py.status, 0, py.stderr);
    const x = lc.linspace(-2, 2, 2 * 3 * 224 * 224).reshape([2, 3, 224, 224]).sin();
    const expected = lc.noGrad(() => converted.forward(x));

    for (const [args, name] of [[[], 'detected'], [['--form', 'deploy'], 'named']] as const) {
      const out = join(dir, `${name}.safetensors`);
      const r = leanconv('import', file, '-m', 'condensenet74_c4g4', '-o', out, ...args, '--json');
      assert.equal(r.status, 0, r.stderr);
      assert.equal((JSON.parse(r.stdout) as { form: string }).form, 'deploy');
      const imported = loadModel(out);
      assert.deepEqual(imported.meta.form, { deploy: true });
      const logits = lc.noGrad(() => imported.model.eval().forward(x));
      assert.ok(maxAbsDiff(logits, expected) < 1e-5, `${name}: ${maxAbsDiff(logits, expected)}`);
      imported.model.dispose();
    }
    const wrong = leanconv('import', file, '-m', 'condensenet74_c4g4', '-o', join(dir, 'base.safetensors'), '--form', 'base');
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /do not fit 'condensenet74_c4g4'/);
    const other = leanconv('import', file, '-m', 'condensenet74_c8g8', '-o', join(dir, 'c8.safetensors'));
    assert.equal(other.status, 1);
    assert.match(other.stderr, /nor do they fit condensenet74_c8g8's deploy or acb form/);
    assert.equal(leanconv('import', file, '-m', 'condensenet74_c4g4', '--form', 'fused').status, 2);
    for (const t of [x, expected]) t.dispose();
    for (const m of [model, converted]) m.dispose();
  });
});

describe('the preprocessing imports record', () => {
  test("small RGB models: CIFAR-10's statistics, CIFAR-100's for 100 classes (HCGNet's and CondenseNet's loaders); ImageNet's at 224 px", () => {
    const normalize = (name: string, numClasses?: number) => defaultEvalPreprocessing(getModelSpec(name), { numClasses }).find((t) => t.name === 'normalize');
    assert.deepEqual(normalize('hcgnet_a1'), { name: 'normalize', mean: [0.4914, 0.4822, 0.4465], std: [0.2470, 0.2435, 0.2616] });
    assert.deepEqual(normalize('condensenet86', 100), { name: 'normalize', mean: [0.5071, 0.4867, 0.4408], std: [0.2675, 0.2565, 0.2761] });
    assert.deepEqual(normalize('resnet18', 100), { name: 'normalize', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
  });
});

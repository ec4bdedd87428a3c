// ACBs whose 1-D branches are shorter than the square kernel (ACNet's README: "add 1x3 and 3x1 onto Cifar-quick's
// 5x5 convs"): they fuse exactly for every padding and stride, train from the command line, and an HDF5 file under
// ACNet's official names imports in that form.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import h5wasm from 'h5wasm/node';
import '../src/papers/index.js';
import { ACBlock } from '../src/papers/acnet/index.js';
import { acnetize } from '../src/papers/acnet/convert.js';
import { reparameterize } from '../src/convert/index.js';
import * as lc from '../src/engine/index.js';
import { acnetNameToLeanconv, importAcnetHdf5, readHdf5Datasets } from '../src/papers/acnet/interop.js';
import { createModel } from '../src/models/index.js';
import { withoutEvalFusion } from '../src/nn/fusion.js';
import type { Module } from '../src/nn/module.js';
import { maxAbsDiff, randomizeBatchNorms, tempDir } from './helpers.js';

const CLI = join(import.meta.dirname, '..', 'src', 'cli', 'main.js');
const FIXTURES = join(import.meta.dirname, '..', '..', 'test', 'fixtures');

/** A Cifar-quick in the ACNet form with 1x3 / 3x1 branches on its 5x5 convs, every value random. */
function quickWithShortBranches(): Module {
  const model = acnetize(createModel('cifar_quick'), { branchLength: 3, preserveFunction: false });
  randomizeBatchNorms(model);
  lc.noGrad(() => {
    for (const m of model.modules()) if (m instanceof ACBlock) for (const c of [m.ver_conv, m.hor_conv]) c.weight.normal_(0, 0.1);
  });
  return model.eval();
}

describe('ACBs with short 1-D branches', () => {
  test('1x3 and 3x1 on a 5x5 kernel fuse exactly for every padding and stride', () => {
    lc.manualSeed(21);
    for (const [padding, stride] of [[2, 1], [0, 1], [1, 2], [3, 1]] as const) {
      const block = new ACBlock(4, 6, 5, { padding, stride, branchLength: 3 });
      randomizeBatchNorms(block);
      block.eval();
      assert.deepEqual(block.ver_conv.weight.shape, [6, 4, 3, 1]);
      assert.deepEqual(block.hor_conv.weight.shape, [6, 4, 1, 3]);
      const fused = block.toDeploy();
      lc.noGrad(() => lc.tidy(() => {
        const x = lc.randn([2, 4, 11, 13]);
        const written = withoutEvalFusion(() => block.forward(x));
        const d = maxAbsDiff(written, fused.forward(x));
        assert.ok(d < 1e-5 * Math.max(1, written.abs().max().item()), `padding ${padding} stride ${stride}: ${d}`);
      }));
      for (const m of [block, fused]) m.dispose();
    }
    assert.throws(() => new ACBlock(4, 6, 5, { branchLength: 4 }), /branchLength must be an odd integer from 1 to the kernel size 5, got 4/);
    assert.throws(() => new ACBlock(4, 6, 3, { branchLength: 5 }), /got 5/);
  });

  test("Cifar-quick with 1x3/3x1 branches: the deploy form equals the training form, and ACNet's names import it in that form", async () => {
    lc.manualSeed(22);
    const model = quickWithShortBranches();
    const x = lc.linspace(-1, 1, 2 * 3 * 32 * 32).reshape([2, 3, 32, 32]);
    const expected = lc.noGrad(() => withoutEvalFusion(() => model.forward(x)));
    const copy = quickWithShortBranches();
    copy.loadStateDict(model.stateDict());
    const deployed = reparameterize(copy);
    assert.ok(maxAbsDiff(lc.noGrad(() => deployed.forward(x)), expected) < 1e-5, 'fused exactly');

    // An HDF5 file under the official names (those of ACNet's ACB-form Cifar-quick), holding this model's tensors.
    const official = await readHdf5Datasets(join(FIXTURES, 'acnet-cfqk-acb.hdf5'));
    const file = join(tempDir('lc-acb-branch-'), 'cfqk-1x3.hdf5');
    await h5wasm.ready;
    const f = new h5wasm.File(file, 'w');
    const ours = model.stateDict();
    for (const name of official.keys()) {
      const t = ours[acnetNameToLeanconv('cifar_quick', name)!]!;
      f.create_dataset({ name: name.replace(/\//g, '+'), data: t.dtype === 'int64' ? t.data<'int64'>() : t.data<'float32'>(), shape: [...t.shape] });
    }
    f.close();
    const imported = await importAcnetHdf5(file, { model: 'cifar_quick' });
    assert.deepEqual(imported.form, { acb: { gamma: 1, branchLength: 3 } });
    const logits = lc.noGrad(() => withoutEvalFusion(() => imported.model.eval().forward(x)));
    assert.ok(maxAbsDiff(logits, expected) < 1e-6, 'the imported model computes what was written');
    for (const m of [model, deployed, imported.model]) m.dispose();
  });

  test('leanconv train --acb --acb-branch 3 trains Cifar-quick in that form, and convert fuses it exactly', () => {
    const dir = tempDir('lc-acb-branch-cli-');
    const r = spawnSync(process.execPath, [CLI, 'train', '-m', 'cifar_quick', '--acb', '--acb-branch', '3', '-e', '1', '--train-subset', '200', '-b', '50',
      '--workers', '0', '--out-dir', dir, '--run-name', 'q', '--json'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const c = spawnSync(process.execPath, [CLI, 'convert', join(dir, 'q', 'last.safetensors'), '--json'], { encoding: 'utf8' });
    assert.equal(c.status, 0, c.stderr);
    const report = JSON.parse(c.stdout) as { maxAbsDiff: number };
    assert.ok(report.maxAbsDiff < 1e-4, `${report.maxAbsDiff}`);
    const info = spawnSync(process.execPath, [CLI, 'info', join(dir, 'q', 'last.safetensors'), '--layers'], { encoding: 'utf8' });
    assert.match(info.stdout, /branches=1x3|ver_conv/);
  });
});

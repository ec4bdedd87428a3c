// ACNet's ImageNet ResNets (sres18, sres34, sres50) import onto torchvision-layout resnet18/34/50 in all three forms.
// Fixtures by scripts/fixtures/acnet_sres.py from the official code: the official names and shapes of every build,
// and the official sres18's logits in each build with every tensor set by a formula, which this test computes again
// to write the HDF5 file as ACNet's engine.save_hdf5 does.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import h5wasm from 'h5wasm/node';
import '../src/papers/index.js';
import { buildModel, type ModelForm } from '../src/convert/form.js';
import * as lc from '../src/engine/index.js';
import { acnetNameToLeanconv, importAcnetHdf5 } from '../src/papers/acnet/interop.js';
import { readCheckpointMeta } from '../src/convert/checkpoint.js';
import { tempDir } from './helpers.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'test', 'fixtures');
const CLI = join(import.meta.dirname, '..', 'src', 'cli', 'main.js');
type Build = 'base' | 'acb' | 'deploy';
const FORMS: Record<Build, ModelForm> = { base: {}, acb: { acb: { gamma: 1 } }, deploy: { acb: { gamma: 1 }, deploy: true } };
const OURS: Record<string, string> = { sres18: 'resnet18', sres34: 'resnet34', sres50: 'resnet50' };

/** scripts/fixtures/acnet_sres.py's `values`: sin(0.731 i + offset(name)), scaled per kind of tensor. */
function values(name: string, shape: readonly number[]): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const offset = ([...name].reduce((a, c) => a + c.charCodeAt(0), 0) % 628) / 100;
  const fanIn = shape.slice(1).reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const s = Math.sin(i * 0.731 + offset);
    out[i] = name.endsWith('running_var') ? 1 + 0.5 * s * s
      : name.endsWith('running_mean') ? 0.1 * s
        : shape.length === 1 && name.endsWith('weight') ? 1 + 0.1 * s
          : shape.length === 1 ? 0.05 * s
            : s * Math.sqrt(2 / fanIn);
  }
  return out;
}

describe("ACNet's ImageNet ResNets (sres18/34/50)", () => {
  const keys = JSON.parse(readFileSync(join(FIXTURES, 'acnet-sres-keys.json'), 'utf8')) as Record<string, Record<Build, [string, number[]][]>>;

  test('every official name of every build maps one to one onto leanconv resnet18/34/50 in that form, with its shape', () => {
    for (const [official, builds] of Object.entries(keys)) {
      for (const [build, entries] of Object.entries(builds) as [Build, [string, number[]][]][]) {
        const model = buildModel(OURS[official]!, {}, FORMS[build]);
        const ours = Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, [...t.shape]]));
        const mapped = new Set<string>();
        for (const [name, shape] of entries) {
          const target = acnetNameToLeanconv(OURS[official]!, name);
          assert.ok(target !== undefined && target in ours, `${official} ${build}: ${name} -> ${target}`);
          assert.deepEqual(ours[target], shape, `${official} ${build}: ${name} -> ${target}`);
          mapped.add(target);
        }
        assert.equal(mapped.size, Object.keys(ours).length, `${official} ${build}: every leanconv tensor is claimed once`);
        model.dispose();
      }
    }
  });

  test("sres18's HDF5 files in the base, ACB and deploy forms import and give the official model's logits", async () => {
    const probe = JSON.parse(readFileSync(join(FIXTURES, 'acnet-sres18-probe.json'), 'utf8')) as { logits: Record<Build, number[][]> };
    const dir = tempDir('lc-sres-');
    const x = lc.linspace(-3, 3, 2 * 3 * 224 * 224).sin().reshape([2, 3, 224, 224]);
    await h5wasm.ready;
    for (const build of ['base', 'acb', 'deploy'] as const) {
      const file = join(dir, `sres18-${build}.hdf5`);
      const f = new h5wasm.File(file, 'w');
      for (const [name, shape] of keys.sres18![build]) {
        const data = name.endsWith('num_batches_tracked') ? new BigInt64Array(1) : values(name, shape);
        f.create_dataset({ name: name.replace(/\//g, '+'), data, shape });
      }
      f.close();
      const r = await importAcnetHdf5(file, { model: 'resnet18' });
      assert.deepEqual(r.form, FORMS[build]);
      const logits = lc.noGrad(() => r.model.eval().forward(x));
      const expected = lc.tensor(probe.logits[build]);
      const scale = expected.abs().max().item();
      const diff = logits.sub(expected).abs().max().item();
      assert.ok(diff <= 1e-4 * Math.max(1, scale), `${build}: max |diff| ${diff} at logit scale ${scale}`);
      for (const t of [logits, expected]) t.dispose();
      r.model.dispose();
    }
    // The command records ImageNet's eval preprocessing for it (ACNet's ImageNet loader), not the CIFAR models' 0.5/0.5.
    const out = join(dir, 'deploy.safetensors');
    const cli = spawnSync(process.execPath, [CLI, 'import', join(dir, 'sres18-deploy.hdf5'), '-m', 'resnet18', '-o', out], { encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stderr);
    assert.deepEqual(readCheckpointMeta(out).extra!.preprocessing, [
      { name: 'resize', size: 256 }, { name: 'centerCrop', size: 224 }, { name: 'normalize', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
    ]);
    x.dispose();
  });
});

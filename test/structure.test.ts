// The learned-structure protocol (nn/structure.ts): deploy checkpoints record what their blocks learned by module path
// (form.structure), and checkpoints written before it (form.condenseStage, form.dgGates) still load.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import '../src/papers/index.js';
import { buildModel } from '../src/convert/form.js';
import { convertCheckpoint } from '../src/deploy/pipeline.js';
import * as lc from '../src/engine/index.js';
import { readHeader, saveSafetensors, loadSafetensors } from '../src/engine/safetensors.js';
import { loadModel, readCheckpointMeta } from '../src/convert/checkpoint.js';
import { assertClose, tempDir } from './helpers.js';

// Written by scripts/fixtures/checkpoints-v1.ts with the code before the protocol (their form has condenseStage / dgGates).
const FIXTURES = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'checkpoints-v1');
const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as Record<string, { input: [number, number]; logits: number[][] }>;
const input = ([c, s]: [number, number]): lc.Tensor => lc.linspace(-1, 1, 2 * c * s * s).reshape([2, c, s, s]);

function logitsOf(file: string, recorded: { input: [number, number] }): lc.Tensor {
  const { model } = loadModel(file);
  const y = lc.noGrad(() => model.eval().forward(input(recorded.input)));
  model.dispose();
  return y;
}

/** A copy of a checkpoint with its form replaced (the tensors as they are). */
function withForm(file: string, out: string, form: object): string {
  const { tensors, metadata } = loadSafetensors(file);
  saveSafetensors(out, tensors, { ...metadata, form: JSON.stringify(form) });
  for (const t of Object.values(tensors)) t.dispose();
  return out;
}

describe('learned structure in deploy checkpoints', () => {
  const dir = tempDir('lc-structure-');

  for (const name of ['condensenet-stage1', 'g-resnext20']) {
    test(`${name}: a deploy checkpoint from before form.structure loads with its logits; converting again records the structure by path`, () => {
      const file = `${name}.deploy.safetensors`;
      const legacyForm = readCheckpointMeta(join(FIXTURES, file)).form!;
      assert.equal(legacyForm.structure, undefined, 'the fixture predates form.structure');
      assert.ok(legacyForm.condenseStage !== undefined || legacyForm.dgGates !== undefined);
      assertClose(logitsOf(join(FIXTURES, file), expected[file]!), expected[file]!.logits, 1e-5, `${file} as written then`);

      // Converted now: form.structure by path, plus the legacy field for older readers.
      copyFileSync(join(FIXTURES, `${name}.safetensors`), join(dir, `${name}.safetensors`));
      const now = convertCheckpoint(join(dir, `${name}.safetensors`)).output;
      const form = readCheckpointMeta(now).form!;
      assert.ok(form.structure && Object.keys(form.structure).length > 0);
      if (legacyForm.condenseStage !== undefined) {
        assert.equal(form.condenseStage, legacyForm.condenseStage);
        assert.ok(Object.values(form.structure).every((stage) => stage === 1), 'every learned group conv at stage 1');
      } else {
        assert.deepEqual(form.dgGates, legacyForm.dgGates);
        assert.deepEqual(form.structure, legacyForm.dgGates, 'the gates by path');
      }
      assertClose(logitsOf(now, expected[file]!), expected[file]!.logits, 1e-5, `${name} converted now`);
      // Either record alone rebuilds the model.
      const { structure, condenseStage: _c, dgGates: _g, ...rest } = form;
      const structureOnly = withForm(now, join(dir, `${name}.structure-only.safetensors`), { ...rest, structure });
      assertClose(logitsOf(structureOnly, expected[file]!), expected[file]!.logits, 1e-5, `${name} from form.structure alone`);
      const legacyOnly = withForm(now, join(dir, `${name}.legacy-only.safetensors`), legacyForm);
      assertClose(logitsOf(legacyOnly, expected[file]!), expected[file]!.logits, 1e-5, `${name} from the legacy field alone`);
      assert.ok(readHeader(now).metadata.form!.includes('"structure"'));
    });
  }

  test('a structure record that names a layer the model does not have is refused with the path', () => {
    assert.throws(() => buildModel('g_resnext20_cifar', { inChannels: 1, args: { blocks: [1, 1, 1] } }, { deploy: true, structure: { 'layer9.0.conv2': [1, 0, 1, 0] } }),
      /the recorded learned structure does not fit the model \(no structured block at layer9\.0\.conv2\)/);
    assert.throws(() => buildModel('condensenet', { args: { stages: [1, 1, 1], growth: [4, 4, 4] } }, { deploy: true, structure: { 'features.denseblock_1.denselayer_1.conv_1': -1 } }),
      /a condensation stage is a whole number >= 0, got -1/);
  });
});

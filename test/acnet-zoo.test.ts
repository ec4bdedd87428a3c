// ACNet's other models and the training forms of its ImageNet ResNets, against the official definitions
// (scripts/fixtures/acnet_zoo.py ran them): parameter counts in all three builds, names and shapes where leanconv uses
// ACNet's own names.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import '../src/papers/index.js';
import { buildModel, type ModelForm } from '../src/convert/form.js';
import * as lc from '../src/engine/index.js';

type Build = 'base' | 'acb' | 'deploy';
const FIXTURE = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'acnet-zoo.json');
const official = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, Record<Build, { params: number; state: [string, number[]][] }>>;
const FORMS: Record<Build, ModelForm> = { base: {}, acb: { acb: { gamma: 1 / 3 } }, deploy: { acb: { gamma: 1 / 3 }, deploy: true } };
const OURS: Record<string, string> = { smi1: 'mobilenet_v1', lenet5bn: 'lenet5bn', wrnc16drop: 'wrn16_8_drop', sres34: 'resnet34', sres50: 'resnet50' };
/** Models whose leanconv names are ACNet's own in the base form. */
const SAME_NAMES = new Set(['smi1', 'lenet5bn']);

describe("ACNet's model zoo", () => {
  for (const [name, builds] of Object.entries(official)) {
    test(`${OURS[name]} (ACNet's ${name}): the official parameter counts in the base, ACB and deploy forms`, () => {
      for (const build of ['base', 'acb', 'deploy'] as const) {
        const model = buildModel(OURS[name]!, {}, FORMS[build]);
        assert.equal(model.numParameters(), builds[build].params, `${name} ${build}`);
        if (build === 'base' && SAME_NAMES.has(name)) {
          const ours = Object.entries(model.stateDict()).map(([k, t]) => [k, [...t.shape]]);
          assert.deepEqual(ours, builds.base.state, `${name}: names and shapes in order`);
        }
        model.dispose();
      }
    });
  }

  test('MobileNetV1 and LeNet-5-BN run at their input sizes', () => {
    for (const [name, shape] of [['mobilenet_v1', [1, 3, 224, 224]], ['lenet5bn', [2, 1, 28, 28]]] as const) {
      const model = buildModel(name, {}, FORMS.acb).eval();
      const y = lc.noGrad(() => model.forward(lc.randn([...shape])));
      assert.deepEqual(y.shape, [shape[0], name === 'lenet5bn' ? 10 : 1000]);
      y.dispose();
      model.dispose();
    }
  });
});

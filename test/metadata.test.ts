// The metadata of an exported model, read back defensively (deploy/metadata.ts): a malformed field is dropped with a
// warning that says what is used instead, never a TypeError later in predict or serve.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import '../src/papers/index.js';
import { validateMetadata } from '../src/deploy/metadata.js';

describe('ONNX metadata validation', () => {
  test('well-formed metadata passes as it is, with no warning', () => {
    const raw = { model: 'resnet18', input: [3, 224, 224], classes: ['cat', 'dog'], preprocessing: [{ name: 'resize', size: 256 }, { name: 'centerCrop', size: 224 }, { name: 'normalize', mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] }], epoch: 3 };
    const { metadata, warnings } = validateMetadata(raw, 'm.onnx');
    assert.deepEqual(metadata, raw);
    assert.deepEqual(warnings, []);
  });

  test('each malformed field is dropped with a warning naming the file, the field and the fallback', () => {
    const { metadata, warnings } = validateMetadata({
      model: 'x', input: [3, 0, 224], classes: ['a', 2], preprocessing: { name: 'normalize' }, epoch: 1.5, features: 'no',
    }, 'm.onnx');
    assert.deepEqual(metadata, { model: 'x' });
    assert.equal(warnings.length, 5);
    assert.match(warnings[0]!, /^m\.onnx: metadata 'epoch' ignored \(not an integer\)/);
    assert.match(warnings.join('\n'), /metadata 'input' ignored \(not three sizes \[C, H, W\] from 1 to 8192\); the graph's static input shape is used/);
    assert.match(warnings.join('\n'), /metadata 'classes' ignored \(not a non-empty list of names\); classes are shown as indices/);
    assert.match(warnings.join('\n'), /metadata 'preprocessing' ignored \(not a list of steps\); pixels go in as 0\.\.1 without normalisation/);
    const steps = validateMetadata({ preprocessing: [{ name: 'normalize', mean: [0.5], std: [0] }] }, 'n.onnx');
    assert.equal(steps.metadata.preprocessing, undefined);
    assert.match(steps.warnings[0]!, /normalize: mean and std need one entry per channel, std > 0/);
    assert.match(validateMetadata({ preprocessing: [{ name: 'sharpen' }] }, 'n.onnx').warnings[0]!, /unknown transform 'sharpen'/);
    // Empty strings (what an exporter wrote for an absent value) are treated as absent.
    assert.deepEqual(validateMetadata({ classes: '', preprocessing: '' }, 'n.onnx'), { metadata: {}, warnings: [] });
  });
});

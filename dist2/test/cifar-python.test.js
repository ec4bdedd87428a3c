// CIFAR as users have it: the Python layout (pickled dicts of numpy arrays) read through the restricted unpickler,
// compared with the binary layout of the same data; files written by test/support/cifar_python_files.py with
// Debian's python3 (numpy and pickle only), malicious ones included.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { loadCifar } from '../src/data/datasets.js';
import { tempDir } from './helpers.js';
const SCRIPT = join(import.meta.dirname, '..', '..', 'test', 'support', 'cifar_python_files.py');
describe('CIFAR in the Python layout', () => {
    const dir = join(tempDir('lc-cifar-py-'), 'files');
    before(() => {
        const r = spawnSync('/usr/bin/python3', [SCRIPT, dir], { encoding: 'utf8' });
        assert.equal(r.status, 0, `${SCRIPT} failed:\n${r.stderr}`);
    });
    test('Python 2 and Python 3 pickles give the images, labels and class names of the binary layout', () => {
        for (const split of ['train', 'test']) {
            const binary = loadCifar(join(dir, 'bin'), 10, split);
            for (const layout of ['py2', 'py3', join('py2', 'cifar-10-batches-py')]) {
                const python = loadCifar(join(dir, layout), 10, split);
                assert.equal(python.length, split === 'train' ? 30 : 6);
                assert.deepEqual(python.labels, binary.labels, `${layout} ${split} labels`);
                assert.ok(Buffer.from(python.images).equals(Buffer.from(binary.images)), `${layout} ${split} pixels`);
                assert.deepEqual(python.classes, binary.classes);
            }
        }
        const binary100 = loadCifar(join(dir, 'bin'), 100, 'train');
        const python100 = loadCifar(join(dir, 'py2'), 100, 'train');
        assert.deepEqual(python100.labels, binary100.labels, 'fine labels');
        assert.ok(Buffer.from(python100.images).equals(Buffer.from(binary100.images)));
        assert.equal(python100.classes[7], 'class07', 'names from the meta file');
        assert.equal(loadCifar(join(dir, 'py2'), 100, 'test').length, 12);
    });
    test('malicious pickles are refused without running anything', () => {
        assert.throws(() => loadCifar(join(dir, 'evil-system'), 10, 'train'), /data_batch_1: not a CIFAR-10 Python batch: the pickle asks for posix\.system, which a CIFAR file never needs; refused/);
        assert.equal(existsSync(join(dir, 'pwned')), false, 'os.system never ran');
        assert.throws(() => loadCifar(join(dir, 'evil-eval'), 10, 'test'), /__builtin__\.eval/);
        assert.throws(() => loadCifar(join(dir, 'evil-dtype'), 10, 'train'), /dtype 'f8'; CIFAR's arrays are uint8/);
        assert.throws(() => loadCifar(join(dir, 'evil-dtype'), 100, 'train'), /no CIFAR-100 binary train files here/);
    });
});
//# sourceMappingURL=cifar-python.test.js.map
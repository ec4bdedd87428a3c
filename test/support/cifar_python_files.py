"""Writes small CIFAR-10 / CIFAR-100 data sets in the layouts users have them, for test/cifar-python.test.ts.

    python3 test/support/cifar_python_files.py OUT_DIR

The same random images and labels go into:
  OUT_DIR/py2/cifar-10-batches-py, OUT_DIR/py2/cifar-100-python   as the official downloads were written (Python 2
        cPickle at protocol 2: keys and the array's raw data as str, i.e. BINSTRING opcodes)
  OUT_DIR/py3/cifar-10-batches-py                                  pickle.dump at protocol 2 from Python 3 (the raw
        data as _codecs.encode(str, 'latin1'))
  OUT_DIR/bin/cifar-10-batches-bin, OUT_DIR/bin/cifar-100-binary   the binary version (label byte(s) + 3072 bytes)
and malicious files that must be refused without running:
  OUT_DIR/evil-system/cifar-10-batches-py   data_batch_1 calls os.system('touch OUT_DIR/pwned')
  OUT_DIR/evil-eval/cifar-10-batches-py     test_batch calls builtins.eval
  OUT_DIR/evil-dtype/cifar-10-batches-py    data_batch_1 holds a float64 array
Only numpy and pickle are used.
"""
import os
import pickle
import struct
import sys

import numpy as np

PER_BATCH = 6


class Py2Pickler(pickle._Pickler):
    """Writes bytes as Python 2's str (SHORT_BINSTRING / BINSTRING), as cPickle wrote the official CIFAR files."""

    def save_bytes(self, obj):
        if len(obj) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(obj)]) + obj)
        else:
            self.write(pickle.BINSTRING + struct.pack('<i', len(obj)) + obj)
        self.memoize(obj)

    dispatch = dict(pickle._Pickler.dispatch)
    dispatch[bytes] = save_bytes


def py2_dump(value, path):
    with open(path, 'wb') as f:
        Py2Pickler(f, protocol=2).dump(value)


def py3_dump(value, path):
    with open(path, 'wb') as f:
        pickle.dump(value, f, protocol=2)


def as_py2_keys(d):
    return {k.encode('latin1') if isinstance(k, str) else k: ([n.encode('latin1') for n in v] if k.endswith('names') else v) for k, v in d.items()}


class System:
    def __init__(self, command):
        self.command = command

    def __reduce__(self):
        return (os.system, (self.command,))


class Eval:
    def __reduce__(self):
        import builtins
        return (builtins.eval, ('1 + 1',))


def main(out):
    rng = np.random.default_rng(7)
    names10 = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']
    batches10 = {}
    for name in [f'data_batch_{i}' for i in range(1, 6)] + ['test_batch']:
        batches10[name] = {
            'batch_label': f'{name} of 6',
            'labels': [int(v) for v in rng.integers(0, 10, PER_BATCH)],
            'data': rng.integers(0, 256, (PER_BATCH, 3072), dtype=np.uint8),
            'filenames': [f'img_{i}.png' for i in range(PER_BATCH)],
        }
    meta10 = {'num_cases_per_batch': PER_BATCH, 'label_names': names10, 'num_vis': 3072}
    for layout, dump in [('py2', py2_dump), ('py3', py3_dump)]:
        d = os.path.join(out, layout, 'cifar-10-batches-py')
        os.makedirs(d)
        for name, batch in batches10.items():
            dump(as_py2_keys(batch) if layout == 'py2' else batch, os.path.join(d, name))
        dump(as_py2_keys(meta10) if layout == 'py2' else meta10, os.path.join(d, 'batches.meta'))
    d = os.path.join(out, 'bin', 'cifar-10-batches-bin')
    os.makedirs(d)
    for name, batch in batches10.items():
        records = np.concatenate([np.array(batch['labels'], dtype=np.uint8)[:, None], batch['data']], axis=1)
        records.tofile(os.path.join(d, f'{name}.bin'))

    sets100 = {}
    for split in ['train', 'test']:
        n = 2 * PER_BATCH
        sets100[split] = {
            'filenames': [f'img_{i}.png' for i in range(n)], 'batch_label': f'{split} batch',
            'fine_labels': [int(v) for v in rng.integers(0, 100, n)], 'coarse_labels': [int(v) for v in rng.integers(0, 20, n)],
            'data': rng.integers(0, 256, (n, 3072), dtype=np.uint8),
        }
    d = os.path.join(out, 'py2', 'cifar-100-python')
    os.makedirs(d)
    for split, s in sets100.items():
        py2_dump(as_py2_keys(s), os.path.join(d, split))
    py2_dump(as_py2_keys({'fine_label_names': [f'class{i:02d}' for i in range(100)], 'coarse_label_names': [f'super{i}' for i in range(20)]}), os.path.join(d, 'meta'))
    d = os.path.join(out, 'bin', 'cifar-100-binary')
    os.makedirs(d)
    for split, s in sets100.items():
        labels = np.stack([np.array(s['coarse_labels'], dtype=np.uint8), np.array(s['fine_labels'], dtype=np.uint8)], axis=1)
        np.concatenate([labels, s['data']], axis=1).tofile(os.path.join(d, f'{split}.bin'))

    evil = {
        'evil-system': ('data_batch_1', {**batches10['data_batch_1'], 'labels': System(f"touch {os.path.join(out, 'pwned')}")}),
        'evil-eval': ('test_batch', {**batches10['test_batch'], 'batch_label': Eval()}),
        'evil-dtype': ('data_batch_1', {**batches10['data_batch_1'], 'data': batches10['data_batch_1']['data'].astype(np.float64)}),
    }
    for layout, (bad, value) in evil.items():
        d = os.path.join(out, layout, 'cifar-10-batches-py')
        os.makedirs(d)
        for name, batch in batches10.items():
            py3_dump(value if name == bad else batch, os.path.join(d, name))

    # Python's own reader must agree with what was written (the py2 files load as the official ones do).
    with open(os.path.join(out, 'py2', 'cifar-10-batches-py', 'data_batch_2'), 'rb') as f:
        back = pickle.load(f, encoding='bytes')
    assert (back[b'data'] == batches10['data_batch_2']['data']).all() and back[b'labels'] == batches10['data_batch_2']['labels']


if __name__ == '__main__':
    main(sys.argv[1])

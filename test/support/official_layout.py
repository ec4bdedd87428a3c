"""Saves the tensors of a safetensors file with torch.save, in the layout an official repository's checkpoints have.

    python3 test/support/official_layout.py IN.safetensors OUT.pth.tar [PREFIX] [KEY]

The state dict (an OrderedDict, names prefixed with PREFIX, e.g. 'module.' for a DataParallel model) is saved
under KEY (e.g. 'state_dict') with an epoch count beside it, or bare when KEY is empty (torch.save(model.state_dict())).
Used for CondenseNet's released converted checkpoints (converted_condensenet_4.pth.tar), whose model leanconv's tests
convert first, and in the README to hand a leanconv checkpoint's weights to PyTorch users.
"""
import collections
import json
import struct
import sys

import numpy as np
import torch

DTYPES = {'F32': np.float32, 'F64': np.float64, 'I64': np.int64, 'I32': np.int32, 'U8': np.uint8}


def main(src, out, prefix='', key=''):
    with open(src, 'rb') as f:
        (n,) = struct.unpack('<Q', f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    state = collections.OrderedDict()
    for name, entry in header.items():
        if name == '__metadata__' or name.startswith('optim/'):  # a leanconv checkpoint's optimizer state
            continue
        begin, end = entry['data_offsets']
        array = np.frombuffer(data[begin:end], dtype=DTYPES[entry['dtype']]).reshape(entry['shape'])
        state[prefix + name] = torch.from_numpy(array.copy())
    torch.save({'epoch': 120, key: state} if key else state, out)


if __name__ == '__main__':
    main(*sys.argv[1:])

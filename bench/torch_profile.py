"""Where PyTorch spends a training step of one bench model (the same libtorch kernels leanconv calls).

    python3 bench/torch_profile.py hcgnet_a1 [--batch 64] [--channels-last] [--infer]
    python3 bench/torch_profile.py --kernels
    python3 bench/torch_profile.py --grouped

Prints the autograd profiler's top ops over two steps (--infer: two eval-mode forwards), then every Conv2d timed alone (forward + backward with an
input gradient, and forward only), grouped by kernel, groups, channels, dilation and spatial size.
--kernels instead times the libtorch cases leanconv has its own kernels for (native/src/kernels.h): batch norm
forward + backward (and eval-mode BN + ReLU) on a narrow layer in both layouts, and a depthwise conv's weight gradient with and without dilation.
--grouped times HCGNet's squeeze-cell convs (4 groups, 3-9 outputs per group) at inference, batch --batch, three
ways with the same result: the grouped conv, one dense conv with a block-diagonal weight, and four convs on channel
slices whose outputs are concatenated; in both layouts.
"""
import argparse
import collections
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_torch import MODELS, make_train_step  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument('model', nargs='?')
parser.add_argument('--kernels', action='store_true')
parser.add_argument('--grouped', action='store_true')
parser.add_argument('--batch', type=int, default=64)
parser.add_argument('--channels-last', action='store_true')
parser.add_argument('--infer', action='store_true', help='profile eval-mode forwards without gradients instead of training steps')
parser.add_argument('--threads', type=int, default=2)
args = parser.parse_args()
torch.set_num_threads(args.threads)


def median_ms(fn, reps=15):
    for _ in range(3):
        fn()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return sorted(times)[reps // 2] * 1e3


if args.kernels:
    shape = (64, 12, 32, 32)
    for name, fmt in (('NCHW', torch.contiguous_format), ('channels-last', torch.channels_last)):
        x = torch.randn(shape).contiguous(memory_format=fmt).requires_grad_()
        g = torch.randn(shape).contiguous(memory_format=fmt)
        w, b = torch.rand(12, requires_grad=True), torch.randn(12, requires_grad=True)
        ms = median_ms(lambda: torch.nn.functional.batch_norm(x, torch.zeros(12), torch.ones(12), w, b, True).backward(g))
        print('batch norm %s forward + backward %s: %.2f ms' % (list(shape), name, ms))
        with torch.no_grad():
            xe = x.detach()
            ms = median_ms(lambda: torch.relu_(torch.nn.functional.batch_norm(xe, torch.zeros(12), torch.ones(12), w, b, False)))
        print('batch norm + ReLU %s eval, no gradient, %s: %.2f ms' % (list(shape), name, ms))
    x = torch.randn(shape).contiguous(memory_format=torch.channels_last)
    g = torch.randn(shape).contiguous(memory_format=torch.channels_last)
    w = torch.randn(12, 1, 3, 3)
    for d in (1, 2):
        ms = median_ms(lambda: torch.ops.aten.convolution_backward(g, x, w, None, [1, 1], [d, d], [d, d], False, [0, 0], 12, [False, True, False]))
        print('depthwise 3x3 conv %s channels-last, dilation %d: weight gradient %.2f ms' % (list(shape), d, ms))
    sys.exit(0)
if args.grouped:
    groups = 4
    for cin, cout, size in ((48, 12, 32), (96, 24, 16), (144, 36, 8)):
        for name, fmt in (('channels-last', torch.channels_last), ('NCHW', torch.contiguous_format)):
            x = torch.randn(args.batch, cin, size, size).contiguous(memory_format=fmt)
            w = torch.randn(cout, cin // groups, 3, 3)
            dense = torch.zeros(cout, cin, 3, 3)
            ci, co = cin // groups, cout // groups
            for g in range(groups):
                dense[g * co:(g + 1) * co, g * ci:(g + 1) * ci] = w[g * co:(g + 1) * co]
            slices = [(x[:, g * ci:(g + 1) * ci], w[g * co:(g + 1) * co].contiguous(memory_format=fmt)) for g in range(groups)]
            w, dense = w.contiguous(memory_format=fmt), dense.contiguous(memory_format=fmt)
            conv = torch.nn.functional.conv2d
            with torch.no_grad():
                assert torch.allclose(conv(x, w, padding=1, groups=groups), conv(x, dense, padding=1), atol=1e-3)
                times = [median_ms(lambda: conv(x, w, padding=1, groups=groups)), median_ms(lambda: conv(x, dense, padding=1)),
                         median_ms(lambda: torch.cat([conv(xs, ws, padding=1) for xs, ws in slices], 1))]
            print('%d->%d 3x3, %d groups, [%d, %d, %d, %d] %s: grouped %.2f ms, dense block-diagonal %.2f ms, per-group slices %.2f ms'
                  % (cin, cout, groups, args.batch, cin, size, size, name, *times))
    sys.exit(0)
fmt = torch.channels_last if args.channels_last else torch.contiguous_format
model = MODELS[args.model]().to(memory_format=fmt)
x = torch.randn(args.batch, 3, 32, 32).contiguous(memory_format=fmt)
if args.infer:
    model.eval()

    def step():
        with torch.no_grad():
            model(x)
else:
    step = make_train_step(model, x, torch.randint(0, 10, (args.batch,)))
for _ in range(2):
    step()
with torch.autograd.profiler.profile() as prof:
    for _ in range(2):
        step()
print(prof.key_averages().table(sort_by='self_cpu_time_total', row_limit=15))
if args.infer:
    sys.exit(0)

convs = [m for m in model.modules() if isinstance(m, torch.nn.Conv2d)]
shapes = {}
hooks = [c.register_forward_hook(lambda m, i, o: shapes.__setitem__(m, i[0].shape)) for c in convs]
model(x)
for h in hooks:
    h.remove()
totals = collections.defaultdict(lambda: [0, 0.0, 0.0])
for conv in convs:
    s = shapes[conv]
    key = (conv.kernel_size[0], conv.groups, conv.in_channels, conv.out_channels, conv.dilation[0], s[2])
    xi = torch.randn(s).contiguous(memory_format=fmt).requires_grad_()

    def both():
        conv(xi).sum().backward()

    both()
    t = time.perf_counter()
    for _ in range(3):
        both()
    fb = (time.perf_counter() - t) / 3
    with torch.no_grad():
        t = time.perf_counter()
        for _ in range(3):
            conv(xi)
        f = (time.perf_counter() - t) / 3
    row = totals[key]
    row[0] += 1
    row[1] += fb
    row[2] += f
print('conv kind (all layers of the kind, batch %d, %s): count, forward + backward ms, forward ms' % (args.batch, 'channels-last' if args.channels_last else 'NCHW'))
for (k, g, cin, cout, dil, hw), (n, fb, f) in sorted(totals.items(), key=lambda kv: -kv[1][1]):
    print('  k%d groups %d %d->%d dilation %d %dx%d: %d, %.1f, %.1f' % (k, g, cin, cout, dil, hw, hw, n, fb * 1e3, f * 1e3))

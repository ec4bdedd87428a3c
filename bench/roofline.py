# How close the convolutions already run to this CPU's peak: the ceiling on any inference speedup over
# PyTorch. Measures float32 GEMM throughput (the best the BLAS reaches here), then the forward of each conv
# shape of a model at its batch, channels-last and NCHW, on PyTorch from Debian's python3-torch: the same
# libtorch and oneDNN kernels leanconv calls.
# --train: the ceiling on a training speedup over PyTorch channels-last instead. Each conv runs forward and
# backward (input gradient, except for the first conv, and weight gradient), and a whole channels-last
# training step of PyTorch's model (bench/train_torch.py) is timed in the same process: a framework that
# spent nothing outside the convolutions would be at most step / convs faster. The process re-executes
# itself with glibc's mmap and trim thresholds raised, so that the gradients a backward allocates reuse
# memory instead of page-faulting fresh pages (leanconv's allocator does the same); this makes PyTorch's
# step faster too, so the ceiling it gives is a slight underestimate of leanconv's room.
#   /usr/bin/python3 bench/roofline.py [--train] [--model resnet20] [--batch 128] [--threads 2] [--reps 9] [--out roofline]
# Writes bench/results/<out>.md.
import argparse, datetime, os, platform, sys, time

TUNED_MALLOC = {'MALLOC_MMAP_THRESHOLD_': str(1 << 30), 'MALLOC_TRIM_THRESHOLD_': str(1 << 32), 'MALLOC_TOP_PAD_': str(1 << 28)}
if '--train' in sys.argv and any(os.environ.get(k) != v for k, v in TUNED_MALLOC.items()):
    os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, **TUNED_MALLOC})

import torch
import torch.nn.functional as F

parser = argparse.ArgumentParser()
parser.add_argument('--model', default='resnet20', choices=['resnet20', 'resnet56'])
parser.add_argument('--batch', type=int, default=128)
parser.add_argument('--threads', type=int, default=2)
parser.add_argument('--reps', type=int, default=9)
parser.add_argument('--train', action='store_true', help='forward + backward against a whole training step')
parser.add_argument('--out', default=None)
args = parser.parse_args()
args.out = args.out or ('roofline-train' if args.train else 'roofline')
torch.set_num_threads(args.threads)

# (count, in channels, out channels, size, kernel, stride) of the convs of CIFAR ResNet-20 and -56.
SHAPES = {'resnet20': [
    (1, 3, 16, 32, 3, 1), (6, 16, 16, 32, 3, 1), (1, 16, 32, 32, 3, 2), (5, 32, 32, 16, 3, 1), (1, 16, 32, 32, 1, 2),
    (1, 32, 64, 16, 3, 2), (5, 64, 64, 8, 3, 1), (1, 32, 64, 16, 1, 2),
], 'resnet56': [
    (1, 3, 16, 32, 3, 1), (18, 16, 16, 32, 3, 1), (1, 16, 32, 32, 3, 2), (17, 32, 32, 16, 3, 1), (1, 16, 32, 32, 1, 2),
    (1, 32, 64, 16, 3, 2), (17, 64, 64, 8, 3, 1), (1, 32, 64, 16, 1, 2),
]}


def median_ms(fn):
    for _ in range(2):
        fn()
    times = []
    for _ in range(args.reps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return sorted(times)[len(times) // 2] * 1000


a, b = torch.randn(2048, 2048), torch.randn(2048, 2048)
peak = 2 * 2048 ** 3 / median_ms(lambda: torch.mm(a, b)) / 1e6  # GFLOP/s



def conv_train_ms(x, w, stride, pad, first):
    """Forward, then the input gradient (not for the first conv: the images need none) and the weight gradient."""
    def run():
        y = F.conv2d(x, w, stride=stride, padding=pad)
        torch.ops.aten.convolution_backward(y, x, w, None, [stride] * 2, [pad] * 2, [1, 1], False, [0, 0], 1, [not first, True, False])
    with torch.no_grad():
        return median_ms(run)


def training_roofline():
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from train_torch import MODELS, make_train_step
    torch.manual_seed(0)
    cl = torch.channels_last
    y = torch.randint(0, 10, (args.batch,))

    def training_step(fmt):
        """PyTorch's training step (forward, cross-entropy, backward, SGD with momentum) with model and input in `fmt`."""
        model = MODELS[args.model]().to(memory_format=fmt)
        return make_train_step(model, torch.randn(args.batch, 3, 32, 32).contiguous(memory_format=fmt), y)

    rows, convs, flops = [], 0.0, 0
    for i, (count, cin, cout, size, k, stride) in enumerate(SHAPES[args.model]):
        out = (size + 2 * (k // 2) - k) // stride + 1
        fwd_flops = 2 * args.batch * out * out * cout * cin * k * k
        shape_flops = fwd_flops * (2 if i == 0 else 3)
        xi = torch.randn(args.batch, cin, size, size).contiguous(memory_format=cl)
        wi = torch.randn(cout, cin, k, k).contiguous(memory_format=cl)
        ms = conv_train_ms(xi, wi, stride, k // 2, i == 0)
        convs += count * ms
        flops += count * shape_flops
        rows.append(f'| {count} x {cin}->{cout} k{k} s{stride} {size}x{size} | {ms:.2f} ms, {shape_flops / ms / 1e6 / peak:.0%} |')
    step_ms = median_ms(training_step(cl))
    nchw_ms = median_ms(training_step(torch.contiguous_format))
    return [
        f'# Training roofline: {args.model} convolutions (forward + backward) against a PyTorch channels-last training step',
        '',
        f'Command: `/usr/bin/python3 bench/roofline.py --train --model {args.model} --batch {args.batch} --threads {args.threads} --reps {args.reps} --out {args.out}`',
        f'Date: {datetime.datetime.utcnow().isoformat()}Z; CPU: {platform.processor() or platform.machine()} x {os.cpu_count()}; torch {torch.__version__}; threads {args.threads}; batch {args.batch}; glibc malloc thresholds raised (see the script).',
        f'Peak: float32 GEMM 2048x2048x2048 (torch.mm) at {peak:.0f} GFLOP/s. Each cell: median time of one conv\'s forward, input gradient (not',
        f'for the first conv) and weight gradient, channels-last, over {args.reps} runs, and the share of the peak it reaches.',
        '',
        '| conv (count x shape) | forward + backward |',
        '|---|---:|',
        *rows,
        f'| all convs of one training step | {convs:.1f} ms, {flops / convs / 1e6 / peak:.0%} |',
        '',
        f'PyTorch channels-last training step (forward, cross-entropy, backward, SGD with momentum), same process: {step_ms:.1f} ms.',
        f'The convolutions are {convs / step_ms:.0%} of it: a framework that spent no time outside them would train at most',
        f'{step_ms / convs:.2f}x as fast as PyTorch channels-last with these kernels.',
        f'PyTorch\'s step in its default layout (NCHW), same process: {nchw_ms:.1f} ms, so at most {nchw_ms / convs:.2f}x over PyTorch\'s defaults.',
    ]


if args.train:
    lines = training_roofline()
    path = os.path.join(os.path.dirname(__file__), 'results', f'{args.out}.md')
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as fh:
        fh.write('\n'.join(lines) + '\n')
    print('\n'.join(lines))
    print(f'wrote {path}')
    sys.exit(0)

rows, total = [], {'flops': 0, 'fwd': 0, 'nchw_fwd': 0}
for count, cin, cout, size, k, stride in SHAPES[args.model]:
    out = (size + 2 * (k // 2) - k) // stride + 1
    flops = 2 * args.batch * out * out * cout * cin * k * k  # one forward
    cells = [f'{count} x {cin}->{cout} k{k} s{stride} {size}x{size}']
    for fmt, key in ((torch.channels_last, ''), (torch.contiguous_format, 'nchw_')):
        x = torch.randn(args.batch, cin, size, size).contiguous(memory_format=fmt)
        w = torch.randn(cout, cin, k, k).contiguous(memory_format=fmt)
        with torch.no_grad():
            fwd = median_ms(lambda: F.conv2d(x, w, stride=stride, padding=k // 2))
        total[key + 'fwd'] += count * fwd
        cells.append(f'{fwd:.2f} ms, {flops / fwd / 1e6 / peak:.0%}')
    total['flops'] += count * flops
    rows.append(cells)

f = total['flops']
lines = [
    f'# Roofline: {args.model} convolutions against this CPU\'s GEMM peak',
    '',
    f'Command: `/usr/bin/python3 bench/roofline.py --model {args.model} --batch {args.batch} --threads {args.threads} --reps {args.reps} --out {args.out}`',
    f'Date: {datetime.datetime.utcnow().isoformat()}Z; CPU: {platform.processor() or platform.machine()} x {os.cpu_count()}; torch {torch.__version__}; threads {args.threads}; batch {args.batch}.',
    f'Peak: float32 GEMM 2048x2048x2048 (torch.mm) at {peak:.0f} GFLOP/s. Each cell: median forward time of one conv over {args.reps} runs',
    'and the share of that peak it reaches.',
    '',
    '| conv (count x shape) | forward, channels-last | forward, NCHW |',
    '|---|---:|---:|',
    *[f'| {" | ".join(r)} |' for r in rows],
    f'| all convs of one forward | {total["fwd"]:.1f} ms, {f / total["fwd"] / 1e6 / peak:.0%} | {total["nchw_fwd"]:.1f} ms, {f / total["nchw_fwd"] / 1e6 / peak:.0%} |',
    '',
    f'At the GEMM peak, the convolutions of one forward would take {f / peak / 1e6:.1f} ms.',
]
os.makedirs(os.path.join(os.path.dirname(__file__), 'results'), exist_ok=True)
path = os.path.join(os.path.dirname(__file__), 'results', f'{args.out}.md')
with open(path, 'w') as fh:
    fh.write('\n'.join(lines) + '\n')
print('\n'.join(lines))
print(f'wrote {path}')

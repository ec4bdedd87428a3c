# How close the convolutions already run to this CPU's peak: the ceiling on any inference speedup over
# PyTorch. Measures float32 GEMM throughput (the best the BLAS reaches here), then the forward of each conv
# shape of a model at its batch, channels-last and NCHW, on PyTorch from Debian's python3-torch: the same
# libtorch and oneDNN kernels leanconv calls. Forward only: a backward in PyTorch allocates its gradients
# through glibc, whose page faults would be counted against the kernels.
#   /usr/bin/python3 bench/roofline.py [--model resnet20] [--batch 128] [--threads 2] [--reps 9] [--out roofline]
# Writes bench/results/<out>.md.
import argparse, datetime, os, platform, time
import torch
import torch.nn.functional as F

parser = argparse.ArgumentParser()
parser.add_argument('--model', default='resnet20', choices=['resnet20'])
parser.add_argument('--batch', type=int, default=128)
parser.add_argument('--threads', type=int, default=2)
parser.add_argument('--reps', type=int, default=9)
parser.add_argument('--out', default='roofline')
args = parser.parse_args()
torch.set_num_threads(args.threads)

# (count, in channels, out channels, size, kernel, stride) of CIFAR ResNet-20's convs.
SHAPES = {'resnet20': [
    (1, 3, 16, 32, 3, 1), (6, 16, 16, 32, 3, 1), (1, 16, 32, 32, 3, 2), (5, 32, 32, 16, 3, 1), (1, 16, 32, 32, 1, 2),
    (1, 32, 64, 16, 3, 2), (5, 64, 64, 8, 3, 1), (1, 32, 64, 16, 1, 2),
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

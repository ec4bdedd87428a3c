"""PyTorch (Debian python3-torch, the same libtorch) side of bench/engine: one measurement pass, JSON out."""
import json
import math
import os
import statistics
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(int(os.environ["BENCH_THREADS"]))
here = os.path.dirname(os.path.abspath(__file__))
cases = json.load(open(os.path.join(here, "engine-cases.json")))
reps = int(os.environ.get("BENCH_REPS", "10"))


def timed(fn, warmup=3):
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(sorted(samples))


results = {}
torch.manual_seed(0)
for c in cases["conv"]:
    x = torch.randn(c["batch"], c["cin"], c["size"], c["size"], requires_grad=True)
    w = torch.randn(c["cout"], c["cin"], 3, 3, requires_grad=True)

    def fwd():
        with torch.no_grad():
            F.conv2d(x, w, stride=c["stride"], padding=1)

    def fwd_bwd():
        F.conv2d(x, w, stride=c["stride"], padding=1).sum().backward()
        x.grad = None
        w.grad = None

    results[c["name"] + " fwd"] = timed(fwd)
    results[c["name"] + " fwd+bwd"] = timed(fwd_bwd)

params = []


def conv(cout, cin, k):
    w = (torch.randn(cout, cin, k, k) * math.sqrt(2 / (cin * k * k))).requires_grad_()
    params.append(w)
    return w


def bn(c):
    g = torch.ones(c, requires_grad=True)
    b = torch.zeros(c, requires_grad=True)
    params.extend([g, b])
    return {"g": g, "b": b, "m": torch.zeros(c), "v": torch.ones(c)}


def bn_f(x, p):
    return F.batch_norm(x, p["m"], p["v"], p["g"], p["b"], training=True)


stem = {"w": conv(16, 3, 3), "bn": bn(16)}
blocks = []
cin = 16
for stage, width in enumerate([16, 32, 64]):
    for i in range(3):
        stride = 2 if stage > 0 and i == 0 else 1
        block = {"w1": conv(width, cin, 3), "b1": bn(width), "w2": conv(width, width, 3), "b2": bn(width), "stride": stride}
        if stride != 1 or cin != width:
            block["proj"] = {"w": conv(width, cin, 1), "bn": bn(width)}
        blocks.append(block)
        cin = width
fc_w = (torch.randn(10, 64) * 0.1).requires_grad_()
fc_b = torch.zeros(10, requires_grad=True)
params.extend([fc_w, fc_b])


def resnet20(x):
    h = F.relu(bn_f(F.conv2d(x, stem["w"], padding=1), stem["bn"]))
    for b in blocks:
        out = bn_f(F.conv2d(F.relu(bn_f(F.conv2d(h, b["w1"], stride=b["stride"], padding=1), b["b1"])), b["w2"], padding=1), b["b2"])
        shortcut = bn_f(F.conv2d(h, b["proj"]["w"], stride=b["stride"]), b["proj"]["bn"]) if "proj" in b else h
        h = F.relu(out + shortcut)
    return F.linear(F.adaptive_avg_pool2d(h, 1).flatten(1), fc_w, fc_b)


opt = torch.optim.SGD(params, lr=0.1, momentum=0.9, weight_decay=1e-4)
images = torch.randn(cases["resnet"]["batch"], 3, 32, 32)
labels = torch.randint(0, 10, (cases["resnet"]["batch"],))


def train_step():
    opt.zero_grad(set_to_none=True)
    F.cross_entropy(resnet20(images), labels).backward()
    opt.step()


def infer():
    with torch.no_grad():
        resnet20(images)


results[cases["resnet"]["name"]] = timed(train_step)
results["ResNet-20 inference bs128"] = timed(infer)

a = torch.ones(1)
b = torch.ones(1)
n = 20000


def freed_at_once():
    for _ in range(n):
        a + b


def all_alive():
    alive = [a + b for _ in range(n)]
    del alive


def in_place():
    for _ in range(n):
        a.add_(b)


results["per-op overhead (us): add 1-element, freed at once"] = timed(freed_at_once) * 1000 / n
results["per-op overhead (us): add 1-element, 20,000 alive"] = timed(all_alive) * 1000 / n
results["per-op overhead (us): add_ 1-element, in place"] = timed(in_place) * 1000 / n
print(json.dumps(results))

# PyTorch peer for bench/train: the same models as leanconv's registry (Cifar-quick with BN, CIFAR
# ResNet-20/56 with 1x1 projection shortcuts, CondenseNet-86 training form, HCGNet-A1, the CIFAR-size ResNeXt-20 and
# G-ResNeXt-20 with DGConv), the same batch,
# threads and timing protocol.
# usage: python3 bench/train_torch.py MODEL[+acb|+cl] BATCH WARMUP STEPS  -> one JSON line (+cl: channels-last)
import json, os, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(int(os.environ.get('BENCH_THREADS', '2')))


class CifarQuick(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        def cbr(i, o):
            return [nn.Conv2d(i, o, 5, padding=2, bias=False), nn.BatchNorm2d(o), nn.ReLU()]
        self.features = nn.Sequential(*cbr(3, 32), nn.MaxPool2d(3, 2), *cbr(32, 32), nn.AvgPool2d(3, 2), *cbr(32, 64), nn.AvgPool2d(3, 2))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(576, 64), nn.ReLU(), nn.Linear(64, classes))

    def forward(self, x):
        return self.classifier(self.features(x))


class Block(nn.Module):
    def __init__(self, i, o, s):
        super().__init__()
        self.conv1 = nn.Conv2d(i, o, 3, s, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(o)
        self.conv2 = nn.Conv2d(o, o, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(o)
        self.downsample = nn.Sequential(nn.Conv2d(i, o, 1, s, bias=False), nn.BatchNorm2d(o)) if s != 1 or i != o else None

    def forward(self, x):
        out = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        out += x if self.downsample is None else self.downsample(x)
        return F.relu(out)


class CifarResNet(nn.Module):
    def __init__(self, depth, classes=10):
        super().__init__()
        n = (depth - 2) // 6
        self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        layers, c = [], 16
        for k, w in enumerate([16, 32, 64]):
            blocks = []
            for b in range(n):
                blocks.append(Block(c, w, 2 if (b == 0 and k > 0) else 1))
                c = w
            layers.append(nn.Sequential(*blocks))
        self.layer1, self.layer2, self.layer3 = layers
        self.fc = nn.Linear(64, classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


MODELS = {'cifar_quick': lambda: CifarQuick(), 'resnet20': lambda: CifarResNet(20), 'resnet56': lambda: CifarResNet(56)}


class ACBlock(nn.Module):
    # ACNet's acb.py training form for padding = k // 2: square, ver (kx1) and hor (1xk) conv + BN, summed.
    def __init__(self, conv):
        super().__init__()
        i, o, k, s = conv.in_channels, conv.out_channels, conv.kernel_size[0], conv.stride
        p = conv.padding[0]
        self.square_conv, self.square_bn = nn.Conv2d(i, o, k, s, p, bias=False), nn.BatchNorm2d(o)
        self.ver_conv, self.ver_bn = nn.Conv2d(i, o, (k, 1), s, (p, p - k // 2), bias=False), nn.BatchNorm2d(o)
        self.hor_conv, self.hor_bn = nn.Conv2d(i, o, (1, k), s, (p - k // 2, p), bias=False), nn.BatchNorm2d(o)

    def forward(self, x):
        return self.square_bn(self.square_conv(x)) + self.ver_bn(self.ver_conv(x)) + self.hor_bn(self.hor_conv(x))


def acnetize(module):
    # The reference builder's rule: a 3x3/5x5 conv followed by its BN becomes one ACB; the BN goes.
    children = list(module.named_children())
    for idx, (name, child) in enumerate(children):
        if isinstance(child, nn.Conv2d) and child.kernel_size[0] in (3, 5):
            setattr(module, name, ACBlock(child))
            nxt = children[idx + 1] if idx + 1 < len(children) else None
            if nxt is not None and isinstance(nxt[1], nn.BatchNorm2d):
                setattr(module, nxt[0], nn.Identity())
        else:
            acnetize(child)
    return module


class LearnedGroupConv(nn.Module):
    # The official training-time layer's computation: BN -> ReLU -> 1x1 conv with a masked (dense) weight.
    def __init__(self, i, o):
        super().__init__()
        self.norm, self.conv = nn.BatchNorm2d(i), nn.Conv2d(i, o, 1, bias=False)
        self.register_buffer('_mask', torch.ones(o, i, 1, 1))

    def forward(self, x):
        return F.conv2d(F.relu(self.norm(x)), self.conv.weight * self._mask)


def pre_act_conv(i, o, k, groups):
    return nn.Sequential(nn.BatchNorm2d(i), nn.ReLU(), nn.Conv2d(i, o, k, padding=k // 2, groups=groups, bias=False))


class DenseLayer(nn.Module):
    def __init__(self, i, k):
        super().__init__()
        self.conv_1, self.conv_2 = LearnedGroupConv(i, 4 * k), pre_act_conv(4 * k, k, 3, 4)

    def forward(self, x):
        return torch.cat([x, self.conv_2(self.conv_1(x))], 1)


class CondenseNet(nn.Module):
    # CondenseNet's training form (models/condensenet.py): stem 3x3 to 2k, dense blocks, avg-pool transitions.
    def __init__(self, stages, growth, classes=10):
        super().__init__()
        c, layers = 2 * growth[0], []
        layers.append(nn.Conv2d(3, c, 3, padding=1, bias=False))
        for b, (n, k) in enumerate(zip(stages, growth)):
            for _ in range(n):
                layers.append(DenseLayer(c, k))
                c += k
            if b < len(stages) - 1:
                layers.append(nn.AvgPool2d(2))
        layers += [nn.BatchNorm2d(c), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten()]
        self.features, self.classifier = nn.Sequential(*layers), nn.Linear(c, classes)

    def forward(self, x):
        return self.classifier(self.features(x))


MODELS['condensenet86'] = lambda: CondenseNet([14, 14, 14], [8, 16, 32])

def basic_conv(i, o, k, stride=1, padding=0, groups=1, dilation=1):
    return nn.Sequential(nn.BatchNorm2d(i), nn.ReLU(inplace=True),
                         nn.Conv2d(i, o, k, stride, padding, dilation=dilation, groups=groups, bias=False))


class GatedCell(nn.Module):
    # HCGNet's gates as the official _SMG/_Transition compute them (HCGNet_CIFAR.py): spatial-softmax
    # contexts via global pool x H*W, BN1d + tanh bottlenecks, a 2-way softmax over the branches.
    def __init__(self, k, f, r):
        super().__init__()
        self.k, self.f, self.r = k, f, r
        self.conv_3x3 = basic_conv(k, k, 3, padding=1, groups=k)
        self.conv_5x5 = basic_conv(k, k, 3, padding=2, groups=k, dilation=2)
        self.global_context3x3, self.global_context5x5 = nn.Conv2d(k, 1, 1), nn.Conv2d(k, 1, 1)
        self.fcall, self.bn_attention = nn.Conv2d(2 * k, 2 * k // r, 1), nn.BatchNorm1d(2 * k // r)
        self.fc3x3, self.fc5x5 = nn.Conv2d(2 * k // r, k, 1), nn.Conv2d(2 * k // r, k, 1)
        self.global_forget_context, self.global_pool = nn.Conv2d(k, 1, 1), nn.AdaptiveAvgPool2d(1)
        self.bn_forget, self.fc1, self.fc2 = nn.BatchNorm1d(k // f), nn.Conv2d(k, k // f, 1), nn.Conv2d(k // f, k, 1)

    def context(self, x, conv):
        h, w = x.shape[2:]
        weight = F.softmax(torch.flatten(conv(x), 1), 1).reshape(-1, 1, h, w)
        return self.global_pool(x * weight) * h * w

    def gate(self, x):
        c = x.size(1)
        g = torch.tanh(self.bn_forget(torch.flatten(self.fc1(self.context(x, self.global_forget_context)), 1))).reshape(-1, c // self.f, 1, 1)
        g = torch.sigmoid(self.fc2(g))
        x3, x5 = self.conv_3x3(x), self.conv_5x5(x)
        c3, c5 = self.context(x3, self.global_context3x3), self.context(x5, self.global_context5x5)
        z = torch.tanh(self.bn_attention(torch.flatten(self.fcall(torch.cat([c3, c5], 1)), 1))).reshape(-1, 2 * c // self.r, 1, 1)
        both = F.softmax(torch.cat([torch.unsqueeze(torch.flatten(self.fc3x3(z), 1), 1), torch.unsqueeze(torch.flatten(self.fc5x5(z), 1), 1)], 1), 1)
        return x * g + both[:, 0, :].reshape(-1, c, 1, 1) * c3 + both[:, 1, :].reshape(-1, c, 1, 1) * c5


class SMG(GatedCell):
    def __init__(self, i, k):
        super().__init__(k, 2, 2)
        self.conv1_1x1, self.conv2_3x3 = basic_conv(i, 4 * k, 1), basic_conv(4 * k, k, 3, padding=1, groups=4)

    def forward(self, x):
        return torch.cat([x, self.gate(self.conv2_3x3(self.conv1_1x1(x)))], 1)


class Transition(GatedCell):
    # DropBlock is at drop probability 0 in the first SGDR epoch, i.e. the identity: left out.
    def __init__(self, i, o):
        super().__init__(o, 4, 4)
        mid = i - (i - o) // 2
        self.conv1_1x1, self.conv2_3x3 = basic_conv(i, mid, 1), basic_conv(mid, o, 3, stride=2, padding=1)

    def forward(self, x):
        return self.gate(self.conv2_3x3(self.conv1_1x1(x)))


class HCGNetCifar(nn.Module):
    def __init__(self, growth, blocks, classes=10):
        super().__init__()
        c, layers = 2 * growth[0], []
        layers.append(nn.Conv2d(3, c, 3, padding=1, bias=False))
        for b, (n, k) in enumerate(zip(blocks, growth)):
            for j in range(n):
                layers.append(SMG(c + j * k, k))
            c += n * k
            if b < len(blocks) - 1:
                layers.append(Transition(c, c // 2))
                c //= 2
        layers.append(nn.BatchNorm2d(c))
        self.features, self.classifier = nn.Sequential(*layers), nn.Linear(c, classes)

    def forward(self, x):
        return self.classifier(torch.flatten(F.adaptive_avg_pool2d(F.relu(self.features(x)), 1), 1))


MODELS['hcgnet_a1'] = lambda: HCGNetCifar([12, 24, 36], [8, 8, 8])

for base in list(MODELS):
    MODELS[base + '+acb'] = (lambda b: lambda: acnetize(MODELS[b]()))(base)


class DGConv(nn.Module):
    # DGConv (d-li14/dgconv.pytorch): a dense 3x3 conv whose weight is masked by U = U_0 (x) ... (x) U_{K-1},
    # U_k = (1 - b_k)·eye(2) + b_k·ones(2, 2), b = (sign(gate) + 1)/2 with a straight-through gradient;
    # the Kronecker products are taken pairwise level by level, as the official aggregate().
    def __init__(self, channels, stride):
        super().__init__()
        k = channels.bit_length() - 1
        self.gate = nn.Parameter(torch.where(torch.rand(k) < 0.5, -1e-8, 1e-8))
        self.register_buffer('D', torch.eye(2))
        self.register_buffer('I', torch.ones(2, 2))
        self.conv = nn.Conv2d(channels, channels, 3, stride, 1, bias=False)

    def forward(self, x):
        b = self.gate + ((torch.sign(self.gate) + 1) / 2 - self.gate).detach()
        level = [(1 - bk) * self.D + bk * self.I for bk in b]
        while len(level) > 1:
            pairs = [torch.kron(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
            level = pairs + ([level[-1]] if len(level) % 2 else [])
        c = self.conv.in_channels
        return F.conv2d(x, self.conv.weight * level[0].view(c, c, 1, 1), None, self.conv.stride, 1)


class Bottleneck(nn.Module):
    # torchvision v1.5 bottleneck: 1x1 -> 3x3 (stride; grouped, or a DGConv) -> 1x1, each with BN; projection shortcut.
    def __init__(self, i, c, o, s, groups):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(i, c, 1, bias=False), nn.BatchNorm2d(c)
        self.conv2 = DGConv(c, s) if groups == 'learned' else nn.Conv2d(c, c, 3, s, 1, groups=groups, bias=False)
        self.bn2 = nn.BatchNorm2d(c)
        self.conv3, self.bn3 = nn.Conv2d(c, o, 1, bias=False), nn.BatchNorm2d(o)
        self.downsample = nn.Sequential(nn.Conv2d(i, o, 1, s, bias=False), nn.BatchNorm2d(o)) if s != 1 or i != o else None

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        out += x if self.downsample is None else self.downsample(x)
        return F.relu(out)


class CifarResNeXt(nn.Module):
    # leanconv's resnext20_cifar / g_resnext20_cifar: 3x3 stem of `width`, stages of bottlenecks with widths
    # width·(1, 2, 4), outputs twice that, strides 1/2/2, global pooling, FC.
    def __init__(self, groups, width=16, blocks=(2, 2, 2), classes=10):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(3, width, 3, 1, 1, bias=False), nn.BatchNorm2d(width)
        layers, c = [], width
        for k, n in enumerate(blocks):
            w = width * 2 ** k
            stage = []
            for j in range(n):
                stage.append(Bottleneck(c, w, 2 * w, 2 if (j == 0 and k > 0) else 1, groups))
                c = 2 * w
            layers.append(nn.Sequential(*stage))
        self.layer1, self.layer2, self.layer3 = layers
        self.fc = nn.Linear(c, classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


MODELS['resnext20_cifar'] = lambda: CifarResNeXt(4)
MODELS['g_resnext20_cifar'] = lambda: CifarResNeXt('learned')


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def timed(step, warmup, steps):
    for _ in range(warmup):
        step()
    times = []
    for _ in range(steps):
        t = time.perf_counter()
        step()
        times.append((time.perf_counter() - t) * 1000)
    return median(times)


def make_train_step(model, x, y):
    """One training step as bench/train times it: forward, cross-entropy, backward, SGD (momentum) update."""
    opt = torch.optim.SGD(model.parameters(), lr=1e-4, momentum=0.9)

    def train_step():
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return train_step


def main():
    name, batch, warmup, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    torch.manual_seed(0)
    channels_last = name.endswith('+cl')
    model = MODELS[name[:-3] if channels_last else name]()
    x = torch.randn(batch, 3, 32, 32)
    if channels_last:
        model, x = model.to(memory_format=torch.channels_last), x.to(memory_format=torch.channels_last)
    y = torch.randint(0, 10, (batch,))
    train_step = make_train_step(model, x, y)
    model.train()
    train_ms = timed(train_step, warmup, steps)
    model.eval()

    def infer():
        with torch.no_grad():
            model(x)

    infer_ms = timed(infer, warmup, steps)
    with open('/proc/self/status') as f:
        hwm = next(int(l.split()[1]) for l in f if l.startswith('VmHWM'))
    print(json.dumps({'train_ms': train_ms, 'infer_ms': infer_ms, 'peak_rss_mb': hwm / 1024}))


if __name__ == '__main__':
    main()

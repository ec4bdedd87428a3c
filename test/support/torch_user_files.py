"""Writes PyTorch checkpoint files the way users write them, for test/import-files.test.ts.

    python3 test/support/torch_user_files.py OUT_DIR

Each model below is defined here in PyTorch with the layout leanconv imports (torchvision's names for the
ResNets, ACNet's cfqkbnc for Cifar-quick), given random weights and trained BatchNorm statistics, and saved with
torch.save in the forms that circulate: the bare state dict (an OrderedDict carrying `_metadata`), a training
wrapper {'state_dict', 'epoch', 'optimizer'}, nn.DataParallel- and DistributedDataParallel-wrapped state dicts
('module.' prefix) and the legacy format (_use_new_zipfile_serialization=False). OUT_DIR/expected.json gives,
per file, the model name, the class count and PyTorch's eval-mode logits on a fixed input.
"""
import json
import os
import sys
import tempfile

import torch
import torch.distributed as dist
import torch.nn as nn


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, cin, c, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, c, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = None
        if stride != 1 or cin != c:
            self.downsample = nn.Sequential(nn.Conv2d(cin, c, 1, stride, bias=False), nn.BatchNorm2d(c))

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + (self.downsample(x) if self.downsample is not None else x))


def stage(cin, c, blocks, stride):
    layers = [BasicBlock(cin, c, stride)] + [BasicBlock(c, c) for _ in range(blocks - 1)]
    return nn.Sequential(*layers)


class CifarResNet(nn.Module):
    """He et al.'s CIFAR ResNet (6n+2) with 1x1 projection shortcuts: leanconv's resnet20/32/44/56/110."""

    def __init__(self, n, num_classes):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.relu = nn.ReLU(inplace=True)
        self.layer1 = stage(16, 16, n, 1)
        self.layer2 = stage(16, 32, n, 2)
        self.layer3 = stage(32, 64, n, 2)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(64, num_classes)

    def forward(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(torch.flatten(self.avgpool(x), 1))


class ResNet18(nn.Module):
    """torchvision.models.resnet18's structure and names."""

    def __init__(self, num_classes):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.layer1 = stage(64, 64, 2, 1)
        self.layer2 = stage(64, 128, 2, 2)
        self.layer3 = stage(128, 256, 2, 2)
        self.layer4 = stage(256, 512, 2, 2)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(512, num_classes)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


class CifarQuick(nn.Module):
    """ACNet's cfqkbnc: three 5x5 conv-BN-ReLU layers with pooling, then FC 64 and the classifier."""

    def __init__(self, num_classes):
        super().__init__()

        def cbr(cin, cout):
            return [nn.Conv2d(cin, cout, 5, 1, 2, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]

        self.features = nn.Sequential(*cbr(3, 32), nn.MaxPool2d(3, 2), *cbr(32, 32), nn.AvgPool2d(3, 2), *cbr(32, 64), nn.AvgPool2d(3, 2))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(64 * 3 * 3, 64), nn.ReLU(), nn.Linear(64, num_classes))

    def forward(self, x):
        return self.classifier(self.features(x))


def trained_statistics(model):
    """Random BN statistics and affine parameters, as training leaves them (so a misplaced BN shows)."""
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.copy_(torch.randn(m.num_features, generator=g) * 0.1)
                m.running_var.copy_(torch.rand(m.num_features, generator=g) + 0.5)
                m.weight.copy_(torch.rand(m.num_features, generator=g) + 0.5)
                m.bias.copy_(torch.randn(m.num_features, generator=g) * 0.1)
                m.num_batches_tracked.fill_(1234)
    return model


def fixed_input(size):
    n = 2 * 3 * size * size
    return torch.linspace(-2, 2, n).reshape(2, 3, size, size).sin()


def main(out_dir):
    torch.manual_seed(0)
    expected = {}

    def record(name, model, size, classes, file):
        model.eval()
        with torch.no_grad():
            logits = model(fixed_input(size))
        expected[file] = {'model': name, 'classes': classes, 'size': size, 'logits': logits.tolist()}

    # ResNet-20 with 10 classes: the bare state dict, a training wrapper, DataParallel, DDP, legacy format.
    resnet20 = trained_statistics(CifarResNet(3, 10))
    torch.save(resnet20.state_dict(), os.path.join(out_dir, 'resnet20.pth'))
    record('resnet20', resnet20, 32, 10, 'resnet20.pth')
    optimizer = torch.optim.SGD(resnet20.parameters(), lr=0.1, momentum=0.9, nesterov=True)
    resnet20(fixed_input(32)).sum().backward()
    optimizer.step()  # momentum buffers in the optimizer state, as a real training checkpoint has
    torch.save({'epoch': 3, 'arch': 'resnet20', 'state_dict': resnet20.state_dict(), 'optimizer': optimizer.state_dict(), 'best_prec1': 91.3},
               os.path.join(out_dir, 'resnet20-checkpoint.pth.tar'))
    record('resnet20', resnet20, 32, 10, 'resnet20-checkpoint.pth.tar')
    torch.save(nn.DataParallel(resnet20).state_dict(), os.path.join(out_dir, 'resnet20-dataparallel.pth'))
    record('resnet20', resnet20, 32, 10, 'resnet20-dataparallel.pth')
    init = tempfile.NamedTemporaryFile(delete=False)
    init.close()
    dist.init_process_group('gloo', init_method=f'file://{init.name}', rank=0, world_size=1)
    ddp = nn.parallel.DistributedDataParallel(resnet20)
    torch.save({'model': ddp.state_dict(), 'epoch': 7}, os.path.join(out_dir, 'resnet20-ddp.pth'))
    record('resnet20', resnet20, 32, 10, 'resnet20-ddp.pth')
    dist.destroy_process_group()
    os.unlink(init.name)

    # ResNet-56 for CIFAR-100 in the legacy format.
    resnet56 = trained_statistics(CifarResNet(9, 100))
    torch.save(resnet56.state_dict(), os.path.join(out_dir, 'resnet56-legacy.pth'), _use_new_zipfile_serialization=False)
    record('resnet56', resnet56, 32, 100, 'resnet56-legacy.pth')

    # torchvision's ResNet-18 fine-tuned to 5 classes, saved bare; evaluated at 64x64 to keep the test quick.
    resnet18 = trained_statistics(ResNet18(5))
    torch.save(resnet18.state_dict(), os.path.join(out_dir, 'resnet18-5classes.pth'))
    record('resnet18', resnet18, 64, 5, 'resnet18-5classes.pth')

    # ACNet's Cifar-quick (baseline), bare and in the legacy format wrapped as {'state_dict': ...}.
    quick = trained_statistics(CifarQuick(10))
    torch.save(quick.state_dict(), os.path.join(out_dir, 'cifar_quick.pth'))
    record('cifar_quick', quick, 32, 10, 'cifar_quick.pth')
    torch.save({'state_dict': quick.state_dict()}, os.path.join(out_dir, 'cifar_quick-legacy.pth.tar'), _use_new_zipfile_serialization=False)
    record('cifar_quick', quick, 32, 10, 'cifar_quick-legacy.pth.tar')

    with open(os.path.join(out_dir, 'expected.json'), 'w') as f:
        json.dump(expected, f)


if __name__ == '__main__':
    main(sys.argv[1])

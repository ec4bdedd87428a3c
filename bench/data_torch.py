#!/usr/bin/python3
"""The peer of bench/data.ts: torchvision's ImageFolder + DataLoader (Pillow) on the same folder, same transforms,
batch and workers. Prints one JSON line: images/s of one epoch (worker start-up included, as for leanconv).

    /usr/bin/python3 bench/data_torch.py DIR train|eval BATCH WORKERS

Two epochs: the first with the workers' start-up (as leanconv's first), the second on persistent workers.
"""
import json
import sys
import time

import torch
from torchvision import datasets, transforms


def main():
    root, pipeline, batch, workers = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(1)
    normalize = transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
    if pipeline == 'train':
        tf = transforms.Compose([transforms.RandomResizedCrop(224), transforms.RandomHorizontalFlip(), transforms.ToTensor(), normalize])
    else:
        tf = transforms.Compose([transforms.Resize(256), transforms.CenterCrop(224), transforms.ToTensor(), normalize])
    ds = datasets.ImageFolder(root, tf)
    start = time.perf_counter()
    loader = torch.utils.data.DataLoader(ds, batch_size=batch, shuffle=True, num_workers=workers, drop_last=False, persistent_workers=workers > 0)
    for epoch in range(2):
        n = 0
        for images, labels in loader:
            n += labels.shape[0]
        seconds = time.perf_counter() - start
        print(json.dumps({'peer': 'torchvision', 'pipeline': pipeline, 'epoch': epoch, 'images': n, 'seconds': seconds, 'imagesPerSecond': n / seconds}), flush=True)
        start = time.perf_counter()


if __name__ == '__main__':
    main()

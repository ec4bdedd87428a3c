#!/usr/bin/python3
"""torchvision's output for the images and windows a test gives: reads JSON [{file, pipeline: 'crop'|'eval', box:
[top, left, height, width], flip}] on stdin and writes float32 [N, 3, 224, 224] in [0, 1] (ToTensor) to argv[1].
'crop' is RandomResizedCrop's resized_crop of that window; 'eval' is Resize(256) + CenterCrop(224)."""
import json
import sys

import numpy as np
from PIL import Image
from torchvision import transforms
from torchvision.transforms import functional as F


def main():
    requests = json.load(sys.stdin)
    to_tensor = transforms.ToTensor()
    evaluate = transforms.Compose([transforms.Resize(256), transforms.CenterCrop(224)])
    out = []
    for r in requests:
        image = Image.open(r['file']).convert('RGB')
        if r['pipeline'] == 'crop':
            top, left, height, width = r['box']
            image = F.resized_crop(image, top, left, height, width, [224, 224], interpolation=transforms.InterpolationMode.BILINEAR)
        else:
            image = evaluate(image)
        if r['flip']:
            image = F.hflip(image)
        out.append(to_tensor(image).numpy())
    np.stack(out).astype(np.float32).tofile(sys.argv[1])


if __name__ == '__main__':
    main()

#!/usr/bin/python3
"""Makes the real-photo image folder bench/data.ts reads: 500x375 and 375x500 JPEG crops (quality 90) of the
photographs in Debian's plasma-workspace-wallpapers, at several scales and positions, in 4 class folders.

    sudo apt-get install plasma-workspace-wallpapers python3-pil
    /usr/bin/python3 bench/make_photos.py /tmp/lc-photos [--per-class 200]
"""
import argparse
import glob
import os
import random

from PIL import Image


def sources():
    """The largest JPEG of each wallpaper that is a photograph (the ones shipped at many resolutions)."""
    out = []
    for folder in sorted(glob.glob('/usr/share/wallpapers/*/contents/images')):
        jpgs = glob.glob(os.path.join(folder, '*.jpg'))
        if len(jpgs) < 4:
            continue
        out.append(max(jpgs, key=lambda p: Image.open(p).size[0] * Image.open(p).size[1]))
    if not out:
        raise SystemExit('no wallpapers: sudo apt-get install plasma-workspace-wallpapers')
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('out')
    ap.add_argument('--per-class', type=int, default=200)
    ap.add_argument('--classes', type=int, default=4)
    ap.add_argument('--sources', type=int, default=0, help='use only the first N wallpapers (quicker, for tests)')
    args = ap.parse_args()
    rng = random.Random(0)
    paths = sources()
    photos = [Image.open(p).convert('RGB') for p in (paths[:args.sources] if args.sources else paths)]
    for c in range(args.classes):
        os.makedirs(os.path.join(args.out, f'class{c}'), exist_ok=True)
    for i in range(args.per_class * args.classes):
        photo = photos[i % len(photos)]
        w, h = (500, 375) if i % 2 == 0 else (375, 500)
        # A random scale (so crops differ in content and detail), then a random window of the output's size.
        scale = rng.uniform(max(w / photo.size[0], h / photo.size[1]), 1.0)
        scaled = photo.resize((max(w, round(photo.size[0] * scale)), max(h, round(photo.size[1] * scale))), Image.BILINEAR)
        x = rng.randint(0, scaled.size[0] - w)
        y = rng.randint(0, scaled.size[1] - h)
        scaled.crop((x, y, x + w, y + h)).save(os.path.join(args.out, f'class{i % args.classes}', f'{i:05d}.jpg'), quality=90)
    print(f'{args.per_class * args.classes} photos from {len(photos)} wallpapers in {args.out}')


if __name__ == '__main__':
    main()

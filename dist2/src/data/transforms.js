/** Interleaved 8-bit pixels (RGBA from a canvas, or RGB / gray from a decoder) as planar RGB floats in [0, 1]. */
export function imageFromInterleaved(bytes, width, height, channels) {
    const plane = width * height;
    const data = new Float32Array(3 * plane);
    for (let c = 0; c < 3; c++) {
        const src = channels < 3 ? 0 : c;
        for (let i = 0; i < plane; i++)
            data[c * plane + i] = bytes[i * channels + src] / 255;
    }
    return { data, channels: 3, height, width };
}
const blank = (channels, height, width) => ({ data: new Float32Array(channels * height * width), channels, height, width });
/** Copies the window [top, top+h) x [left, left+w) of `img`; parts outside the image are zero. */
export function crop(img, top, left, h, w) {
    const out = blank(img.channels, h, w);
    for (let c = 0; c < img.channels; c++) {
        for (let y = 0; y < h; y++) {
            const sy = top + y;
            if (sy < 0 || sy >= img.height)
                continue;
            const x0 = Math.max(0, -left);
            const x1 = Math.min(w, img.width - left);
            if (x1 <= x0)
                continue;
            const src = (c * img.height + sy) * img.width + left;
            out.data.set(img.data.subarray(src + x0, src + x1), (c * h + y) * w + x0);
        }
    }
    return out;
}
/** Most pixels a resize may produce (a bound on what a crafted image can make the pipeline allocate). */
export const MAX_RESAMPLE_PIXELS = 1 << 26;
/** Bilinear resampling of a window of `img` to outH x outW (half-pixel centres, as PyTorch align_corners=false). */
export function resample(img, outH, outW, box = { top: 0, left: 0, height: img.height, width: img.width }) {
    if (!(outH >= 1 && outW >= 1 && outH * outW <= MAX_RESAMPLE_PIXELS)) {
        throw new RangeError(`resize of a ${img.width}x${img.height} image to ${outW}x${outH}: the target must have 1 to ${MAX_RESAMPLE_PIXELS} pixels`);
    }
    const out = blank(img.channels, outH, outW);
    const sy = box.height / outH;
    const sx = box.width / outW;
    const ys = [];
    for (let y = 0; y < outH; y++) {
        const f = Math.min(Math.max(box.top + (y + 0.5) * sy - 0.5, 0), img.height - 1);
        const y0 = Math.floor(f);
        ys.push([y0, Math.min(y0 + 1, img.height - 1), f - y0]);
    }
    const xs = [];
    for (let x = 0; x < outW; x++) {
        const f = Math.min(Math.max(box.left + (x + 0.5) * sx - 0.5, 0), img.width - 1);
        const x0 = Math.floor(f);
        xs.push([x0, Math.min(x0 + 1, img.width - 1), f - x0]);
    }
    for (let c = 0; c < img.channels; c++) {
        const plane = c * img.height * img.width;
        for (let y = 0; y < outH; y++) {
            const [y0, y1, fy] = ys[y];
            const r0 = plane + y0 * img.width;
            const r1 = plane + y1 * img.width;
            const o = (c * outH + y) * outW;
            for (let x = 0; x < outW; x++) {
                const [x0, x1, fx] = xs[x];
                const top = img.data[r0 + x0] + (img.data[r0 + x1] - img.data[r0 + x0]) * fx;
                const bottom = img.data[r1 + x0] + (img.data[r1 + x1] - img.data[r1 + x0]) * fx;
                out.data[o + x] = top + (bottom - top) * fy;
            }
        }
    }
    return out;
}
/** Python's round(): halves to even (torchvision's center crop offsets use it). */
export function roundHalfEven(x) {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
/** [height, width] after Resize(size) of an image: the shorter side becomes `size`, the longer truncated as torchvision. */
export function resizedSize(height, width, size) {
    if (height <= width)
        return [size, Math.max(1, Math.floor((size * width) / height))];
    return [Math.max(1, Math.floor((size * height) / width)), size];
}
/** Offset of a centered window of `size` in a length (negative: the window pads), as torchvision's CenterCrop. */
export function centerCropOffset(length, size) {
    return roundHalfEven((length - size) / 2);
}
/** RandomResizedCrop's window of an image (torchvision's sampling: 10 tries, then a central crop of clamped ratio). */
export function resizedCropBox(height, width, rng, scale = [0.08, 1], ratio = [3 / 4, 4 / 3]) {
    const [smin, smax] = scale;
    const [rmin, rmax] = ratio;
    const area = height * width;
    for (let attempt = 0; attempt < 10; attempt++) {
        const target = area * rng.uniform(smin, smax);
        const aspect = Math.exp(rng.uniform(Math.log(rmin), Math.log(rmax)));
        const w = roundHalfEven(Math.sqrt(target * aspect));
        const h = roundHalfEven(Math.sqrt(target / aspect));
        if (w > 0 && h > 0 && w <= width && h <= height) {
            const top = rng.int(height - h + 1);
            const left = rng.int(width - w + 1);
            return { top, left, height: h, width: w };
        }
    }
    const inRatio = width / height;
    let w = width;
    let h = height;
    if (inRatio < rmin)
        h = roundHalfEven(w / rmin);
    else if (inRatio > rmax)
        w = roundHalfEven(h * rmax);
    return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
}
function positive(value, what) {
    if (!Number.isInteger(value) || value < 1)
        throw new RangeError(`transform: ${what} must be a positive integer, got ${value}`);
    return value;
}
/** Builds the function for one spec; throws naming the bad option. */
export function buildTransform(spec) {
    switch (spec.name) {
        case 'normalize': {
            const { mean, std } = spec;
            if (mean.length !== std.length || std.some((s) => !(s > 0)))
                throw new RangeError('normalize: mean and std need one entry per channel, std > 0');
            return (img) => {
                if (img.channels !== mean.length)
                    throw new RangeError(`normalize: image has ${img.channels} channels, mean/std have ${mean.length}`);
                const plane = img.height * img.width;
                for (let c = 0; c < img.channels; c++) {
                    const m = mean[c];
                    const s = std[c];
                    for (let i = c * plane; i < (c + 1) * plane; i++)
                        img.data[i] = (img.data[i] - m) / s;
                }
                return img;
            };
        }
        case 'randomCrop': {
            const size = positive(spec.size, 'randomCrop size');
            const p = spec.padding;
            return (img, rng) => {
                const top = rng.int(img.height + 2 * p - size + 1) - p;
                const left = rng.int(img.width + 2 * p - size + 1) - p;
                return crop(img, top, left, size, size);
            };
        }
        case 'pad':
            return (img) => crop(img, -spec.padding, -spec.padding, img.height + 2 * spec.padding, img.width + 2 * spec.padding);
        case 'horizontalFlip': {
            const p = spec.p ?? 0.5;
            return (img, rng) => {
                if (rng.next() >= p)
                    return img;
                const { data, width } = img;
                for (let row = 0; row < img.channels * img.height; row++)
                    data.subarray(row * width, (row + 1) * width).reverse();
                return img;
            };
        }
        case 'resize': {
            // The shorter side becomes `size`, keeping the aspect ratio (torchvision Resize(int)).
            const size = positive(spec.size, 'resize size');
            return (img) => {
                const [h, w] = resizedSize(img.height, img.width, size);
                return h === img.height && w === img.width ? img : resample(img, h, w);
            };
        }
        case 'centerCrop': {
            const size = positive(spec.size, 'centerCrop size');
            return (img) => crop(img, centerCropOffset(img.height, size), centerCropOffset(img.width, size), size, size);
        }
        case 'randomResizedCrop': {
            const size = positive(spec.size, 'randomResizedCrop size');
            return (img, rng) => resample(img, size, size, resizedCropBox(img.height, img.width, rng, spec.scale, spec.ratio));
        }
        case 'grayscaleToRgb':
            return (img) => {
                if (img.channels !== 1)
                    return img;
                const out = blank(3, img.height, img.width);
                for (let c = 0; c < 3; c++)
                    out.data.set(img.data, c * img.data.length);
                return out;
            };
        default:
            throw new TypeError(`unknown transform '${spec.name}'`);
    }
}
/** Composes specs into one function applied left to right. */
export function compose(specs) {
    const fns = specs.map(buildTransform);
    return (img, rng) => fns.reduce((acc, fn) => fn(acc, rng), img);
}
/** Output [C, H, W] of a pipeline for an input [C, H, W] (for model input checks). */
export function outputShape(specs, input) {
    let [c, h, w] = input;
    for (const s of specs) {
        switch (s.name) {
            case 'randomCrop':
            case 'centerCrop':
            case 'randomResizedCrop':
                h = w = s.size;
                break;
            case 'pad':
                h += 2 * s.padding;
                w += 2 * s.padding;
                break;
            case 'resize':
                [h, w] = resizedSize(h, w, s.size);
                break;
            case 'grayscaleToRgb':
                c = c === 1 ? 3 : c;
                break;
            default: break;
        }
    }
    return [c, h, w];
}
//# sourceMappingURL=transforms.js.map
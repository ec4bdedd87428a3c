import { centerCropOffset, resizedCropBox, resizedSize } from './transforms.js';
/**
 * The plan for a pipeline of RGB images, or undefined when it is not one the codec runs: padding crops, two
 * resamplings, a random crop after a flip, or an output size that depends on the image.
 */
export function planImagePipeline(specs) {
    const steps = [];
    let size;
    let mean = null;
    let std = null;
    let flipped = false;
    let resamples = 0;
    for (const spec of specs) {
        switch (spec.name) {
            case 'randomResizedCrop': {
                if (flipped || resamples++ > 0 || steps.length > 0)
                    return undefined;
                const out = spec.size;
                steps.push((s, rng) => {
                    s.box = resizedCropBox(s.height, s.width, rng, spec.scale, spec.ratio);
                    Object.assign(s, { height: out, width: out, clampToBox: true, resampled: true });
                    return true;
                });
                size = [out, out];
                break;
            }
            case 'resize': {
                if (resamples++ > 0)
                    return undefined;
                steps.push((s) => {
                    [s.height, s.width] = resizedSize(s.height, s.width, spec.size);
                    s.resampled = true;
                    return true;
                });
                size = undefined;
                break;
            }
            case 'centerCrop': {
                const out = spec.size;
                steps.push((s) => {
                    if (out > s.height || out > s.width)
                        return false; // a padding crop
                    // A mirrored image cropped off-centre by half a pixel is not the mirror of the crop.
                    if (s.flip && ((s.height - out) % 2 !== 0 || (s.width - out) % 2 !== 0))
                        return false;
                    const sy = s.box.height / s.height;
                    const sx = s.box.width / s.width;
                    s.box = { top: s.box.top + centerCropOffset(s.height, out) * sy, left: s.box.left + centerCropOffset(s.width, out) * sx, height: out * sy, width: out * sx };
                    if (!s.resampled)
                        s.clampToBox = true;
                    s.height = s.width = out;
                    return true;
                });
                size = [out, out];
                break;
            }
            case 'horizontalFlip': {
                const p = spec.p ?? 0.5;
                flipped = true;
                steps.push((s, rng) => {
                    if (rng.next() < p)
                        s.flip = !s.flip;
                    return true;
                });
                break;
            }
            case 'normalize':
                if (mean !== null || spec.mean.length !== 3 || spec.std.length !== 3 || spec.std.some((v) => !(v > 0)))
                    return undefined;
                mean = Float32Array.from(spec.mean);
                std = Float32Array.from(spec.std);
                break;
            case 'grayscaleToRgb':
                break; // the codec always writes RGB
            default:
                return undefined;
        }
    }
    if (size === undefined)
        return undefined;
    const [outHeight, outWidth] = size;
    return {
        outHeight, outWidth, mean, std,
        geometry(height, width, rng) {
            const s = { box: { top: 0, left: 0, height, width }, height, width, clampToBox: false, flip: false, resampled: false };
            for (const step of steps)
                if (!step(s, rng))
                    return undefined;
            return { box: s.box, clampToBox: s.clampToBox, flip: s.flip };
        },
    };
}
/**
 * The plan for a pipeline of same-size in-memory images [C, H, W] that only crops, pads, flips and normalises (the
 * CIFAR and Fashion-MNIST recipes), or undefined when it resamples. Every crop is a whole-pixel window of the source,
 * so the codec's output is bit-identical to the float transforms'.
 */
export function planCropPipeline(specs, shape) {
    const [channels, height, width] = shape;
    const steps = [];
    let size = [height, width];
    let outChannels = channels;
    let mean;
    let std;
    // A crop at (top, left) of the current image, whose columns run backwards in the source when it is mirrored.
    const cropAt = (w, top, left, h, wd) => {
        w.left = w.flip ? w.left + (w.width - left - wd) : w.left + left;
        w.top += top;
        w.height = h;
        w.width = wd;
    };
    for (const spec of specs) {
        switch (spec.name) {
            case 'randomCrop': {
                const { size: s, padding: p } = spec;
                steps.push((w, rng) => {
                    const top = rng.int(w.height + 2 * p - s + 1) - p;
                    const left = rng.int(w.width + 2 * p - s + 1) - p;
                    cropAt(w, top, left, s, s);
                });
                size = [s, s];
                break;
            }
            case 'pad': {
                const p = spec.padding;
                steps.push((w) => cropAt(w, -p, -p, w.height + 2 * p, w.width + 2 * p));
                size = [size[0] + 2 * p, size[1] + 2 * p];
                break;
            }
            case 'centerCrop': {
                const s = spec.size;
                steps.push((w) => cropAt(w, centerCropOffset(w.height, s), centerCropOffset(w.width, s), s, s));
                size = [s, s];
                break;
            }
            case 'horizontalFlip': {
                const p = spec.p ?? 0.5;
                steps.push((w, rng) => {
                    if (rng.next() < p)
                        w.flip = !w.flip;
                });
                break;
            }
            case 'normalize':
                if (mean !== undefined)
                    return undefined;
                ({ mean, std } = spec);
                break;
            case 'grayscaleToRgb':
                if (channels === 1)
                    outChannels = 3;
                break;
            default:
                return undefined;
        }
    }
    if (mean !== undefined && mean.length !== outChannels)
        return undefined;
    const [outHeight, outWidth] = size;
    return {
        outChannels, outHeight, outWidth,
        mean: mean === undefined ? null : Float64Array.from(mean),
        std: std === undefined ? null : Float64Array.from(std),
        window(rng) {
            const w = { top: 0, left: 0, height, width, flip: false };
            for (const step of steps)
                step(w, rng);
            return { top: w.top, left: w.left, flip: w.flip };
        },
    };
}
//# sourceMappingURL=image-plan.js.map
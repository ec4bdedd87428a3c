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
//# sourceMappingURL=image-plan.js.map
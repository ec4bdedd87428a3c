// Network dissection (Bau et al. 2017) as NetDissect-Lite computes it, which HCGNet's interpretability
// figure uses: every unit (channel) of a layer gets a threshold at the top `quantile` (0.5%) of its
// activations over the whole concept dataset; per image its map is upsampled bilinearly to the
// segmentation size and thresholded into a mask; the mask's IoU with every concept is accumulated over
// the dataset; a unit whose best IoU reaches `iouThreshold` (0.04) detects that concept.
//
// IoU(unit, label) = |mask ∩ label| / (|mask on images where the mask meets the label's category| +
// |label| − |mask ∩ label|), summed over images; whole-image labels (scene, texture) cover every pixel.
// NetDissect-Lite's tally reuses a stale category vector for images with only whole-image labels; here
// each image starts from zero (its evident intent).
import { join } from 'node:path';
import { decodeImageFile } from '../data/batch.js';
import { resample } from '../data/transforms.js';
import { imagesToInput } from '../deploy/predict.js';
import { noGrad } from '../engine/autograd.js';
import { tidy } from '../engine/scope.js';
import { fromTypedArray } from '../engine/tensor.js';
import { HookedFeatures } from '../models/features.js';
/** The layer's activations; the model's modules are borrowed by a tap on the layer and left as they were. */
async function layerActivations(model, data, images, options) {
    const backbone = new HookedFeatures(model, [options.layer], options.inputShape);
    const wasTraining = model.training;
    try {
        return await activationsOf(backbone, data, images, options);
    }
    finally {
        model.train(wasTraining);
    }
}
async function activationsOf(backbone, data, images, options) {
    const batchSize = options.batchSize ?? 16;
    const [c, h, w] = options.inputShape;
    let out;
    backbone.eval();
    for (let start = 0; start < images.length; start += batchSize) {
        const batch = images.slice(start, start + batchSize);
        const pixels = await imagesToInput(batch.map((im) => join(data.dir, 'images', im.image)), options.inputShape, options.preprocessing, { stretch: true });
        noGrad(() => tidy(() => {
            const map = backbone.forward(backbone.formatInput(fromTypedArray(pixels, [batch.length, c, h, w])));
            if (map.ndim !== 4)
                throw new Error(`layer '${options.layer}' gives a ${map.ndim}-d output [${map.shape.join(', ')}]; dissection needs a spatial map [N, units, h, w]`);
            const [, units, mh, mw] = map.shape;
            const size = units * mh * mw;
            if (out === undefined) {
                const bytes = images.length * size * 4;
                if (bytes > 2 ** 32)
                    throw new RangeError(`dissecting ${images.length} images of ${units}x${mh}x${mw} needs ${(bytes / 2 ** 30).toFixed(1)} GiB of activations: use --limit`);
                out = { data: new Float32Array(images.length * size), units, h: mh, w: mw };
            }
            out.data.set(map.contiguous().data(), start * size);
        }));
        options.onProgress?.('activations', Math.min(start + batchSize, images.length), images.length);
    }
    return out;
}
/** The value below which a fraction 1 − quantile of `values` lies (linear interpolation, as numpy). */
export function upperQuantile(values, quantile) {
    const sorted = Float32Array.from(values).sort();
    const pos = (1 - quantile) * (sorted.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
/** Label per pixel of each mask file of an image (R + 256·G), checked against the segmentation size. */
async function decodeMasks(dir, im, files) {
    const sharp = (await import('sharp')).default;
    return Promise.all(files.map(async (f) => {
        const path = join(dir, 'images', f);
        const { data, info } = await sharp(path).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true }).catch((err) => {
            throw new Error(`${path}: cannot decode mask (${err.message})`);
        });
        if (info.height !== im.sh || info.width !== im.sw)
            throw new Error(`${path}: mask is ${info.width}x${info.height}, index.csv says ${im.sw}x${im.sh}`);
        const labels = new Int32Array(im.sh * im.sw);
        for (let p = 0; p < labels.length; p++)
            labels[p] = data[p * info.channels] + 256 * data[p * info.channels + 1];
        return labels;
    }));
}
/** The mask of one unit on one image: its map upsampled to the segmentation size, above the threshold. */
export function unitMask(map, h, w, sh, sw, threshold) {
    const up = h === sh && w === sw ? map : resample({ data: map, channels: 1, height: h, width: w }, sh, sw).data;
    const mask = new Uint8Array(sh * sw);
    for (let p = 0; p < mask.length; p++)
        mask[p] = up[p] > threshold ? 1 : 0;
    return mask;
}
/** Dissects one layer of a model on a concept dataset. The model is used, not kept or changed. */
export async function dissect(model, data, options) {
    const quantile = options.quantile ?? 0.005;
    const iouThreshold = options.iouThreshold ?? 0.04;
    const topN = options.topImages ?? 10;
    if (!(quantile > 0 && quantile < 1))
        throw new RangeError(`quantile must be in (0, 1), got ${quantile}`);
    const images = data.images.slice(0, options.limit ?? data.images.length);
    const acts = await layerActivations(model, data, images, options);
    const { units, h, w } = acts;
    const plane = h * w;
    const at = (i, u) => acts.data.subarray((i * units + u) * plane, (i * units + u + 1) * plane);
    // Thresholds and per-image maxima.
    const thresholds = new Float64Array(units);
    const maxima = new Float32Array(images.length * units);
    const column = new Float32Array(images.length * plane);
    for (let u = 0; u < units; u++) {
        for (let i = 0; i < images.length; i++) {
            const map = at(i, u);
            column.set(map, i * plane);
            let max = -Infinity;
            for (const v of map)
                if (v > max)
                    max = v;
            maxima[i * units + u] = max;
        }
        thresholds[u] = upperQuantile(column, quantile);
    }
    // Tally: label areas, mask areas per category, intersections.
    const nLabels = data.labels.length;
    const nCats = data.categories.length;
    const catOf = Int32Array.from(data.labels, (l) => data.categories.indexOf(l.category));
    const labelArea = new Float64Array(nLabels);
    const unitCatArea = new Float64Array(units * nCats);
    const both = new Float64Array(units * nLabels);
    const hit = new Float64Array(nLabels);
    const touched = new Uint8Array(nCats);
    for (const [i, im] of images.entries()) {
        const pixelMaps = [];
        const scalars = [];
        for (const { masks, scalars: s } of im.annotations.values()) {
            pixelMaps.push(...await decodeMasks(data.dir, im, masks));
            scalars.push(...s);
        }
        const area = im.sh * im.sw;
        for (const s of scalars)
            labelArea[s] += area;
        for (const labels of pixelMaps)
            for (const l of labels)
                if (l > 0 && l < nLabels)
                    labelArea[l]++;
        for (let u = 0; u < units; u++) {
            if (!(maxima[i * units + u] > thresholds[u]))
                continue;
            const mask = unitMask(at(i, u), h, w, im.sh, im.sw, thresholds[u]);
            let maskArea = 0;
            hit.fill(0);
            touched.fill(0);
            for (let p = 0; p < mask.length; p++) {
                if (!mask[p])
                    continue;
                maskArea++;
                for (const labels of pixelMaps) {
                    const l = labels[p];
                    if (l > 0 && l < nLabels)
                        hit[l]++;
                }
            }
            hit.forEach((n, l) => {
                if (n > 0) {
                    both[u * nLabels + l] += n;
                    if (catOf[l] >= 0)
                        touched[catOf[l]] = 1;
                }
            });
            for (const s of scalars) {
                both[u * nLabels + s] += maskArea;
                if (catOf[s] >= 0)
                    touched[catOf[s]] = 1;
            }
            for (let c = 0; c < nCats; c++)
                if (touched[c])
                    unitCatArea[u * nCats + c] += maskArea;
        }
        options.onProgress?.('tally', i + 1, images.length);
    }
    // Scores: the best label of each category, the best category of each unit.
    const results = [];
    for (let u = 0; u < units; u++) {
        const perCategory = {};
        let best = { category: '', label: '', iou: 0 };
        data.categories.forEach((category, c) => {
            let top = { label: '', iou: 0 };
            for (let l = 1; l < nLabels; l++) {
                if (catOf[l] !== c)
                    continue;
                const inter = both[u * nLabels + l];
                const iou = inter / (unitCatArea[u * nCats + c] + labelArea[l] - inter + 1e-10);
                if (iou > top.iou)
                    top = { label: data.labels[l].name, iou };
            }
            perCategory[category] = top;
            if (top.iou > best.iou)
                best = { category, ...top };
        });
        const order = Array.from(images.keys()).sort((a, b) => maxima[b * units + u] - maxima[a * units + u]);
        results.push({ unit: u, ...best, detector: best.iou >= iouThreshold, perCategory, threshold: thresholds[u], topImages: order.slice(0, topN) });
    }
    results.sort((a, b) => b.iou - a.iou || a.unit - b.unit);
    if (options.overlays) {
        const chosen = results.slice(0, options.overlays.units ?? results.filter((r) => r.detector).length);
        for (const r of chosen)
            await writeOverlay(join(options.overlays.dir, `unit_${String(r.unit).padStart(4, '0')}.png`), data, images, r, (i) => at(i, r.unit), h, w);
    }
    const uniqueDetectors = Object.fromEntries(data.categories.map((c) => [c, new Set(results.filter((r) => r.detector && r.category === c).map((r) => r.label)).size]));
    return {
        layer: options.layer, units, mapSize: [h, w], images: images.length, quantile, iouThreshold, results, uniqueDetectors,
        detectors: results.filter((r) => r.detector).length,
    };
}
/** A strip of the unit's top images (segmentation size), each dimmed to 25% outside the unit's mask. */
async function writeOverlay(file, data, images, unit, mapOf, h, w) {
    const sharp = (await import('sharp')).default;
    const gap = 2;
    const tiles = await Promise.all(unit.topImages.map(async (i) => {
        const im = images[i];
        let img = await decodeImageFile(join(data.dir, 'images', im.image));
        if (img.height !== im.sh || img.width !== im.sw)
            img = resample(img, im.sh, im.sw);
        return { img, mask: unitMask(mapOf(i), h, w, im.sh, im.sw, unit.threshold) };
    }));
    const height = Math.max(...tiles.map((t) => t.img.height));
    const width = tiles.reduce((sum, t) => sum + t.img.width, 0) + gap * Math.max(0, tiles.length - 1);
    const rgb = Buffer.alloc(height * width * 3, 255);
    let left = 0;
    for (const { img, mask } of tiles) {
        const plane = img.height * img.width;
        for (let y = 0; y < img.height; y++) {
            for (let x = 0; x < img.width; x++) {
                const p = y * img.width + x;
                const shade = mask[p] ? 1 : 0.25;
                for (let c = 0; c < 3; c++)
                    rgb[(y * width + left + x) * 3 + c] = Math.round(255 * shade * img.data[c * plane + p]);
            }
        }
        left += img.width + gap;
    }
    await sharp(rgb, { raw: { width, height, channels: 3 } }).png().toFile(file);
}
//# sourceMappingURL=dissect.js.map
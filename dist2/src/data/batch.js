// Assembles one batch of transformed float32 pixels from a dataset, in the main thread or a loader worker thread.
// Images in memory go through the float transforms; image files and shard members through the native codec when
// the pipeline has a plan (image-plan.ts), written straight into the batch, and through sharp + the float
// transforms otherwise.
import { DatasetError, readSampleBytes, sampleName } from './datasets.js';
import { cropPlanarInto, decodeJpegInto, jpegInfo, resampleRgbInto } from './image-codec.js';
import { planCropPipeline, planImagePipeline } from './image-plan.js';
import { Rng } from './rng.js';
import { compose, imageFromInterleaved } from './transforms.js';
const ERROR_CLASSES = { DatasetError, RangeError, TypeError };
export function serializeError(err) {
    const e = err instanceof Error ? err : new Error(String(err));
    return { name: e.name, message: e.message, stack: e.stack };
}
/** The worker's error with its class (DatasetError, RangeError, ...), message and stack restored. */
export function reviveError(s) {
    const cls = ERROR_CLASSES[s.name];
    const err = Object.create((cls ?? Error).prototype);
    Object.defineProperties(err, {
        message: { value: s.message, writable: true, configurable: true },
        name: { value: s.name, writable: true, configurable: true },
        stack: { value: s.stack ?? `${s.name}: ${s.message}`, writable: true, configurable: true },
    });
    return err;
}
let sharpModule;
const loadSharp = async () => {
    sharpModule ??= import('sharp').then((m) => (m.default ?? m));
    return (await sharpModule);
};
/** Largest image decoded (a 48-megapixel photo fits), and the most elongated. */
export const MAX_IMAGE_PIXELS = 50_000_000;
export const MAX_IMAGE_ASPECT = 50;
/** Refuses an image whose declared size would take gigabytes to decode or to resize. */
export function checkImageSize(file, width, height) {
    if (width < 1 || height < 1)
        throw new DatasetError(file, `the image declares a size of ${width}x${height}`);
    if (width * height > MAX_IMAGE_PIXELS) {
        throw new DatasetError(file, `the image is ${width}x${height} (${(width * height / 1e6).toFixed(0)} megapixels), more than the ${MAX_IMAGE_PIXELS / 1e6} megapixels leanconv decodes; downscale it first`);
    }
    if (Math.max(width, height) / Math.min(width, height) > MAX_IMAGE_ASPECT) {
        throw new DatasetError(file, `the image is ${width}x${height}: an aspect ratio beyond ${MAX_IMAGE_ASPECT}:1, which resizing to a model's input would blow up`);
    }
}
/** 8-bit interleaved RGB of an image file or its bytes, decoded by sharp (every format libvips reads). */
async function decodeRgb(source, name) {
    const sharp = await loadSharp();
    try {
        // The header first: a small file can declare a huge or absurdly thin image.
        const { width = 0, height = 0 } = await sharp(source).metadata();
        checkImageSize(name, width, height);
        const raw = await sharp(source).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
        return { data: raw.data, width: raw.info.width, height: raw.info.height, channels: raw.info.channels };
    }
    catch (err) {
        if (err instanceof DatasetError)
            throw err;
        throw new DatasetError(name, `cannot decode image (${err.message})`);
    }
}
/** Decodes an image file (or its bytes) to float RGB in [0, 1] (sharp is loaded on first use). */
export async function decodeImageFile(file, bytes) {
    const raw = await decodeRgb(bytes ?? file, file);
    return imageFromInterleaved(raw.data, raw.width, raw.height, raw.channels);
}
function memoryImage(ds, index) {
    const [channels, height, width] = ds.shape;
    const size = channels * height * width;
    const data = new Float32Array(size);
    const src = ds.images.subarray(index * size, (index + 1) * size);
    for (let i = 0; i < size; i++)
        data[i] = src[i] / 255;
    return { data, channels, height, width };
}
/** A dataset's pipeline: the float transforms, and the codec's plans where the specs allow (nativeImages, default true). */
export function samplePipeline(specs, nativeImages = true, dataset) {
    return {
        transform: compose(specs),
        plan: nativeImages ? planImagePipeline(specs) : undefined,
        crop: nativeImages && dataset?.kind === 'memory' ? planCropPipeline(specs, dataset.shape) : undefined,
    };
}
/** A transformed image as [C, H, W] floats, written at `offset` of the batch or returned for the batch to place. */
async function imageSample(dataset, index, seed, pipeline, out, offset) {
    const name = sampleName(dataset, index);
    const bytes = readSampleBytes(dataset, index);
    const plan = out === undefined ? undefined : pipeline.plan;
    if (plan !== undefined) {
        let jpeg;
        try {
            jpeg = jpegInfo(bytes);
        }
        catch (err) {
            throw new DatasetError(name, err.message);
        }
        let rgb;
        let width;
        let height;
        if (jpeg?.rgb) {
            ({ width, height } = jpeg);
            checkImageSize(name, width, height);
        }
        else {
            rgb = await decodeRgb(bytes, name);
            ({ width, height } = rgb);
        }
        const geometry = plan.geometry(height, width, new Rng(seed));
        if (geometry !== undefined) {
            const { box, clampToBox, flip } = geometry;
            const target = {
                box: Float64Array.of(box.top, box.left, box.height, box.width), clampToBox, flip,
                outHeight: plan.outHeight, outWidth: plan.outWidth, mean: plan.mean, std: plan.std, out: out, offset,
            };
            if (rgb === undefined) {
                try {
                    decodeJpegInto(bytes, target);
                }
                catch (err) {
                    throw new DatasetError(name, err.message);
                }
            }
            else {
                resampleRgbInto(rgb.channels === 3 ? rgb.data : imageToRgb(rgb), width, height, target);
            }
            return undefined;
        }
    }
    return pipeline.transform(await decodeImageFile(name, bytes), new Rng(seed));
}
function imageToRgb(raw) {
    const n = raw.width * raw.height;
    const rgb = new Uint8Array(n * 3);
    for (let i = 0; i < n; i++)
        for (let c = 0; c < 3; c++)
            rgb[i * 3 + c] = raw.data[i * raw.channels + (raw.channels < 3 ? 0 : c)];
    return rgb;
}
export async function assembleBatch(dataset, pipeline, request, onBadImage = 'fail', allocate = (length) => new Float32Array(length)) {
    if (dataset.kind === 'memory' && pipeline.crop !== undefined)
        return memoryBatch(dataset, pipeline.crop, request, allocate);
    if (dataset.kind === 'memory') {
        const images = request.indices.map((i, k) => pipeline.transform(memoryImage(dataset, i), new Rng(request.seeds[k])));
        return stack(images, request.indices.map((i) => dataset.labels[i]), (k) => `sample ${request.indices[k]}`, [], allocate);
    }
    const plan = pipeline.plan;
    const sampleSize = plan === undefined ? 0 : 3 * plan.outHeight * plan.outWidth;
    const data = plan === undefined ? undefined : allocate(request.indices.length * sampleSize);
    const labels = [];
    const names = [];
    const floats = [];
    const skipped = [];
    for (const [k, index] of request.indices.entries()) {
        try {
            floats.push(await imageSample(dataset, index, request.seeds[k], pipeline, data, labels.length * sampleSize));
            labels.push(dataset.labels[index]);
            names.push(sampleName(dataset, index));
        }
        catch (err) {
            if (onBadImage === 'skip' && err instanceof DatasetError)
                skipped.push(err.message);
            else
                throw err;
        }
    }
    if (data === undefined)
        return stack(floats, labels, (k) => names[k], skipped, allocate);
    const n = labels.length;
    // Samples the plan could not express went through the float pipeline: they must have the plan's size.
    floats.forEach((img, k) => {
        if (img === undefined)
            return;
        if (img.channels !== 3 || img.height !== plan.outHeight || img.width !== plan.outWidth) {
            throw new DatasetError(names[k], `transformed to [${img.channels}, ${img.height}, ${img.width}] but the batch is [3, ${plan.outHeight}, ${plan.outWidth}]`);
        }
        data.set(img.data, k * sampleSize);
    });
    return { data: n === request.indices.length ? data : data.slice(0, n * sampleSize), labels: Int32Array.from(labels), shape: [n, 3, plan.outHeight, plan.outWidth], skipped };
}
function memoryBatch(dataset, plan, request, allocate) {
    const size = dataset.shape[0] * dataset.shape[1] * dataset.shape[2];
    const sample = plan.outChannels * plan.outHeight * plan.outWidth;
    const n = request.indices.length;
    const data = allocate(n * sample);
    request.indices.forEach((index, k) => {
        const { top, left, flip } = plan.window(new Rng(request.seeds[k]));
        cropPlanarInto(dataset.images.subarray(index * size, (index + 1) * size), dataset.shape, {
            top, left, flip, outChannels: plan.outChannels, outHeight: plan.outHeight, outWidth: plan.outWidth, mean: plan.mean, std: plan.std, out: data, offset: k * sample,
        });
    });
    return { data, labels: Int32Array.from(request.indices, (i) => dataset.labels[i]), shape: [n, plan.outChannels, plan.outHeight, plan.outWidth], skipped: [] };
}
function stack(images, labels, nameOf, skipped, allocate) {
    const n = images.length;
    if (n === 0)
        return { data: new Float32Array(0), labels: new Int32Array(0), shape: [0, 0, 0, 0], skipped };
    const first = images[0];
    const sampleSize = first.channels * first.height * first.width;
    const data = allocate(n * sampleSize);
    images.forEach((img, k) => {
        if (img.channels !== first.channels || img.height !== first.height || img.width !== first.width) {
            throw new DatasetError(nameOf(k), `transformed to [${img.channels}, ${img.height}, ${img.width}] but the batch is ` +
                `[${first.channels}, ${first.height}, ${first.width}]: add resize/centerCrop (or randomResizedCrop) so all images get one size`);
        }
        data.set(img.data, k * sampleSize);
    });
    return { data, labels: Int32Array.from(labels), shape: [n, first.channels, first.height, first.width], skipped };
}
//# sourceMappingURL=batch.js.map
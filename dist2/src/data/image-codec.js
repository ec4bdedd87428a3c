// The native image codec (build/Release/leanconv_image.node: libjpeg-turbo and a resampler, no libtorch), typed.
// Loader worker threads load it on their own; every call decodes or resamples one image into a batch buffer.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../util/package-root.js';
let addon;
function load() {
    if (addon !== undefined)
        return addon;
    const path = join(packageRoot(), 'build', 'Release', 'leanconv_image.node');
    if (!existsSync(path)) {
        throw new Error(`leanconv: the image codec is not built (${path} is missing): run \`npm run build:native\` (needs: sudo apt-get install -y libjpeg-dev)`);
    }
    return (addon = createRequire(import.meta.url)(path));
}
/** A JPEG's size and colour space from its header, or undefined when the bytes are not a JPEG. */
export function jpegInfo(bytes) {
    return load().jpegInfo(bytes) ?? undefined;
}
/** Decodes the window of a JPEG (only the rows and iMCU columns it needs, at the smallest sufficient DCT scale) into `target`. */
export function decodeJpegInto(bytes, t) {
    load().decodeJpegInto(bytes, t.box, t.clampToBox, t.outHeight, t.outWidth, t.flip, t.mean, t.std, t.out, t.offset);
}
/** Resamples the window of 8-bit interleaved RGB pixels into `target` (the filter decodeJpegInto uses). */
export function resampleRgbInto(rgb, width, height, t) {
    load().resampleInto(rgb, width, height, t.box, t.clampToBox, t.outHeight, t.outWidth, t.flip, t.mean, t.std, t.out, t.offset);
}
/**
 * Copies a window of an 8-bit planar [C, H, W] image (zeros outside it) into `target`, mirrored or not, scaled and
 * normalised bit-identically to the float transforms.
 */
export function cropPlanarInto(pixels, shape, t) {
    load().cropPlanarInto(pixels, shape[0], shape[1], shape[2], t.top, t.left, t.outChannels, t.outHeight, t.outWidth, t.flip, t.mean, t.std, t.out, t.offset);
}
//# sourceMappingURL=image-codec.js.map
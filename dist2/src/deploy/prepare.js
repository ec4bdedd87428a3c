// A photo (any size, RGB) as a model's input: brought to the model's channels and size, then run through the
// model's recorded eval preprocessing minus the steps that only fix the dataset's own format. Pure code with no
// Node dependency: `leanconv predict` and the page of `leanconv serve` run this same function, so the two give
// the same probabilities for the same pixels.
import { Rng } from '../data/rng.js';
import { compose, resample } from '../data/transforms.js';
/**
 * The model input [C, H, W] (float32, planar) for `img` (3 planar channels in [0, 1]). The image is fitted
 * (shorter side resized, centre crop) unless `stretch`, which resizes the whole image to H x W (dissection needs
 * every pixel to stay aligned with its segmentation).
 */
export function prepareImage(img, input, preprocessing = [], options = {}) {
    const [channels, height, width] = input;
    const pipeline = compose(preprocessing.filter((t) => t.name === 'normalize' || (t.name === 'grayscaleToRgb' && channels === 3)));
    let x = channels === 1 ? toGray(img) : img;
    if (options.stretch) {
        if (x.height !== height || x.width !== width)
            x = resample(x, height, width);
    }
    else
        x = fit(x, height, width);
    const ready = pipeline(x, new Rng(0));
    if (ready.channels !== channels)
        throw new Error(`preprocessed to ${ready.channels} channels but the model takes ${channels}`);
    return ready.data;
}
function toGray(img) {
    const plane = img.height * img.width;
    const data = new Float32Array(plane);
    // ITU-R BT.601 luma, as PIL's convert('L').
    for (let i = 0; i < plane; i++)
        data[i] = 0.299 * img.data[i] + 0.587 * img.data[plane + i] + 0.114 * img.data[2 * plane + i];
    return { data, channels: 1, height: img.height, width: img.width };
}
/** Resize the shorter side to the target and centre-crop (a no-op at the right size). */
function fit(img, height, width) {
    if (img.height === height && img.width === width)
        return img;
    const steps = [{ name: 'resize', size: Math.max(height, width) }, { name: 'centerCrop', size: Math.max(height, width) }];
    return compose(steps)(img, new Rng(0));
}
//# sourceMappingURL=prepare.js.map
// Preparing inputs for an exported model: image files through the model's own eval preprocessing
// (as recorded in its metadata), and batches of a dataset split.
import { decodeImageFile } from '../data/batch.js';
import { DatasetError } from '../data/datasets.js';
import { prepareImage } from './prepare.js';
/**
 * Pixels of image files, shaped for a model with input [C, H, W] and the given eval preprocessing
 * (prepareImage: the same steps as the page of `leanconv serve`).
 */
export async function imagesToInput(files, input, preprocessing = [], options = {}) {
    const [channels, height, width] = input;
    const out = new Float32Array(files.length * channels * height * width);
    for (const [i, file] of files.entries()) {
        try {
            out.set(prepareImage(await decodeImageFile(file), input, preprocessing, options), i * channels * height * width);
        }
        catch (err) {
            if (err instanceof DatasetError)
                throw err;
            throw new Error(`${file}: ${err.message}`);
        }
    }
    return out;
}
//# sourceMappingURL=predict.js.map
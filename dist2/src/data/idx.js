// MNIST-style IDX files (optionally gzip-compressed): the format of MNIST and Fashion-MNIST.
// Header: two zero bytes, a type code (0x08 = uint8), the number of dimensions, then one big-endian
// uint32 per dimension, then the data.
import { existsSync, readFileSync } from 'node:fs';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
export class IdxFormatError extends Error {
    constructor(file, problem) {
        super(`${file}: not a valid IDX file: ${problem}`);
        this.name = 'IdxFormatError';
    }
}
/** Largest IDX data leanconv reads (ImageNet-size sets of 28x28 images fit many times over). */
const MAX_IDX_BYTES = 2 ** 31 - 1;
/**
 * Decompresses a gzipped IDX file to no more than its header declares: the header is read off the first
 * kilobyte's partial output, so a gzip bomb fails before it is inflated.
 */
function gunzipIdx(file, compressed) {
    let head;
    try {
        head = gunzipSync(compressed.subarray(0, 1024), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    }
    catch (err) {
        throw new IdxFormatError(file, `corrupt gzip data (${err.message})`);
    }
    let declared = MAX_IDX_BYTES;
    if (head.length >= 4 && head[3] >= 1 && head[3] <= 4 && head.length >= 4 + 4 * head[3]) {
        const ndim = head[3];
        const n = 4 + 4 * ndim;
        const elements = Array.from({ length: ndim }, (_, i) => head.readUInt32BE(4 + 4 * i)).reduce((a, b) => a * b, 1);
        if (elements > MAX_IDX_BYTES)
            throw new IdxFormatError(file, `the header declares ${elements} bytes of data, more than the ${MAX_IDX_BYTES} leanconv reads`);
        declared = n + elements;
    }
    try {
        return gunzipSync(compressed, { maxOutputLength: declared + 1 });
    }
    catch (err) {
        if (err.code === 'ERR_BUFFER_TOO_LARGE') {
            throw new IdxFormatError(file, `decompresses to more than the ${declared} bytes its header declares (a gzip bomb or a damaged file)`);
        }
        throw new IdxFormatError(file, `corrupt gzip data (${err.message})`);
    }
}
/** Reads an IDX file of unsigned bytes (images or labels); `.gz` content is detected by its magic bytes. */
export function readIdx(file) {
    let bytes = readFileSync(file);
    if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b)
        bytes = gunzipIdx(file, bytes);
    if (bytes.length < 4)
        throw new IdxFormatError(file, `${bytes.length} bytes is too short for the header`);
    if (bytes[0] !== 0 || bytes[1] !== 0)
        throw new IdxFormatError(file, 'magic number does not start with two zero bytes');
    if (bytes[2] !== 0x08)
        throw new IdxFormatError(file, `element type 0x${bytes[2].toString(16)} is not unsigned byte (0x08)`);
    const ndim = bytes[3];
    if (ndim < 1 || ndim > 4)
        throw new IdxFormatError(file, `${ndim} dimensions (expected 1 to 4)`);
    const headerBytes = 4 + 4 * ndim;
    if (bytes.length < headerBytes)
        throw new IdxFormatError(file, 'truncated header');
    const shape = [];
    for (let i = 0; i < ndim; i++)
        shape.push(bytes.readUInt32BE(4 + 4 * i));
    const expected = shape.reduce((a, b) => a * b, 1);
    const actual = bytes.length - headerBytes;
    if (actual !== expected) {
        throw new IdxFormatError(file, `header promises ${expected} bytes of data ([${shape.join(', ')}]) but the file has ${actual}`);
    }
    return { shape, data: new Uint8Array(bytes.buffer, bytes.byteOffset + headerBytes, expected) };
}
/** Builds IDX bytes (for tests and tools that write datasets). */
export function encodeIdx(shape, data) {
    const header = Buffer.alloc(4 + 4 * shape.length);
    header[2] = 0x08;
    header[3] = shape.length;
    shape.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
    return Buffer.concat([header, data]);
}
/** Reads an MNIST-format split (`train` or `t10k`) from a directory and checks images and labels agree. */
export function readMnistSplit(dir, split, numClasses = 10) {
    const find = (stem) => {
        for (const suffix of ['.gz', '']) {
            const path = `${dir}/${stem}${suffix}`;
            if (existsSync(path))
                return path;
        }
        throw new Error(`${dir}: no ${stem} or ${stem}.gz (an MNIST-format directory needs ${split}-images-idx3-ubyte and ${split}-labels-idx1-ubyte)`);
    };
    const imageFile = find(`${split}-images-idx3-ubyte`);
    const labelFile = find(`${split}-labels-idx1-ubyte`);
    const images = readIdx(imageFile);
    const labels = readIdx(labelFile);
    if (images.shape.length !== 3)
        throw new IdxFormatError(imageFile, `images must have 3 dimensions, found [${images.shape.join(', ')}]`);
    if (labels.shape.length !== 1)
        throw new IdxFormatError(labelFile, `labels must have 1 dimension, found [${labels.shape.join(', ')}]`);
    if (labels.shape[0] !== images.shape[0]) {
        throw new Error(`${labelFile}: ${labels.shape[0]} labels for ${images.shape[0]} images in ${imageFile}`);
    }
    const bad = labels.data.findIndex((l) => l >= numClasses);
    if (bad >= 0)
        throw new IdxFormatError(labelFile, `label ${labels.data[bad]} at index ${bad} is outside 0..${numClasses - 1}`);
    return { images, labels: labels.data, numClasses };
}
/** Where Debian's dataset-fashion-mnist package installs the files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
//# sourceMappingURL=idx.js.map
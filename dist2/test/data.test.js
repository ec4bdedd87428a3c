import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { writeMnistDir, tempDir } from './helpers.js';
import { planCropPipeline } from '../src/data/image-plan.js';
import { balancedSubset, DataLoader, DataLoaderError, DatasetError, buildTransform, encodeIdx, loadCifar, loadImageFolder, loadMnistFormat, Rng, } from '../src/data/index.js';
const tmp = () => tempDir('lc-data-');
function cifarRecords(n, labelBytes, label) {
    const rec = labelBytes + 3072;
    const buf = Buffer.alloc(n * rec);
    for (let i = 0; i < n; i++) {
        buf[i * rec + labelBytes - 1] = label(i);
        if (labelBytes === 2)
            buf[i * rec] = 0;
        buf.fill(i, i * rec + labelBytes, i * rec + labelBytes + 1024); // red plane = i
        buf.fill(200, i * rec + labelBytes + 1024, (i + 1) * rec); // green and blue = 200
    }
    return buf;
}
const image = (h, w, values, channels = 1) => ({ data: Float32Array.from(values), channels, height: h, width: w });
describe('datasets', () => {
    test('MNIST-format idx: loads, validates label range and image/label counts', () => {
        const dir = tmp();
        writeMnistDir(dir, 12, 4);
        const ds = loadMnistFormat(dir, 'train');
        assert.equal(ds.length, 12);
        assert.deepEqual(ds.shape, [1, 4, 4]);
        assert.equal(ds.images[5 * 16], 5);
        assert.equal(ds.labels[11], 1);
        writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), encodeIdx([12], new Uint8Array(12).fill(10)));
        assert.throws(() => loadMnistFormat(dir, 'test'), /t10k-labels-idx1-ubyte: .*label 10 at index 0 is outside 0..9/);
        writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), encodeIdx([11], new Uint8Array(11)));
        assert.throws(() => loadMnistFormat(dir, 'test'), /11 labels for 12 images/);
        writeFileSync(join(dir, 't10k-images-idx3-ubyte'), Buffer.from([0, 0, 8, 3, 0, 0, 0, 5]));
        assert.throws(() => loadMnistFormat(dir, 'test'), /t10k-images-idx3-ubyte: not a valid IDX file: truncated header/);
        assert.throws(() => loadMnistFormat(join(dir, 'nope'), 'train'), /directory does not exist/);
    });
    test('balancedSubset: n/K per class, images kept with their labels, seeded; short classes filled from others', () => {
        const dir = tmp();
        writeMnistDir(dir, 40, 4); // image i: every pixel i, label i % 10
        const ds = loadMnistFormat(dir, 'train');
        const sub = balancedSubset(ds, 25, 7);
        assert.equal(sub.length, 25);
        const perClass = Array.from({ length: 10 }, (_, c) => [...sub.labels].filter((l) => l === c).length);
        assert.deepEqual(perClass, [3, 3, 3, 3, 3, 2, 2, 2, 2, 2]);
        for (let i = 0; i < sub.length; i++)
            assert.equal(sub.images[i * 16] % 10, sub.labels[i], 'each image keeps its label');
        assert.deepEqual([...balancedSubset(ds, 25, 7).images], [...sub.images], 'the same seed picks the same images');
        assert.notDeepEqual([...balancedSubset(ds, 25, 8).images], [...sub.images]);
        assert.equal(balancedSubset(ds, 40, 7), ds);
        const skewed = { ...ds, labels: Int32Array.from(ds.labels, (l, i) => (i < 36 ? 0 : l)) };
        const filled = balancedSubset(skewed, 20, 1);
        assert.equal(filled.length, 20, 'classes with too few images leave their quota to the others');
        assert.throws(() => balancedSubset(ds, 0, 1), /positive integer/);
    });
    test('CIFAR-10 binary: five training batches, test batch, planar RGB', () => {
        const dir = join(tmp(), 'cifar-10-batches-bin');
        mkdirSync(dir);
        for (let b = 1; b <= 5; b++)
            writeFileSync(join(dir, `data_batch_${b}.bin`), cifarRecords(3, 1, (i) => (i + b) % 10));
        writeFileSync(join(dir, 'test_batch.bin'), cifarRecords(4, 1, (i) => i));
        const train = loadCifar(join(dir, '..'), 10, 'train');
        assert.equal(train.length, 15);
        assert.deepEqual([...train.labels.slice(0, 3)], [1, 2, 3]);
        const test = loadCifar(dir, 10, 'test');
        assert.equal(test.images[2 * 3072], 2);
        assert.equal(test.images[2 * 3072 + 1024], 200);
        assert.equal(test.classes[0], 'airplane');
        writeFileSync(join(dir, 'test_batch.bin'), cifarRecords(4, 1, (i) => i).subarray(0, 5000));
        assert.throws(() => loadCifar(dir, 10, 'test'), /test_batch\.bin: size 5000 bytes is not a whole number of 3073-byte CIFAR-10 records/);
        writeFileSync(join(dir, 'test_batch.bin'), cifarRecords(2, 1, () => 12));
        assert.throws(() => loadCifar(dir, 10, 'test'), /record 0 has label 12, outside 0..9/);
        assert.throws(() => loadCifar(tmp(), 10, 'train'), /no CIFAR-10 binary train files here/);
    });
    test('CIFAR-100 binary: fine labels from the second byte', () => {
        const dir = tmp();
        writeFileSync(join(dir, 'train.bin'), cifarRecords(3, 2, (i) => 97 + i));
        writeFileSync(join(dir, 'test.bin'), cifarRecords(1, 2, () => 5));
        const ds = loadCifar(dir, 100, 'train');
        assert.deepEqual([...ds.labels], [97, 98, 99]);
        writeFileSync(join(dir, 'test.bin'), cifarRecords(1, 2, () => 100));
        assert.throws(() => loadCifar(dir, 100, 'test'), /label 100, outside 0..99/);
    });
    test('image folder: classes from sub-folders, PNG/JPEG decoding, corrupt and empty folders', async () => {
        const root = tmp();
        for (const [cls, color] of [['cat', 10], ['dog', 250]]) {
            mkdirSync(join(root, 'train', cls), { recursive: true });
            for (let i = 0; i < 3; i++) {
                const raw = Buffer.alloc(6 * 8 * 3, color);
                const img = sharp(raw, { raw: { width: 8, height: 6, channels: 3 } });
                await (i === 0 ? img.jpeg({ quality: 100 }) : img.png()).toFile(join(root, 'train', cls, `${i}.${i === 0 ? 'jpg' : 'png'}`));
            }
        }
        const ds = loadImageFolder(root, 'train');
        assert.deepEqual(ds.classes, ['cat', 'dog']);
        assert.equal(ds.length, 6);
        const loader = new DataLoader(ds, { batchSize: 6, workers: 0, transforms: [{ name: 'resize', size: 4 }, { name: 'centerCrop', size: 4 }] });
        for await (const b of loader.epoch(0)) {
            assert.deepEqual(b.images.shape, [6, 3, 4, 4]);
            const means = b.images.mean([1, 2, 3]).toArray();
            assert.ok(Math.abs(means[0] - 10 / 255) < 0.02 && Math.abs(means[5] - 250 / 255) < 0.02, `decoded means ${means}`);
            assert.deepEqual(b.labels.toArray(), [0, 0, 0, 1, 1, 1]);
        }
        const noResize = new DataLoader(ds, { batchSize: 2, workers: 0 });
        writeFileSync(join(root, 'train', 'cat', '1.png'), 'not a png');
        await assert.rejects(async () => {
            for await (const b of noResize.epoch(0))
                b.images.dispose();
        }, /cat\/1\.png: cannot decode image/);
        mkdirSync(join(root, 'train', 'empty'));
        assert.throws(() => loadImageFolder(root, 'train'), /class folder 'empty' has no images/);
        assert.throws(() => loadImageFolder(join(root, 'train', 'dog')), /no class sub-folders/);
    });
});
describe('transforms', () => {
    const rng = new Rng(1);
    test('normalize per channel', () => {
        const out = buildTransform({ name: 'normalize', mean: [0.5, 0], std: [0.5, 2] })(image(1, 2, [1, 0, 4, 2], 2), rng);
        assert.deepEqual([...out.data], [1, -1, 2, 1]);
    });
    test('random crop with padding stays inside the padded image', () => {
        const fn = buildTransform({ name: 'randomCrop', size: 2, padding: 1 });
        const seen = new Set();
        for (let s = 0; s < 200; s++) {
            const out = fn(image(2, 2, [1, 2, 3, 4]), new Rng(s));
            assert.equal(out.data.length, 4);
            seen.add([...out.data].join());
        }
        assert.ok(seen.has('1,2,3,4') && seen.has('0,0,0,1') && seen.has('4,0,0,0'), 'all 9 offsets occur, zero padding outside');
        assert.equal(seen.size, 9);
    });
    test('horizontal flip with p=1 mirrors every row', () => {
        const out = buildTransform({ name: 'horizontalFlip', p: 1 })(image(2, 3, [1, 2, 3, 4, 5, 6]), rng);
        assert.deepEqual([...out.data], [3, 2, 1, 6, 5, 4]);
    });
    test('horizontal flip by default mirrors about half of the images, seeded', () => {
        const fn = buildTransform({ name: 'horizontalFlip' });
        let flipped = 0;
        for (let s = 0; s < 400; s++)
            flipped += fn(image(1, 2, [0, 1]), new Rng(s)).data[0] === 1 ? 1 : 0;
        assert.ok(flipped > 150 && flipped < 250, `${flipped} of 400 flipped`);
        assert.deepEqual([...fn(image(1, 2, [0, 1]), new Rng(7)).data], [...fn(image(1, 2, [0, 1]), new Rng(7)).data], 'the same seed, the same flip');
    });
    test('resize (shorter side), center crop, bilinear values', () => {
        const out = buildTransform({ name: 'resize', size: 4 })(image(2, 2, [0, 1, 2, 3]), rng);
        assert.deepEqual([out.height, out.width], [4, 4]);
        // half-pixel centres: output x=0 maps to source -0.25 -> clamped 0; x=1 maps to 0.25
        assert.deepEqual([...out.data.slice(0, 4)], [0, 0.25, 0.75, 1]);
        // and so do the rows: y = 1 samples source row 0.25 (between 0 and 2: 0.5), not 0.5 as align-corners would
        assert.deepEqual([0, 4, 8, 12].map((i) => out.data[i]), [0, 0.5, 1.5, 2]);
        const wide = buildTransform({ name: 'resize', size: 2 })(image(4, 8, new Array(32).fill(1)), rng);
        assert.deepEqual([wide.height, wide.width], [2, 4]);
        const cc = buildTransform({ name: 'centerCrop', size: 2 })(image(4, 4, [...Array(16).keys()]), rng);
        assert.deepEqual([...cc.data], [5, 6, 9, 10]);
    });
    test('random resized crop gives the target size; grayscale to RGB replicates', () => {
        const fn = buildTransform({ name: 'randomResizedCrop', size: 5 });
        for (let s = 0; s < 20; s++) {
            const out = fn(image(10, 7, new Array(70).fill(0.5)), new Rng(s));
            assert.deepEqual([out.channels, out.height, out.width], [1, 5, 5]);
            assert.ok(out.data.every((v) => Math.abs(v - 0.5) < 1e-6));
        }
        const rgb = buildTransform({ name: 'grayscaleToRgb' })(image(1, 2, [0.1, 0.2]), rng);
        assert.deepEqual([...rgb.data].map((v) => +v.toFixed(2)), [0.1, 0.2, 0.1, 0.2, 0.1, 0.2]);
    });
    test('unknown transforms and bad options are named', () => {
        assert.throws(() => buildTransform({ name: 'blur' }), /unknown transform 'blur'/);
        assert.throws(() => buildTransform({ name: 'centerCrop', size: 0 }), /centerCrop size must be a positive integer/);
    });
});
describe('DataLoader', () => {
    const dir = tmp();
    writeMnistDir(dir, 50, 4);
    const ds = loadMnistFormat(dir, 'train');
    // Random pixels: every crop offset and flip changes the batch, so equal batches mean equal augmentation.
    const noisyDir = tmp();
    writeMnistDir(noisyDir, 50, 6, 10, { randomPixels: 11 });
    const noisy = loadMnistFormat(noisyDir, 'train');
    async function collect(loader, epoch) {
        const images = [];
        const labels = [];
        for await (const b of loader.epoch(epoch)) {
            images.push(b.images.bytes());
            labels.push(b.labels.toArray());
            b.images.dispose();
            b.labels.dispose();
        }
        return { images, labels };
    }
    test('in-memory images through the codec are bit-identical to the float transforms (crops, padding, flips before and after, gray to RGB)', async () => {
        const norm1 = { name: 'normalize', mean: [0.2860], std: [0.3530] };
        const norm3 = { name: 'normalize', mean: [0.1, 0.5, 0.9], std: [0.2, 0.3, 0.4] };
        const pipelines = [
            [{ name: 'randomCrop', size: 6, padding: 2 }, { name: 'horizontalFlip' }, norm1], // the Fashion-MNIST recipe
            [{ name: 'horizontalFlip' }, { name: 'randomCrop', size: 5, padding: 1 }, { name: 'centerCrop', size: 3 }, norm1],
            [{ name: 'pad', padding: 3 }, { name: 'horizontalFlip', p: 0.7 }, { name: 'randomCrop', size: 7, padding: 0 }, { name: 'grayscaleToRgb' }, norm3],
            [{ name: 'centerCrop', size: 9 }, { name: 'horizontalFlip' }],
            [],
        ];
        for (const transforms of pipelines) {
            assert.ok(planCropPipeline(transforms, noisy.shape), JSON.stringify(transforms));
            const [native, float] = await Promise.all([true, false].map((nativeImages) => collect(new DataLoader(noisy, { batchSize: 16, shuffle: true, seed: 4, transforms, workers: 0, nativeImages }), 1)));
            assert.deepEqual(native.labels, float.labels);
            native.images.forEach((b, k) => assert.ok(Buffer.from(b).equals(Buffer.from(float.images[k])), `batch ${k} of ${JSON.stringify(transforms)}`));
        }
        assert.equal(planCropPipeline([{ name: 'resize', size: 8 }], noisy.shape), undefined, 'resampling pipelines stay on the float path');
    });
    test('batching, drop-last and sequential order without shuffling', async () => {
        const keepLast = new DataLoader(ds, { batchSize: 16, workers: 0 });
        assert.equal(keepLast.length, 4);
        const r = await collect(keepLast, 0);
        assert.deepEqual(r.labels.map((l) => l.length), [16, 16, 16, 2]);
        assert.deepEqual(r.labels[3], [8, 9]);
        const drop = new DataLoader(ds, { batchSize: 16, dropLast: true, workers: 0 });
        assert.equal(drop.length, 3);
        assert.equal((await collect(drop, 0)).labels.length, 3);
    });
    test('seeded shuffling and augmentation: identical whole batches for any number of workers, new ones each epoch', async () => {
        const transforms = [{ name: 'randomCrop', size: 6, padding: 2 }, { name: 'horizontalFlip' }];
        const opts = { batchSize: 8, shuffle: true, seed: 7, transforms };
        const results = [];
        for (const workers of [0, 1, 2]) {
            const loader = new DataLoader(noisy, { ...opts, workers });
            results.push(await collect(loader, 3));
            await loader.close();
        }
        assert.deepEqual(results[1], results[0], '1 worker == main thread, pixel for pixel');
        assert.deepEqual(results[2], results[0], '2 workers == main thread, pixel for pixel');
        const loader = new DataLoader(noisy, { ...opts, workers: 0 });
        const other = await collect(loader, 4);
        assert.notDeepEqual(other.labels, results[0].labels);
        const flat = results[0].labels.flat();
        assert.deepEqual([...flat].sort((a, b) => a - b), [...noisy.labels].sort((a, b) => a - b), 'an epoch visits every sample once');
        // The augmentation is really applied: the same order without it gives other pixels, and another seed other crops.
        const plain = await collect(new DataLoader(noisy, { ...opts, transforms: [], workers: 0 }), 3);
        assert.deepEqual(plain.labels, results[0].labels);
        assert.ok(plain.images.every((b, k) => Buffer.compare(b, results[0].images[k]) !== 0), 'every batch is changed by crop/flip');
    });
    test('without shuffling, each epoch gets new crops and flips of the same samples (the augmentation seed includes the epoch)', async () => {
        const loader = new DataLoader(noisy, { batchSize: 10, workers: 0, transforms: [{ name: 'randomCrop', size: 6, padding: 2 }, { name: 'horizontalFlip' }] });
        const [first, second] = [await collect(loader, 0), await collect(loader, 1)];
        assert.deepEqual(second.labels, first.labels, 'the same samples in the same order');
        assert.ok(first.images.every((b, k) => Buffer.compare(b, second.images[k]) !== 0), 'every batch is augmented anew');
    });
    test('resuming mid-epoch continues with the same batches', async () => {
        const loader = new DataLoader(noisy, { batchSize: 8, shuffle: true, seed: 1, workers: 0, transforms: [{ name: 'randomCrop', size: 6, padding: 1 }] });
        const full = await collect(loader, 2);
        const tail = [];
        for await (const b of loader.epoch(2, 4))
            tail.push(b.images.bytes());
        assert.deepEqual(tail, full.images.slice(4));
    });
    test('a worker error fails the epoch with that error and its type, as in the main thread', async () => {
        const root = tmp();
        mkdirSync(join(root, 'a'));
        for (let i = 0; i < 6; i++)
            await sharp(Buffer.alloc(4 * 4 * 3, i * 20), { raw: { width: 4, height: 4, channels: 3 } }).png().toFile(join(root, 'a', `${i}.png`));
        writeFileSync(join(root, 'a', '4.png'), 'not a png');
        const folder = loadImageFolder(root);
        const errors = [];
        for (const workers of [0, 2]) {
            const loader = new DataLoader(folder, { batchSize: 1, workers });
            const seen = [];
            await assert.rejects(async () => {
                for await (const b of loader.epoch(0)) {
                    seen.push(b.index);
                    b.images.dispose();
                }
            }, (err) => errors.push(err) > 0);
            assert.deepEqual(seen, [0, 1, 2, 3], `workers ${workers}: batches before the bad image arrive in order`);
            await loader.close();
        }
        assert.ok(errors[1] instanceof DatasetError, `the worker's DatasetError keeps its class (got ${errors[1]?.constructor.name})`);
        assert.equal(errors[1].message, errors[0].message);
        assert.match(errors[1].message, /4\.png: cannot decode image/);
    });
    test('a worker that dies fails the epoch instead of hanging', async () => {
        const loader = new DataLoader(noisy, { batchSize: 5, workers: 2, prefetch: 4 });
        await loader.workers[1].terminate();
        const outcome = await Promise.race([
            collect(loader, 0).then(() => 'finished', (e) => e),
            new Promise((resolve) => setTimeout(() => resolve('hung'), 5000)),
        ]);
        assert.ok(outcome instanceof DataLoaderError, `got ${String(outcome)}`);
        assert.match(outcome.message, /data loader: worker 1 exited unexpectedly/);
        await assert.rejects(collect(loader, 1), DataLoaderError, 'a later epoch fails at once too');
        await loader.close();
    });
});
//# sourceMappingURL=data.test.js.map
// The data loader: seeded shuffling, batching, drop-last, and batches prepared ahead of time in worker
// threads while the main thread trains. Batch content depends only on (seed, epoch, batch index), so
// any number of workers - or none - gives the same batches, and a resumed run continues exactly.
import { Worker } from 'node:worker_threads';
import { fromTypedArray } from '../engine/tensor.js';
import { assembleBatch, reviveError, samplePipeline } from './batch.js';
import { shardShuffledOrder } from './datasets.js';
import { hashInts, permutation } from './rng.js';
export class DataLoaderError extends Error {
    constructor(message, options) {
        super(`data loader: ${message}`, options);
        this.name = 'DataLoaderError';
    }
}
export class DataLoader {
    dataset;
    batchSize;
    shuffle;
    dropLast;
    seed;
    transforms;
    shard;
    onBadImage;
    nativeImages;
    /** Every image left out so far under the 'skip' policy, with its problem. */
    skippedImages = [];
    pipeline;
    onSkippedImage;
    prefetch;
    workers = [];
    pending = new Map();
    /** The worker each batch came from, to hand its buffer back once copied. */
    producer = new WeakMap();
    nextId = 0;
    nextWorker = 0;
    failure;
    closing = false;
    constructor(dataset, options) {
        this.dataset = dataset;
        if (!Number.isInteger(options.batchSize) || options.batchSize < 1)
            throw new RangeError(`DataLoader: batchSize must be a positive integer, got ${options.batchSize}`);
        this.batchSize = options.batchSize;
        this.shuffle = options.shuffle ?? false;
        this.dropLast = options.dropLast ?? false;
        this.seed = options.seed ?? 0;
        this.transforms = options.transforms ?? [];
        this.shard = options.shard ?? { rank: 0, worldSize: 1 };
        const { rank, worldSize } = this.shard;
        if (!Number.isInteger(worldSize) || worldSize < 1 || !Number.isInteger(rank) || rank < 0 || rank >= worldSize) {
            throw new RangeError(`DataLoader: shard rank must be an integer in [0, worldSize), got rank ${rank} of ${worldSize}`);
        }
        this.nativeImages = options.nativeImages ?? true;
        this.pipeline = samplePipeline(this.transforms, this.nativeImages, dataset);
        this.onBadImage = options.onBadImage ?? 'fail';
        this.onSkippedImage = options.onSkippedImage ?? ((problem) => console.warn(`leanconv: skipped a bad image: ${problem}`));
        this.prefetch = Math.max(1, options.prefetch ?? 3);
        if (dataset.length === 0)
            throw new RangeError(`DataLoader: dataset '${dataset.name}' is empty`);
        const workers = options.workers ?? 1;
        for (let i = 0; i < workers; i++)
            this.workers.push(this.startWorker());
    }
    /** Batches per epoch (of the unsharded order: every rank steps through the same count). */
    get length() {
        const n = this.dataset.length / this.batchSize;
        return this.dropLast ? Math.floor(n) : Math.ceil(n);
    }
    startWorker() {
        const id = this.workers.length;
        const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: { dataset: this.dataset, transforms: this.transforms, onBadImage: this.onBadImage, nativeImages: this.nativeImages } });
        worker.unref();
        worker.on('message', (msg) => {
            const p = this.pending.get(msg.id);
            if (p === undefined)
                return;
            this.pending.delete(msg.id);
            if (msg.error !== undefined) {
                p.reject(reviveError(msg.error));
            }
            else {
                this.producer.set(msg.batch, worker);
                p.resolve(msg.batch);
            }
        });
        // A worker that dies takes the loader down with it: every pending and later batch fails with the
        // worker's error (a dead worker left in the round-robin would leave its batches waiting forever).
        worker.on('error', (err) => this.fail(new DataLoaderError(`worker ${id} failed: ${err.message}`, { cause: err })));
        worker.on('exit', (code) => {
            if (!this.closing)
                this.fail(new DataLoaderError(`worker ${id} exited unexpectedly (exit code ${code})`));
        });
        return worker;
    }
    fail(err) {
        this.failure ??= err;
        for (const p of this.pending.values())
            p.reject(this.failure);
        this.pending.clear();
    }
    /** The sample order of an epoch (a seeded permutation when shuffling). */
    order(epoch) {
        if (this.shuffle && this.dataset.kind === 'shards')
            return shardShuffledOrder(this.dataset, this.seed, epoch);
        if (this.shuffle)
            return permutation(this.dataset.length, hashInts(this.seed, epoch, 0x5eed));
        return Uint32Array.from({ length: this.dataset.length }, (_, i) => i);
    }
    request(order, epoch, batch) {
        const first = batch * this.batchSize;
        const size = Math.min(this.batchSize, order.length - first);
        const { rank, worldSize } = this.shard;
        const start = first + Math.floor((size * rank) / worldSize);
        const end = first + Math.floor((size * (rank + 1)) / worldSize);
        const indices = Array.from(order.subarray(start, end));
        const seeds = indices.map((_, k) => hashInts(this.seed, epoch, start + k));
        return { indices, seeds };
    }
    fetch(request) {
        if (this.workers.length === 0)
            return assembleBatch(this.dataset, this.pipeline, request, this.onBadImage);
        if (this.failure)
            return Promise.reject(this.failure);
        const id = this.nextId++;
        const worker = this.workers[this.nextWorker++ % this.workers.length];
        return new Promise((resolve, reject) => {
            this.pending.set(id, { resolve, reject });
            worker.postMessage({ id, request });
        });
    }
    /** Iterates over one epoch's batches, from `startBatch` on, keeping `prefetch` batches in preparation. */
    async *epoch(epoch = 0, startBatch = 0) {
        const order = this.order(epoch);
        const total = this.length;
        const queue = [];
        let requested = startBatch;
        const fill = () => {
            while (queue.length < this.prefetch && requested < total) {
                const request = this.request(order, epoch, requested++);
                const batch = request.indices.length === 0 ? Promise.resolve(undefined) : this.fetch(request);
                // A batch may fail before its turn comes: it is reported when it is consumed, not as unhandled.
                batch.catch(() => undefined);
                queue.push(batch);
            }
        };
        fill();
        try {
            for (let index = startBatch; index < total; index++) {
                const raw = await queue.shift();
                fill();
                if (raw === undefined)
                    continue;
                for (const problem of raw.skipped) {
                    this.skippedImages.push(problem);
                    this.onSkippedImage(problem);
                }
                if (raw.labels.length === 0)
                    continue;
                const labels64 = BigInt64Array.from(raw.labels, (v) => BigInt(v));
                const images = fromTypedArray(raw.data, raw.shape);
                const worker = this.producer.get(raw);
                if (worker !== undefined && !this.closing)
                    worker.postMessage({ recycle: raw.data.buffer }, [raw.data.buffer]);
                yield { images, labels: fromTypedArray(labels64, [raw.labels.length]), index };
            }
        }
        finally {
            // Batches still queued when the consumer stops early are dropped; their pixels are plain arrays.
            queue.length = 0;
        }
    }
    /** Stops the worker threads. */
    async close() {
        this.closing = true;
        await Promise.all(this.workers.splice(0).map((w) => w.terminate()));
    }
}
//# sourceMappingURL=loader.js.map
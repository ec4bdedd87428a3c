// The data loader: seeded shuffling, batching, drop-last, and batches prepared ahead of time in worker
// threads while the main thread trains. Batch content depends only on (seed, epoch, batch index), so
// any number of workers - or none - gives the same batches, and a resumed run continues exactly.
import { Worker } from 'node:worker_threads';

import { fromTypedArray, type Tensor } from '../engine/tensor.js';
import { assembleBatch, type BadImagePolicy, type BatchRequest, type RawBatch, reviveError, samplePipeline, type SamplePipeline, type SerializedError } from './batch.js';
import { type Dataset, shardShuffledOrder } from './datasets.js';
import { hashInts, permutation } from './rng.js';
import type { TransformSpec } from './transforms.js';

export interface LoaderOptions {
  batchSize: number;
  shuffle?: boolean;
  /** Drop the last incomplete batch (default false). */
  dropLast?: boolean;
  seed?: number;
  transforms?: TransformSpec[];
  /** Worker threads preparing batches; 0 prepares them in the calling thread. Default 1. */
  workers?: number;
  /** Batches requested ahead of the one being consumed (default 3). */
  prefetch?: number;
  /**
   * Data-parallel sharding: every batch of the unsharded order is cut into `worldSize` contiguous parts
   * and this loader yields part `rank` (a part that comes out empty, in a short last batch, is skipped).
   * Samples keep the augmentation seeds of their place in the global order, so N ranks together see
   * exactly the batches one unsharded loader would.
   */
  shard?: { rank: number; worldSize: number };
  /**
   * An image that cannot be read or decoded: 'fail' (default) stops with an error naming it; 'skip' leaves it out of
   * its batch and reports it to `onSkippedImage` (default: a warning on stderr).
   */
  onBadImage?: BadImagePolicy;
  onSkippedImage?: (problem: string) => void;
  /**
   * Decode image files with the native codec where the pipeline allows (default true); false runs sharp and the
   * float transforms for every image (the reference the codec is checked and measured against).
   */
  nativeImages?: boolean;
}

export interface Batch {
  /** float32 [N, C, H, W]; owned by the consumer (dispose it). */
  images: Tensor;
  /** int64 [N]; owned by the consumer. */
  labels: Tensor;
  /** Batch index within the epoch. */
  index: number;
}

export class DataLoaderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(`data loader: ${message}`, options);
    this.name = 'DataLoaderError';
  }
}

interface Pending {
  resolve(batch: RawBatch): void;
  reject(err: Error): void;
}

export class DataLoader {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly seed: number;
  readonly transforms: TransformSpec[];
  readonly shard: { rank: number; worldSize: number };
  readonly onBadImage: BadImagePolicy;
  readonly nativeImages: boolean;
  private readonly pipeline: SamplePipeline;
  private readonly onSkippedImage: (problem: string) => void;
  private readonly prefetch: number;
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  /** The worker each batch came from, to hand its buffer back once copied. */
  private readonly producer = new WeakMap<RawBatch, Worker>();
  private nextId = 0;
  private nextWorker = 0;
  private failure?: Error;
  private closing = false;

  constructor(readonly dataset: Dataset, options: LoaderOptions) {
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new RangeError(`DataLoader: batchSize must be a positive integer, got ${options.batchSize}`);
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
    if (dataset.length === 0) throw new RangeError(`DataLoader: dataset '${dataset.name}' is empty`);
    const workers = options.workers ?? 1;
    for (let i = 0; i < workers; i++) this.workers.push(this.startWorker());
  }

  /** Batches per epoch (of the unsharded order: every rank steps through the same count). */
  get length(): number {
    const n = this.dataset.length / this.batchSize;
    return this.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  private startWorker(): Worker {
    const id = this.workers.length;
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: { dataset: this.dataset, transforms: this.transforms, onBadImage: this.onBadImage, nativeImages: this.nativeImages } });
    worker.unref();
    worker.on('message', (msg: { id: number; batch?: RawBatch; error?: SerializedError }) => {
      const p = this.pending.get(msg.id);
      if (p === undefined) return;
      this.pending.delete(msg.id);
      if (msg.error !== undefined) {
        p.reject(reviveError(msg.error));
      } else {
        this.producer.set(msg.batch!, worker);
        p.resolve(msg.batch!);
      }
    });
    // A worker that dies takes the loader down with it: every pending and later batch fails with the
    // worker's error (a dead worker left in the round-robin would leave its batches waiting forever).
    worker.on('error', (err) => this.fail(new DataLoaderError(`worker ${id} failed: ${err.message}`, { cause: err })));
    worker.on('exit', (code) => {
      if (!this.closing) this.fail(new DataLoaderError(`worker ${id} exited unexpectedly (exit code ${code})`));
    });
    return worker;
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
  }

  /** The sample order of an epoch (a seeded permutation when shuffling). */
  order(epoch: number): Uint32Array {
    if (this.shuffle && this.dataset.kind === 'shards') return shardShuffledOrder(this.dataset, this.seed, epoch);
    if (this.shuffle) return permutation(this.dataset.length, hashInts(this.seed, epoch, 0x5eed));
    return Uint32Array.from({ length: this.dataset.length }, (_, i) => i);
  }

  private request(order: Uint32Array, epoch: number, batch: number): BatchRequest {
    const first = batch * this.batchSize;
    const size = Math.min(this.batchSize, order.length - first);
    const { rank, worldSize } = this.shard;
    const start = first + Math.floor((size * rank) / worldSize);
    const end = first + Math.floor((size * (rank + 1)) / worldSize);
    const indices = Array.from(order.subarray(start, end));
    const seeds = indices.map((_, k) => hashInts(this.seed, epoch, start + k));
    return { indices, seeds };
  }

  private fetch(request: BatchRequest): Promise<RawBatch> {
    if (this.workers.length === 0) return assembleBatch(this.dataset, this.pipeline, request, this.onBadImage);
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const worker = this.workers[this.nextWorker++ % this.workers.length]!;
    return new Promise<RawBatch>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, request });
    });
  }

  /** Iterates over one epoch's batches, from `startBatch` on, keeping `prefetch` batches in preparation. */
  async *epoch(epoch = 0, startBatch = 0): AsyncGenerator<Batch> {
    const order = this.order(epoch);
    const total = this.length;
    const queue: Promise<RawBatch | undefined>[] = [];
    let requested = startBatch;
    const fill = (): void => {
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
        const raw = await queue.shift()!;
        fill();
        if (raw === undefined) continue;
        for (const problem of raw.skipped) this.onSkippedImage(problem);
        if (raw.labels.length === 0) continue;
        const labels64 = BigInt64Array.from(raw.labels, (v) => BigInt(v));
        const images = fromTypedArray(raw.data, raw.shape);
        const worker = this.producer.get(raw);
        if (worker !== undefined && !this.closing) worker.postMessage({ recycle: raw.data.buffer }, [raw.data.buffer as ArrayBuffer]);
        yield { images, labels: fromTypedArray(labels64, [raw.labels.length]), index };
      }
    } finally {
      // Batches still queued when the consumer stops early are dropped; their pixels are plain arrays.
      queue.length = 0;
    }
  }

  /** Stops the worker threads. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.splice(0).map((w) => w.terminate()));
  }
}

// Loader worker thread: receives the dataset (shared memory, not copied) and the transform specs once,
// then assembles the batches it is asked for and sends the pixels back as a transferred buffer.
import { parentPort, workerData } from 'node:worker_threads';

import { assembleBatch, type BatchRequest, serializeError } from './batch.js';
import type { Dataset } from './datasets.js';
import { compose, type TransformSpec } from './transforms.js';

const { dataset, transforms } = workerData as { dataset: Dataset; transforms: TransformSpec[] };
const transform = compose(transforms);

parentPort!.on('message', (msg: { id: number; request: BatchRequest }) => {
  assembleBatch(dataset, transform, msg.request).then(
    (batch) => parentPort!.postMessage({ id: msg.id, batch }, [batch.data.buffer as ArrayBuffer, batch.labels.buffer as ArrayBuffer]),
    (err: unknown) => parentPort!.postMessage({ id: msg.id, error: serializeError(err) }),
  );
});

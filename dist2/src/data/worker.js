// Loader worker thread: receives the dataset (shared memory, not copied) and the transform specs once,
// then assembles the batches it is asked for and sends the pixels back as a transferred buffer, which returns
// once copied.
import { parentPort, workerData } from 'node:worker_threads';
import { assembleBatch, samplePipeline, serializeError } from './batch.js';
const { dataset, transforms, onBadImage, nativeImages } = workerData;
const pipeline = samplePipeline(transforms, nativeImages, dataset);
// Batch buffers the main thread has copied into tensors come back to be filled again (no fresh 30 MB per batch).
const spare = [];
const allocate = (length) => {
    const at = spare.findIndex((b) => b.byteLength === length * 4);
    return at < 0 ? new Float32Array(length) : new Float32Array(spare.splice(at, 1)[0]);
};
parentPort.on('message', (msg) => {
    if ('recycle' in msg) {
        if (spare.length < 8)
            spare.push(msg.recycle);
        return;
    }
    assembleBatch(dataset, pipeline, msg.request, onBadImage, allocate).then((batch) => parentPort.postMessage({ id: msg.id, batch }, [batch.data.buffer, batch.labels.buffer]), (err) => parentPort.postMessage({ id: msg.id, error: serializeError(err) }));
});
//# sourceMappingURL=worker.js.map
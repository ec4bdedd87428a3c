// Data-parallel training across the ranks of the process group, as PyTorch's DistributedDataParallel
// does it: every rank starts from rank 0's parameters and buffers, gradients are averaged in buckets
// while backward runs (engine/distributed GradientReducer), buffers (BN running statistics) follow rank
// 0's before every batch and before evaluation. It plugs into the trainer as an ordinary callback.
import { broadcast, GradientReducer, processGroup } from '../engine/distributed.js';
/** The world this process trains in: rank 0 of 1 without a process group. */
export function currentWorld() {
    const group = processGroup() ?? { rank: 0, worldSize: 1 };
    return { ...group, isMain: group.rank === 0 };
}
/**
 * Makes `model` identical on every rank (rank 0's parameters and buffers) and returns the callback
 * that keeps it so. Create it after the model is final (SyncBatchNorm converted) and before training.
 */
export function dataParallel(model, options = {}) {
    if (processGroup() === undefined)
        throw new Error('dataParallel: no process group (initProcessGroup first)');
    const buffers = () => model.namedBuffers().map(([, b]) => b);
    broadcast([...model.parameters(), ...buffers()], 0);
    const trainable = model.parameters().filter((p) => p.requiresGrad);
    const reducer = new GradientReducer(trainable, { bucketMB: options.bucketMB });
    const broadcastBuffers = options.broadcastBuffers ?? true;
    return {
        onBatchStart: () => {
            if (broadcastBuffers)
                broadcast(buffers(), 0);
            reducer.arm();
        },
        beforeEvaluate: () => broadcast(buffers(), 0),
        close: () => reducer.dispose(),
    };
}
//# sourceMappingURL=data_parallel.js.map
// Data-parallel training across the ranks of the process group, as PyTorch's DistributedDataParallel
// does it: every rank starts from rank 0's parameters and buffers, gradients are averaged in buckets
// while backward runs (engine/distributed GradientReducer), buffers (BN running statistics) follow rank
// 0's before every batch and before evaluation. It plugs into the trainer as an ordinary callback.
import { broadcast, GradientReducer, processGroup } from '../engine/distributed.js';
import type { Tensor } from '../engine/tensor.js';
import type { Module } from '../nn/module.js';
import type { TrainCallback } from './callbacks.js';

export interface DataParallelOptions {
  /** Bucket size in MB (DDP's bucket_cap_mb, default 25); the first bucket is 1 MB so communication starts early. */
  bucketMB?: number;
  /** Overwrite buffers with rank 0's before every batch (DDP's broadcast_buffers, default true). */
  broadcastBuffers?: boolean;
}

/** The world this process trains in: rank 0 of 1 without a process group. */
export function currentWorld(): { rank: number; worldSize: number; isMain: boolean } {
  const group = processGroup() ?? { rank: 0, worldSize: 1 };
  return { ...group, isMain: group.rank === 0 };
}

/**
 * Makes `model` identical on every rank (rank 0's parameters and buffers) and returns the callback
 * that keeps it so. Create it after the model is final (SyncBatchNorm converted) and before training.
 */
export function dataParallel(model: Module, options: DataParallelOptions = {}): TrainCallback {
  if (processGroup() === undefined) throw new Error('dataParallel: no process group (initProcessGroup first)');
  const buffers = (): Tensor[] => model.namedBuffers().map(([, b]) => b);
  broadcast([...model.parameters(), ...buffers()], 0);
  const trainable = model.parameters().filter((p) => p.requiresGrad);
  const reducer = new GradientReducer(trainable, { bucketMB: options.bucketMB });
  const broadcastBuffers = options.broadcastBuffers ?? true;
  return {
    onBatchStart: () => {
      if (broadcastBuffers) broadcast(buffers(), 0);
      reducer.arm();
    },
    beforeEvaluate: () => broadcast(buffers(), 0),
    close: () => reducer.dispose(),
  };
}

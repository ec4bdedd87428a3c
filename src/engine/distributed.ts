// Collective communication between processes on libtorch's c10d (Gloo), as torch.distributed offers it:
// one default process group per process, rendezvous on a TCPStore at MASTER_ADDR:MASTER_PORT, and the
// collectives data-parallel training needs. The engine knows nothing of models: module-level wiring
// (broadcasting a model's state, reducing its gradients, SyncBatchNorm) lives in train/ and nn/.
import { native } from './native.js';
import { fromTypedArray, Tensor, wrapAll } from './tensor.js';

export class DistributedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DistributedError';
  }
}

export interface ProcessGroupOptions {
  rank: number;
  worldSize: number;
  /** Address of rank 0's store (default 127.0.0.1). */
  masterAddr?: string;
  /** Port of rank 0's store (default 29500, torchrun's). */
  masterPort?: number;
  /** Bound on the rendezvous and on every collective; a peer that vanished fails the waiting call sooner. Default 300 s. */
  timeoutSeconds?: number;
  /** Network interface Gloo uses (GLOO_SOCKET_IFNAME's role); default: the one that reaches masterAddr's host name. */
  interface?: string;
}

export type ReduceOp = 'sum' | 'max' | 'min' | 'product';

/** Rank and size of this process's group, or undefined when it trains alone. */
export function processGroup(): { rank: number; worldSize: number } | undefined {
  return native.processGroupInfo();
}

const requireGroup = (what: string): { rank: number; worldSize: number } => {
  const group = processGroup();
  if (group === undefined) throw new DistributedError(`${what}: no process group (call initProcessGroup first)`);
  return group;
};

/**
 * Joins (rank 0: hosts) the rendezvous and creates the Gloo process group. Blocks until all
 * `worldSize` processes have joined or the timeout passes.
 */
export function initProcessGroup(options: ProcessGroupOptions): void {
  const { rank, worldSize } = options;
  if (!Number.isInteger(worldSize) || worldSize < 1) throw new DistributedError(`worldSize must be a positive integer, got ${worldSize}`);
  if (!Number.isInteger(rank) || rank < 0 || rank >= worldSize) throw new DistributedError(`rank must be an integer in [0, ${worldSize}), got ${rank}`);
  const port = options.masterPort ?? 29500;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new DistributedError(`master port must be in 1..65535, got ${port}`);
  const timeout = options.timeoutSeconds ?? 300;
  if (!(timeout > 0)) throw new DistributedError(`timeout must be positive, got ${timeout}`);
  const addr = options.masterAddr ?? '127.0.0.1';
  try {
    native.initProcessGroup(rank, worldSize, addr, port, Math.round(timeout * 1000), options.interface ?? '');
  } catch (err) {
    throw new DistributedError(`rank ${rank} of ${worldSize} could not join the rendezvous at ${addr}:${port}: ${(err as Error).message}`);
  }
}

/** The environment torchrun (and `leanconv train --nproc`) hands each worker: RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT. */
export function processGroupFromEnv(env: NodeJS.ProcessEnv = process.env): ProcessGroupOptions | undefined {
  if (env.WORLD_SIZE === undefined || env.WORLD_SIZE === '') return undefined;
  const int = (name: string, fallback?: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') {
      if (fallback === undefined) throw new DistributedError(`WORLD_SIZE is set, so ${name} must be too`);
      return fallback;
    }
    const n = Number(raw);
    if (!Number.isInteger(n)) throw new DistributedError(`${name} must be an integer, got '${raw}'`);
    return n;
  };
  return {
    rank: int('RANK'),
    worldSize: int('WORLD_SIZE'),
    masterAddr: env.MASTER_ADDR || '127.0.0.1',
    masterPort: int('MASTER_PORT', 29500),
    timeoutSeconds: env.LEANCONV_DIST_TIMEOUT ? Number(env.LEANCONV_DIST_TIMEOUT) : undefined,
    interface: env.GLOO_SOCKET_IFNAME || undefined,
  };
}

export function destroyProcessGroup(): void {
  native.destroyProcessGroup();
}

/** Runs a collective; c10d's errors (a peer gone, a timeout: the native layer says which rank lost contact) become DistributedErrors. */
function collective<T>(what: string, fn: () => T): T {
  requireGroup(what);
  try {
    return fn();
  } catch (err) {
    if (err instanceof TypeError) throw err; // a bad argument, not a communication failure
    throw new DistributedError((err as Error).message);
  }
}

/** Reduces the tensors in place across all ranks (one message per dtype). */
export function allReduce(tensors: readonly Tensor[], op: ReduceOp = 'sum'): void {
  collective('allReduce', () => native.allReduce(tensors.map((t) => t.handle), op));
}

/** Overwrites the tensors on every rank with rank `root`'s, in place (one message per dtype). */
export function broadcast(tensors: readonly Tensor[], root = 0): void {
  if (tensors.length > 0) collective('broadcast', () => native.broadcast(tensors.map((t) => t.handle), root));
}

/** Every rank's copy of `tensor` (same shape everywhere), in rank order; the caller owns them. */
export function allGather(tensor: Tensor): Tensor[] {
  return collective('allGather', () => wrapAll(native.allGather(tensor.handle)));
}

export function barrier(): void {
  collective('barrier', () => native.barrier());
}

/** Σ over ranks of `tensor`, recorded by autograd: the gradient is the same sum of the output gradients. */
export function allReduceSum(tensor: Tensor): Tensor {
  return collective('allReduceSum', () => new Tensor(native.allReduceSumDifferentiable(tensor.handle)));
}

/** Reduces plain numbers across ranks (as float64); without a process group, returns them unchanged. */
export function allReduceNumbers(values: readonly number[], op: ReduceOp = 'sum'): number[] {
  if (processGroup() === undefined) return [...values];
  const t = fromTypedArray(Float64Array.from(values));
  try {
    allReduce([t], op);
    return Array.from(t.data<'float64'>());
  } finally {
    t.dispose();
  }
}

/**
 * Averages gradients over ranks while backward runs: parameters are bucketed (reverse order, the first
 * bucket small so communication starts early), each full bucket is all-reduced asynchronously, and the
 * averaged gradients are in `.grad` when backward returns. Call arm() before each backward pass whose
 * gradients should be reduced; a parameter that got no gradient on a rank contributes zeros.
 */
export class GradientReducer {
  private id: number | undefined;
  readonly buckets: number;

  constructor(parameters: readonly Tensor[], options: { firstBucketMB?: number; bucketMB?: number } = {}) {
    requireGroup('GradientReducer');
    const mb = (v: number): number => Math.round(v * 1024 * 1024);
    const made = native.createGradientReducer(parameters.map((p) => p.handle), mb(options.firstBucketMB ?? 1), mb(options.bucketMB ?? 25));
    this.id = made.id;
    this.buckets = made.buckets;
  }

  arm(): void {
    if (this.id === undefined) throw new DistributedError('GradientReducer: used after dispose()');
    native.armGradientReducer(this.id);
  }

  dispose(): void {
    if (this.id !== undefined) native.destroyGradientReducer(this.id);
    this.id = undefined;
  }
}

// How a run spreads over processes. The trainer asks its TrainingWorld and never branches on the world size: in one
// process every operation is the identity; across the ranks of a c10d process group the world shards the data, seeds
// each rank's random stream, sums the figures, gathers every rank's RNG state for recovery points, and adds the
// data-parallel callback (data_parallel.ts).
import { allReduceNumbers, processGroup } from '../engine/distributed.js';
import { getRngState, manualSeed, setRngState } from '../engine/runtime.js';
import { hashInts } from '../data/rng.js';
import type { Module } from '../nn/module.js';
import { convertSyncBatchNorm } from '../nn/sync_batchnorm.js';
import type { TrainCallback } from './callbacks.js';
import type { TrainConfig } from './config.js';
import { dataParallel } from './data_parallel.js';
import type { EvalResult } from './metrics.js';
import { type RecoveryPoint, TrainingError } from './run-directory.js';

export interface TrainingWorld {
  readonly rank: number;
  readonly worldSize: number;
  /** Rank 0: it prints and writes the run directory. */
  readonly isMain: boolean;
  /** Prefix of this rank's warnings ('' in one process). */
  readonly tag: string;
  /** What the run-directory line adds about the processes ('' in one process). */
  describe(batchSize: number): string;
  /** Refuses a config this world cannot train. */
  check(config: TrainConfig): void;
  /** The model's layers for this world (SyncBatchNorm when asked), before it moves to its device. */
  adaptModel(model: Module, config: TrainConfig): void;
  /** The callbacks that keep the ranks' models identical, once the model is final. */
  callbacks(model: Module): TrainCallback[];
  /**
   * The epoch's random stream: in a data-parallel run each rank draws from one fixed by (seed, epoch, rank), or from
   * the recovery point's state; one process continues its generator.
   */
  seedEpoch(seed: number, epoch: number, resume?: RecoveryPoint): void;
  /** Whether this rank carries a recovery point's figures (summed over the ranks, so rank 0 alone does). */
  carriesFigures(resume: RecoveryPoint | undefined): boolean;
  sum(values: readonly number[]): number[];
  max(values: readonly number[]): number[];
  /** Whether any rank says yes. */
  any(flag: boolean): boolean;
  /** Every rank's RNG state (base64) for a recovery point; undefined in one process, whose checkpoint holds its own. */
  rngStates(): string[] | undefined;
  /** The test figures of the whole split from each rank's share. */
  combine(local: EvalResult): EvalResult;
}

/** The world of this process: a data-parallel rank when a process group exists, else one process. */
export function trainingWorld(): TrainingWorld {
  const group = processGroup();
  return group === undefined || group.worldSize === 1 ? singleProcess : dataParallelWorld(group.rank, group.worldSize);
}

const singleProcess: TrainingWorld = {
  rank: 0, worldSize: 1, isMain: true, tag: '',
  describe: () => '',
  check: () => undefined,
  adaptModel: () => undefined,
  callbacks: () => [],
  seedEpoch: () => undefined,
  carriesFigures: () => true,
  sum: (values) => [...values],
  max: (values) => [...values],
  any: (flag) => flag,
  rngStates: () => undefined,
  combine: (local) => local,
};

function dataParallelWorld(rank: number, worldSize: number): TrainingWorld {
  return {
    rank, worldSize, isMain: rank === 0, tag: ` (rank ${rank})`,
    describe: (batchSize) => ` (${worldSize} processes, ${batchSize / worldSize} images each per step)`,
    check(config) {
      if (config.batchSize % worldSize !== 0) {
        throw new TrainingError(`batch size ${config.batchSize} is the global batch of ${worldSize} processes, so it must be divisible by ${worldSize}`);
      }
      if (config.device !== 'cpu') {
        throw new TrainingError(`data-parallel training on ${config.device} needs c10d's NCCL backend, which this build does not have yet; train on cpu or in one process`);
      }
    },
    adaptModel(model, config) {
      if (config.syncBatchNorm) convertSyncBatchNorm(model);
    },
    callbacks: (model) => [dataParallel(model)],
    seedEpoch(seed, epoch, resume) {
      const state = resume?.rngStates?.[rank];
      if (state !== undefined) setRngState(Buffer.from(state, 'base64'));
      else manualSeed(hashInts(seed, epoch, rank, 0xd15));
    },
    carriesFigures: (resume) => resume === undefined || rank === 0,
    sum: (values) => allReduceNumbers(values),
    max: (values) => allReduceNumbers(values, 'max'),
    any: (flag) => allReduceNumbers([flag ? 1 : 0], 'max')[0]! > 0,
    rngStates() {
      const mine = getRngState();
      const slots = new Array<number>(worldSize * mine.length).fill(0);
      mine.forEach((b, i) => (slots[rank * mine.length + i] = b));
      const all = allReduceNumbers(slots);
      return Array.from({ length: worldSize }, (_, r) => Buffer.from(all.slice(r * mine.length, (r + 1) * mine.length)).toString('base64'));
    },
    combine(local) {
      const n = local.count;
      const total = (mean: number): number => (n === 0 ? 0 : mean * n);
      const seconds = n === 0 ? 0 : n / local.imagesPerSecond;
      const [loss, top1, top5, count] = allReduceNumbers([total(local.loss), total(local.top1), total(local.top5), n]);
      const [slowest] = allReduceNumbers([seconds], 'max');
      return { loss: loss! / count!, top1: top1! / count!, top5: top5! / count!, count: count!, imagesPerSecond: count! / slowest! };
    },
  };
}

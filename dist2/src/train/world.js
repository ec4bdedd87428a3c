// How a run spreads over processes. The trainer asks its TrainingWorld and never branches on the world size: in one
// process every operation is the identity; across the ranks of a c10d process group the world shards the data, seeds
// each rank's random stream, sums the figures, gathers every rank's RNG state for recovery points, and adds the
// data-parallel callback (data_parallel.ts).
import { allReduceNumbers, processGroup } from '../engine/distributed.js';
import { getRngState, manualSeed, setRngState } from '../engine/runtime.js';
import { hashInts } from '../data/rng.js';
import { convertSyncBatchNorm } from '../nn/sync_batchnorm.js';
import { dataParallel } from './data_parallel.js';
import { TrainingError } from './run-directory.js';
/** The world of this process: a data-parallel rank when a process group exists, else one process. */
export function trainingWorld() {
    const group = processGroup();
    return group === undefined || group.worldSize === 1 ? singleProcess : dataParallelWorld(group.rank, group.worldSize);
}
const singleProcess = {
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
function dataParallelWorld(rank, worldSize) {
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
            if (config.syncBatchNorm)
                convertSyncBatchNorm(model);
        },
        callbacks: (model) => [dataParallel(model)],
        seedEpoch(seed, epoch, resume) {
            const state = resume?.rngStates?.[rank];
            if (state !== undefined)
                setRngState(Buffer.from(state, 'base64'));
            else
                manualSeed(hashInts(seed, epoch, rank, 0xd15));
        },
        carriesFigures: (resume) => resume === undefined || rank === 0,
        sum: (values) => allReduceNumbers(values),
        max: (values) => allReduceNumbers(values, 'max'),
        any: (flag) => allReduceNumbers([flag ? 1 : 0], 'max')[0] > 0,
        rngStates() {
            const mine = getRngState();
            const slots = new Array(worldSize * mine.length).fill(0);
            mine.forEach((b, i) => (slots[rank * mine.length + i] = b));
            const all = allReduceNumbers(slots);
            return Array.from({ length: worldSize }, (_, r) => Buffer.from(all.slice(r * mine.length, (r + 1) * mine.length)).toString('base64'));
        },
        combine(local) {
            const n = local.count;
            const total = (mean) => (n === 0 ? 0 : mean * n);
            const seconds = n === 0 ? 0 : n / local.imagesPerSecond;
            const [loss, top1, top5, count] = allReduceNumbers([total(local.loss), total(local.top1), total(local.top5), n]);
            const [slowest] = allReduceNumbers([seconds], 'max');
            return { loss: loss / count, top1: top1 / count, top5: top5 / count, count: count, imagesPerSecond: count / slowest };
        },
    };
}
//# sourceMappingURL=world.js.map
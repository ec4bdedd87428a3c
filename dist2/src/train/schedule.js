// Learning-rate schedules as pure functions of training progress (epoch, iteration within the epoch),
// so that a resumed run recomputes exactly the rates it would have used.
import { sgdrCycle } from '../nn/training.js';
export { sgdrCycle };
/** The SGDR restart cycle an epoch falls in (undefined for schedules without restarts). */
export function restartCycle(spec, epoch) {
    if (spec.name !== 'sgdr')
        return undefined;
    return sgdrCycle(spec.repeatEvery ? epoch % spec.repeatEvery : epoch, spec.t0, spec.tmult);
}
export function buildSchedule(spec, options) {
    const { baseLr, epochs, itersPerEpoch } = options;
    const warmupIters = Math.round((options.warmupEpochs ?? 0) * itersPerEpoch);
    const warmupStart = options.warmupStart ?? 0;
    let main;
    switch (spec.name) {
        case 'constant':
            main = () => baseLr;
            break;
        case 'multistep':
            main = (epoch) => baseLr * spec.gamma ** spec.milestones.filter((m) => epoch >= m).length;
            break;
        case 'cosine': {
            const total = epochs * itersPerEpoch;
            const min = spec.minLr ?? 0;
            main = (epoch, iter) => min + (baseLr - min) * 0.5 * (1 + Math.cos((Math.PI * (epoch * itersPerEpoch + iter)) / total));
            break;
        }
        case 'sgdr': {
            if (!(spec.t0 >= 1) || !(spec.tmult >= 1))
                throw new RangeError(`sgdr: t0 and tmult must be >= 1, got ${spec.t0}, ${spec.tmult}`);
            const min = spec.minLr ?? 0;
            if (spec.repeatEvery !== undefined && !(Number.isInteger(spec.repeatEvery) && spec.repeatEvery >= 1))
                throw new RangeError(`sgdr: repeatEvery must be a positive integer, got ${spec.repeatEvery}`);
            main = (epoch) => {
                const { tCur, tI } = restartCycle(spec, epoch);
                return min + (baseLr - min) * 0.5 * (1 + Math.cos((Math.PI * tCur) / tI));
            };
            break;
        }
        default:
            throw new TypeError(`unknown LR schedule '${spec.name}'`);
    }
    if (warmupIters === 0)
        return main;
    return (epoch, iter) => {
        const t = epoch * itersPerEpoch + iter;
        if (t >= warmupIters)
            return main(epoch, iter);
        return baseLr * (warmupStart + ((1 - warmupStart) * t) / warmupIters);
    };
}
//# sourceMappingURL=schedule.js.map
// Learning-rate schedules as pure functions of training progress (epoch, iteration within the epoch),
// so that a resumed run recomputes exactly the rates it would have used.
import { sgdrCycle } from '../nn/training.js';

export { sgdrCycle };

export type ScheduleSpec =
  | { name: 'constant' }
  /** lr * gamma^(number of milestones passed), stepped per epoch. */
  | { name: 'multistep'; milestones: number[]; gamma: number }
  /** Cosine from lr to minLr over all iterations, stepped per iteration (ACNet, CondenseNet). */
  | { name: 'cosine'; minLr?: number }
  /**
   * SGDR warm restarts stepped per epoch: cycles of T0, T0*Tmult, ... epochs (HCGNet). `repeatEvery`
   * starts the whole schedule again every that many epochs: HCGNet-A2/A3's evident intent (two
   * 630-epoch runs in 1270 epochs; the official line has an operator-precedence bug).
   */
  | { name: 'sgdr'; t0: number; tmult: number; minLr?: number; repeatEvery?: number };

export interface ScheduleOptions {
  baseLr: number;
  epochs: number;
  itersPerEpoch: number;
  /** Linear warmup from warmupStart*baseLr to the schedule over this many epochs (per iteration). */
  warmupEpochs?: number;
  warmupStart?: number;
}

export type LrSchedule = (epoch: number, iter: number) => number;

/** The SGDR restart cycle an epoch falls in (undefined for schedules without restarts). */
export function restartCycle(spec: ScheduleSpec, epoch: number): { tCur: number; tI: number } | undefined {
  if (spec.name !== 'sgdr') return undefined;
  return sgdrCycle(spec.repeatEvery ? epoch % spec.repeatEvery : epoch, spec.t0, spec.tmult);
}

export function buildSchedule(spec: ScheduleSpec, options: ScheduleOptions): LrSchedule {
  const { baseLr, epochs, itersPerEpoch } = options;
  const warmupIters = Math.round((options.warmupEpochs ?? 0) * itersPerEpoch);
  const warmupStart = options.warmupStart ?? 0;
  let main: LrSchedule;
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
      if (!(spec.t0 >= 1) || !(spec.tmult >= 1)) throw new RangeError(`sgdr: t0 and tmult must be >= 1, got ${spec.t0}, ${spec.tmult}`);
      const min = spec.minLr ?? 0;
      if (spec.repeatEvery !== undefined && !(Number.isInteger(spec.repeatEvery) && spec.repeatEvery >= 1)) throw new RangeError(`sgdr: repeatEvery must be a positive integer, got ${spec.repeatEvery}`);
      main = (epoch) => {
        const { tCur, tI } = restartCycle(spec, epoch)!;
        return min + (baseLr - min) * 0.5 * (1 + Math.cos((Math.PI * tCur) / tI));
      };
      break;
    }
    default:
      throw new TypeError(`unknown LR schedule '${(spec as { name: string }).name}'`);
  }
  if (warmupIters === 0) return main;
  return (epoch, iter) => {
    const t = epoch * itersPerEpoch + iter;
    if (t >= warmupIters) return main(epoch, iter);
    return baseLr * (warmupStart + ((1 - warmupStart) * t) / warmupIters);
  };
}

import { sgdrCycle } from '../nn/training.js';
export { sgdrCycle };
export type ScheduleSpec = {
    name: 'constant';
}
/** lr * gamma^(number of milestones passed), stepped per epoch. */
 | {
    name: 'multistep';
    milestones: number[];
    gamma: number;
}
/** Cosine from lr to minLr over all iterations, stepped per iteration (ACNet, CondenseNet). */
 | {
    name: 'cosine';
    minLr?: number;
}
/**
 * SGDR warm restarts stepped per epoch: cycles of T0, T0*Tmult, ... epochs (HCGNet). `repeatEvery`
 * starts the whole schedule again every that many epochs: HCGNet-A2/A3's evident intent (two
 * 630-epoch runs in 1270 epochs; the official line has an operator-precedence bug).
 */
 | {
    name: 'sgdr';
    t0: number;
    tmult: number;
    minLr?: number;
    repeatEvery?: number;
};
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
export declare function restartCycle(spec: ScheduleSpec, epoch: number): {
    tCur: number;
    tI: number;
} | undefined;
export declare function buildSchedule(spec: ScheduleSpec, options: ScheduleOptions): LrSchedule;

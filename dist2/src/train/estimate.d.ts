import { type TrainConfig } from './config.js';
export interface WallTimeEstimate {
    /** Seconds per optimisation step, measured (median of the timed steps). */
    secondsPerStep: number;
    stepsPerEpoch: number;
    epochs: number;
    runs: number;
    /** runs x epochs x stepsPerEpoch x secondsPerStep (evaluation not included). */
    seconds: number;
    trainImages: number;
    input: [number, number, number];
}
/** Times `timedSteps` SGD steps (after one warm-up step) of the config's model and form and scales them to the recipe. */
export declare function estimateWallTime(config: TrainConfig, runs: number, timedSteps?: number): WallTimeEstimate;

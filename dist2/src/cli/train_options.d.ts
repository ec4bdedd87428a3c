import '../recipes/index.js';
import { type TrainConfig } from '../train/config.js';
import type { TrainOptions } from '../train/trainer.js';
import { type OptionSpec } from './args.js';
export declare const TRAIN_OPTIONS: OptionSpec;
export declare const TRAIN_HELP: string;
/** `--resume RUN` with the options it accepts; any recipe option is refused with the reason. */
export declare function resumeOptionsFrom(values: Record<string, unknown>): TrainOptions;
export declare function trainConfigFrom(values: Record<string, unknown>): Partial<TrainConfig>;
/** `leanconv train --preset list`: every preset with its values, source and per-model values. */
export declare function presetList(): string;

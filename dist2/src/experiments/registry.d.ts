import type { ModelArgs } from '../models/registry.js';
import type { TrainConfig } from '../train/config.js';
import type { TrainHooks } from '../train/trainer.js';
/** What the command line gives an experiment: parsing helpers of the CLI layer, so experiments do not import it. */
export interface ExperimentContext {
    /** The parsed values (train options and the experiment's own). */
    values: Record<string, unknown>;
    /** The values of the train options only, as `leanconv train` takes them. */
    trainValues: Record<string, unknown>;
    /** A training config from train option values (`leanconv train`'s parser). */
    trainConfigFrom(values: Record<string, unknown>): Partial<TrainConfig>;
    /** A numeric option, validated (undefined when not given). */
    num(name: string, rule: {
        integer?: boolean;
        min?: number;
    }): number | undefined;
    /** `--model-args`-style text parsed into model args. */
    modelArgs(text: string | undefined): ModelArgs | undefined;
    dir: string | undefined;
    lastK: number | undefined;
    force: boolean;
    hooks: TrainHooks;
}
export interface ExperimentOutcome {
    /** The experiment directory (runs, results.json, results.md). */
    dir: string;
    /** The result object (printed with --json; its members' runDir fields name the runs for the report). */
    result: object;
    /** The result as text (results.md). */
    text: string;
}
export interface ExperimentSpec {
    name: string;
    /** One line for the command list. */
    summary: string;
    /** Usage and description for `leanconv experiment --help`. */
    help: string;
    /** Options this experiment takes beyond the training options (node:util parseArgs form). */
    options?: Record<string, {
        type: 'string' | 'boolean';
    }>;
    /** Train options this experiment sets itself and so refuses, and why (one that trains its own models refuses --model). */
    refusedTrainOptions?: {
        options: readonly string[];
        why: string;
    };
    /**
     * The paper's whole recipe for its table rows (`--full`): the preset for a dataset (undefined: the paper has none
     * for it) and how many models the experiment trains.
     */
    fullRecipe?: {
        runs: number;
        preset(dataset: string): string | undefined;
    };
    run(context: ExperimentContext): Promise<ExperimentOutcome>;
}
export declare function registerExperiment(spec: ExperimentSpec): void;
export declare function getExperiment(name: string): ExperimentSpec;
export declare function listExperiments(): ExperimentSpec[];

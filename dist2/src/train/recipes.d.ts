import type { TrainConfig } from './config.js';
export interface Preset {
    description: string;
    config: Partial<TrainConfig>;
    /** Where the recipe comes from (the official script and its settings). */
    source?: string;
    /** Values that differ by model in the official recipe (e.g. ACNet's src56 at lr 0.2), applied over `config`. */
    perModel?: Record<string, Partial<TrainConfig>>;
}
/** A preset's values for a model: its config with the model's own values over it. */
export declare function presetConfig(preset: Preset, model: string): Partial<TrainConfig>;
/** Every registered preset by name (filled by registerPreset). */
export declare const PRESETS: Record<string, Preset>;
export declare function registerPreset(name: string, preset: Preset): void;
/** How a recipe option's value is read from the command line. */
export type RecipeValue = {
    kind: 'switch';
} | {
    kind: 'number';
    min?: number;
    integer?: boolean;
} | {
    kind: 'text';
    parse(text: string): unknown;
};
export interface RecipeOption {
    /** The flag without its dashes ('group-lasso'). */
    flag: string;
    /** The paper it belongs to: its section of the help. */
    paper: string;
    value: RecipeValue;
    /** The flag as the help shows it ('--group-lasso L') and what it does (lines after the first are indented). */
    usage: string;
    help: string;
    /** Another recipe flag this one only makes sense with, and why (a usage error otherwise). */
    requires?: {
        flag: string;
        why: string;
    };
    /** The config values the option sets, given its value and the config so far (defaults and preset applied). */
    apply(value: unknown, config: TrainConfig): Partial<TrainConfig>;
}
export declare function registerRecipeOption(option: RecipeOption): void;
/** Every registered recipe option, in registration order. */
export declare function recipeOptions(): RecipeOption[];

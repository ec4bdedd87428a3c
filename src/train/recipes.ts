// Training recipes by paper: presets (a reference implementation's recipe as config values) and recipe options
// (command-line flags that set a paper's config values). Each paper registers its own (papers/<paper>/recipes.ts);
// the train command's options, its help and the preset list are generated from here.
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
export function presetConfig(preset: Preset, model: string): Partial<TrainConfig> {
  return { ...preset.config, ...(preset.perModel?.[model] ?? {}) };
}

/** Every registered preset by name (filled by registerPreset). */
export const PRESETS: Record<string, Preset> = {};

export function registerPreset(name: string, preset: Preset): void {
  if (name in PRESETS) throw new Error(`registerPreset: '${name}' is already registered`);
  PRESETS[name] = preset;
}

/** How a recipe option's value is read from the command line. */
export type RecipeValue =
  | { kind: 'switch' }
  | { kind: 'number'; min?: number; integer?: boolean }
  | { kind: 'text'; parse(text: string): unknown };

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
  requires?: { flag: string; why: string };
  /** The config values the option sets, given its value and the config so far (defaults and preset applied). */
  apply(value: unknown, config: TrainConfig): Partial<TrainConfig>;
}

const options = new Map<string, RecipeOption>();

export function registerRecipeOption(option: RecipeOption): void {
  if (options.has(option.flag)) throw new Error(`registerRecipeOption: --${option.flag} is already registered`);
  options.set(option.flag, option);
}

/** Every registered recipe option, in registration order. */
export function recipeOptions(): RecipeOption[] {
  return [...options.values()];
}

/** A preset's values for a model: its config with the model's own values over it. */
export function presetConfig(preset, model) {
    return { ...preset.config, ...(preset.perModel?.[model] ?? {}) };
}
/** Every registered preset by name (filled by registerPreset). */
export const PRESETS = {};
export function registerPreset(name, preset) {
    if (name in PRESETS)
        throw new Error(`registerPreset: '${name}' is already registered`);
    PRESETS[name] = preset;
}
const options = new Map();
export function registerRecipeOption(option) {
    if (options.has(option.flag))
        throw new Error(`registerRecipeOption: --${option.flag} is already registered`);
    options.set(option.flag, option);
}
/** Every registered recipe option, in registration order. */
export function recipeOptions() {
    return [...options.values()];
}
//# sourceMappingURL=recipes.js.map
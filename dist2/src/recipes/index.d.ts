import './acnet.js';
import './condensenet.js';
import './hcgnet.js';
import './dgconv.js';
export { PRESETS, recipeOptions, registerPreset, registerRecipeOption, type Preset, type RecipeOption } from '../train/recipes.js';

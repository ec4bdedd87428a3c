// Each paper's training recipe (presets and recipe options, train/recipes.ts): one registration line per paper.
import './acnet.js';
import './condensenet.js';
import './hcgnet.js';
import './dgconv.js';
export { PRESETS, recipeOptions, registerPreset, registerRecipeOption } from '../train/recipes.js';
//# sourceMappingURL=index.js.map
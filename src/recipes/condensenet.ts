// CondenseNet's recipe: its training preset and the group-lasso weight of its learned group convolutions.
import { registerPreset, registerRecipeOption } from '../train/recipes.js';

registerPreset('condensenet', {
  description: "CondenseNet's recipe: SGD 0.9 nesterov, per-iteration cosine, wd 1e-4 on all parameters, batch 64",
  config: { momentum: 0.9, nesterov: true, weightDecay: 1e-4, decayBiasAndNorm: true, schedule: { name: 'cosine' }, lr: 0.1, batchSize: 64 },
});

registerRecipeOption({
  flag: 'group-lasso', paper: 'CondenseNet', value: { kind: 'number', min: 0 }, usage: '--group-lasso L',
  help: "CondenseNet's group-lasso weight on the learned group convs (ImageNet recipe 1e-5)",
  apply: (weight, config) => ({ regularizers: { ...config.regularizers, groupLasso: weight as number } }),
});

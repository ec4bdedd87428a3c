// CondenseNet's recipe: its training preset and the group-lasso weight of its learned group convolutions.
import { registerPreset, registerRecipeOption } from '../../train/recipes.js';

registerPreset('condensenet', {
  description: "optimizer and schedule of CondenseNet's recipe (the experiment's; condensenet-cifar is the whole recipe): SGD 0.9 nesterov, per-iteration cosine, wd 1e-4 on all parameters, batch 64",
  config: { momentum: 0.9, nesterov: true, weightDecay: 1e-4, decayBiasAndNorm: true, schedule: { name: 'cosine' }, lr: 0.1, batchSize: 64 },
});

registerRecipeOption({
  flag: 'group-lasso', paper: 'CondenseNet', value: { kind: 'number', min: 0 }, usage: '--group-lasso L',
  help: "CondenseNet's group-lasso weight on the learned group convs (ImageNet recipe 1e-5)",
  apply: (weight, config) => ({ regularizers: { ...config.regularizers, groupLasso: weight as number } }),
});

// The official recipes whole (../shared/notes/papers.md §3.5).
const official = { momentum: 0.9, nesterov: true, weightDecay: 1e-4, decayBiasAndNorm: true, schedule: { name: 'cosine' as const }, lr: 0.1 };
registerPreset('condensenet-cifar', {
  description: 'CondenseNet CIFAR: batch 64, 300 epochs (CondenseNet-182*: 600), lr 0.1, per-iteration cosine, nesterov, wd 1e-4 on all parameters, no group lasso',
  source: 'ShichenLiu/CondenseNet main.py, script.sh',
  config: { ...official, batchSize: 64, epochs: 300 },
  perModel: { condensenet182: { epochs: 600 } },
});
registerPreset('condensenet-imagenet', {
  description: 'CondenseNet ImageNet: batch 256, 120 epochs, lr 0.1, per-iteration cosine, nesterov, wd 1e-4 on all parameters, group lasso 1e-5',
  source: 'ShichenLiu/CondenseNet main.py, script.sh (ImageNet)',
  config: { ...official, batchSize: 256, epochs: 120, regularizers: { groupLasso: 1e-5 } },
});

// DGConv's recipe options: the connection budget of its learned groupings and weight decay on its gates.
import { registerPreset, registerRecipeOption } from '../../train/recipes.js';

const paper = 'DGConv';
registerRecipeOption({
  flag: 'dg-budget', paper, value: { kind: 'number', min: 1 }, usage: '--dg-budget B',
  help: 'DGConv budget: while the connections ΣR of the DGConv layers exceed Σ C²/B, the loss is\nscaled by (ΣR·B/Σ C²)^0.02 (B = 32: the cost of 32 groups per layer); logged per epoch',
  apply: (divisor, config) => ({ budgets: { ...config.budgets, connections: divisor as number } }),
});
registerRecipeOption({
  flag: 'decay-gates', paper, value: { kind: 'switch' }, usage: '--decay-gates',
  help: "weight decay on DGConv's gates too (default: not decayed; upstream does not say)",
  apply: () => ({ decayGates: true }),
});

// The upstream repository gives no training code; its maintainer said (d-li14/dgconv.pytorch issue #4) that the
// README's G-ResNeXt-50 was trained without the budget constraint, like a plain ResNeXt (../shared/notes/papers.md §4).
const resnext = { batchSize: 256, lr: 0.1, epochs: 120, schedule: { name: 'cosine' as const }, momentum: 0.9, nesterov: false, weightDecay: 1e-4, decayBiasAndNorm: true };
registerPreset('dgconv-imagenet', {
  description: "DGConv ImageNet as the README's G-ResNeXt-50 was trained (maintainer, issue #4): plain ResNeXt recipe, batch 256, lr 0.1, 120 epochs cosine, wd 1e-4, no budget",
  source: 'd-li14/dgconv.pytorch README and issue #4 (PyTorch ImageNet example settings)',
  config: resnext,
});
registerPreset('dgconv-imagenet-budget', {
  description: "DGConv ImageNet with the connection budget of the maintainer's skeleton (issue #1): dgconv-imagenet plus --dg-budget 32 (the cost of 32 groups per layer)",
  source: 'd-li14/dgconv.pytorch issue #1 (constraint skeleton); the budget 32 is leanconv\'s choice',
  config: { ...resnext, budgets: { connections: 32 } },
});

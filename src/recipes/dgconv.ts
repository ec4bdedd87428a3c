// DGConv's recipe options: the connection budget of its learned groupings and weight decay on its gates.
import { registerRecipeOption } from '../train/recipes.js';

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

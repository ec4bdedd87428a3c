// ACNet's recipe: the do_acnet CIFAR preset and the flags of its training form (convert/acnet.ts registers the form).
import { parseAcbGamma } from '../convert/form.js';
import { registerPreset, registerRecipeOption } from '../train/recipes.js';

registerPreset('acnet', {
  description: "ACNet's do_acnet CIFAR recipe: SGD 0.9 (no nesterov), per-iteration cosine, wd 1e-4 on everything incl. BN and biases, 2x lr on biases, ACB gamma 1/3",
  config: { momentum: 0.9, nesterov: false, weightDecay: 1e-4, decayBiasAndNorm: true, biasLrMultiplier: 2, schedule: { name: 'cosine' }, lr: 0.1, acbGamma: 1 / 3 },
});

const paper = 'ACNet';
registerRecipeOption({
  flag: 'acb', paper, value: { kind: 'switch' }, usage: '--acb',
  help: 'train the ACNet form (every 3x3/5x5 conv an Asymmetric Convolution Block)',
  apply: () => ({ acb: true }),
});
registerRecipeOption({
  flag: 'acb-gamma', paper, value: { kind: 'text', parse: parseAcbGamma }, usage: '--acb-gamma G',
  help: 'initial BN gamma of the ACB branches: 1 (paper), 1/3 (repo\'s CIFAR recipe), any number, square',
  requires: { flag: 'acb', why: 'it sets the initial BN gamma of the ACNet form' },
  apply: (gamma) => ({ acbGamma: gamma as number | 'square' }),
});
registerRecipeOption({
  flag: 'acb-branch', paper, value: { kind: 'number', integer: true, min: 1 }, usage: '--acb-branch L',
  help: "length of the ACBs' 1-D branches (default: the kernel's, 1xK and Kx1; 3: 1x3 and 3x1 on the\n5x5 convs too, as ACNet's README suggests for Cifar-quick)",
  requires: { flag: 'acb', why: "it sets the length of the ACNet form's 1-D branches" },
  apply: (length) => ({ acbBranch: length as number }),
});

// ACNet's recipe: the settings of its training form, their flags, and the official recipes as presets (convert.ts
// registers the form itself).
import type { AcbGamma } from './blocks.js';
import { parseAcbGamma } from './convert.js';
import { registerConfigFields } from '../../train/config.js';
import { registerPreset, registerRecipeOption } from '../../train/recipes.js';

declare module '../../train/config.js' {
  interface TrainConfig {
    /** Train the ACNet form: every 3x3/5x5 conv an Asymmetric Convolution Block. */
    acb?: boolean;
    /** Initial BN gamma of the ACB branches (1: paper; 1/3: the repo's CIFAR recipe; 'square'). */
    acbGamma?: AcbGamma;
    /** Length of the ACBs' 1-D branches (default: each conv's kernel size, 1xK and Kx1; 3: 1x3 and 3x1 on 5x5 convs too). */
    acbBranch?: number;
  }
}

registerConfigFields({
  defaults: { acb: false, acbGamma: 1 },
  problems: (c) => [
    ...(c.acbBranch === undefined || (Number.isInteger(c.acbBranch) && c.acbBranch >= 1 && c.acbBranch % 2 === 1) ? [] : [`acbBranch must be an odd positive integer, got ${c.acbBranch}`]),
    ...(c.acbGamma === undefined || c.acbGamma === 'square' || Number.isFinite(c.acbGamma) ? [] : [`acbGamma must be a number or 'square', got ${String(c.acbGamma)}`]),
  ],
  form: (c) => (c.acb ? { acb: { gamma: c.acbGamma ?? 1, ...(c.acbBranch === undefined ? {} : { branchLength: c.acbBranch }) } } : {}),
});

registerPreset('acnet', {
  description: "optimizer and schedule of ACNet's do_acnet CIFAR recipe (the experiment's; acnet-cifar is the whole recipe): SGD 0.9 (no nesterov), per-iteration cosine, wd 1e-4 on everything incl. BN and biases, 2x lr on biases, ACB gamma 1/3",
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

// The official recipes whole (../shared/notes/papers.md §2.6): the current do_acnet, and the deprecated 2019 scripts
// whose lrs* schedules the README commands name.
const doAcnet = { momentum: 0.9, nesterov: false, decayBiasAndNorm: true, biasLrMultiplier: 2, schedule: { name: 'cosine' as const }, weightDecay: 1e-4, noDecayKeywords: ['depth'] };
registerPreset('acnet-cifar', {
  description: 'ACNet do_acnet CIFAR: batch 128, lr 0.1, 400 epochs, per-iteration cosine, wd 1e-4 on all parameters, 2x lr on biases, ACB gamma 1/3, evaluation every 5 epochs',
  source: 'DingXiaoH/ACNet acnet/do_acnet.py (cfqkbnc 150 epochs; src56 lr 0.2; wrnc16plain wd 5e-4)',
  config: { ...doAcnet, batchSize: 128, lr: 0.1, epochs: 400, acbGamma: 1 / 3, evalEvery: 5 },
  perModel: { cifar_quick: { epochs: 150 }, resnet56: { lr: 0.2 }, wrn16_8: { weightDecay: 5e-4 } },
});
registerPreset('acnet-imagenet', {
  description: "ACNet do_acnet ImageNet (sres18/34/50, smi1): batch 256, lr 0.1, 100 epochs, per-iteration cosine, wd 1e-4 on all parameters but those named '*depth*' (MobileNet's depthwise convs), 2x lr on biases, ACB gamma 1",
  source: 'DingXiaoH/ACNet acnet/do_acnet.py (sres18, sres34, sres50)',
  config: { ...doAcnet, batchSize: 256, lr: 0.1, epochs: 100, acbGamma: 1, evalEvery: 5 },
});
const lrs = { momentum: 0.9, nesterov: false, decayBiasAndNorm: true, warmupEpochs: 5, evalEvery: 2, weightDecay: 1e-4 };
registerPreset('acnet-cifar-lrs5', {
  description: 'ACNet 2019 lrs5_warmup_bias (the README command for cfqkbnc): lr 0.05, 200 epochs, x0.1 at 50/100/150, 5-epoch warmup, wd 1e-4 incl. biases and BN, batch 64',
  source: 'DingXiaoH/ACNet deprecated/acnet/acnet_cfqkbnc.py, deprecated/constants.py (lrs5)',
  config: { ...lrs, batchSize: 64, lr: 0.05, epochs: 200, schedule: { name: 'multistep', milestones: [50, 100, 150], gamma: 0.1 } },
});
registerPreset('acnet-cifar-lrs3', {
  description: 'ACNet 2019 lrs3_warmup_bias (the README command for vc and rc56): lr 0.1, 800 epochs, x0.1 at 200/400/600, 5-epoch warmup, wd 1e-4 incl. biases and BN, batch 64',
  source: 'DingXiaoH/ACNet deprecated/acnet/acnet_vc.py, acnet_rc56.py, deprecated/constants.py (lrs3)',
  config: { ...lrs, batchSize: 64, lr: 0.1, epochs: 800, schedule: { name: 'multistep', milestones: [200, 400, 600], gamma: 0.1 } },
});
registerPreset('acnet-cifar-lrs6', {
  description: 'ACNet 2019 lrs6_warmup_bias (the README command for wrnc16): lr 0.1, 360 epochs, x0.2 at 90/180/240/300, 5-epoch warmup, wd 5e-4 incl. biases and BN, batch 128',
  source: 'DingXiaoH/ACNet deprecated/acnet/acnet_wrnc16.py, deprecated/constants.py (lrs6)',
  config: { ...lrs, weightDecay: 5e-4, batchSize: 128, lr: 0.1, epochs: 360, schedule: { name: 'multistep', milestones: [90, 180, 240, 300], gamma: 0.2 } },
});

// HCGNet's recipes: the CIFAR and ImageNet presets of the official training scripts.
import { registerPreset } from '../train/recipes.js';

registerPreset('hcgnet', {
  description: "HCGNet's CIFAR recipe: SGD 0.9 nesterov, SGDR (T0=10, Tmult=2) per epoch, wd 1e-4 on all parameters, mixup alpha 1",
  config: { momentum: 0.9, nesterov: true, weightDecay: 1e-4, decayBiasAndNorm: true, schedule: { name: 'sgdr', t0: 10, tmult: 2 }, lr: 0.1, mixupAlpha: 1 },
});
registerPreset('hcgnet-imagenet', {
  description: "HCGNet's ImageNet recipe: as hcgnet with wd 4e-5, mixup alpha 0.4 and label smoothing 0.1 with eps/(K-1) off-target mass",
  config: {
    momentum: 0.9, nesterov: true, weightDecay: 4e-5, decayBiasAndNorm: true, schedule: { name: 'sgdr', t0: 10, tmult: 2 }, lr: 0.1, mixupAlpha: 0.4,
    labelSmoothing: 0.1, labelSmoothingStyle: 'offTarget',
  },
});

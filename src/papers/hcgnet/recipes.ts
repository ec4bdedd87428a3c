// HCGNet's recipes: the CIFAR and ImageNet presets of the official training scripts.
import { registerPreset } from '../../train/recipes.js';

registerPreset('hcgnet', {
  description: "optimizer and schedule of HCGNet's CIFAR recipe (hcgnet-cifar is the whole recipe): SGD 0.9 nesterov, SGDR (T0=10, Tmult=2) per epoch, wd 1e-4 on all parameters, mixup alpha 1",
  config: { momentum: 0.9, nesterov: true, weightDecay: 1e-4, decayBiasAndNorm: true, schedule: { name: 'sgdr', t0: 10, tmult: 2 }, lr: 0.1, mixupAlpha: 1 },
});
registerPreset('hcgnet-imagenet', {
  description: "HCGNet's ImageNet recipe: batch 256 (2 x 128), 630 epochs (6 SGDR cycles, T0=10, Tmult=2), lr 0.1, nesterov, wd 4e-5 on all parameters, mixup alpha 0.4, label smoothing 0.1 with eps/(K-1) off-target mass",
  source: 'winycg/HCGNet main_imagenet.py (README: 2 GPUs)',
  config: {
    momentum: 0.9, nesterov: true, weightDecay: 4e-5, decayBiasAndNorm: true, schedule: { name: 'sgdr', t0: 10, tmult: 2 }, lr: 0.1, mixupAlpha: 0.4,
    labelSmoothing: 0.1, labelSmoothingStyle: 'offTarget', batchSize: 256, epochs: 630,
  },
});
registerPreset('hcgnet-cifar', {
  description: "HCGNet CIFAR whole: batch 128, 1270 epochs (7 SGDR cycles, T0=10, Tmult=2), lr 0.1, nesterov, wd 1e-4 on all parameters, mixup alpha 1; A2/A3 repeat the 630-epoch schedule",
  source: 'winycg/HCGNet main_cifar.py (the A2/A3 restart line is taken as intended: epochs 630-1269 rerun 0-639)',
  config: {
    momentum: 0.9, nesterov: true, weightDecay: 1e-4, decayBiasAndNorm: true, schedule: { name: 'sgdr', t0: 10, tmult: 2 }, lr: 0.1, mixupAlpha: 1,
    batchSize: 128, epochs: 1270,
  },
  perModel: {
    hcgnet_a2: { schedule: { name: 'sgdr', t0: 10, tmult: 2, repeatEvery: 630 } },
    hcgnet_a3: { schedule: { name: 'sgdr', t0: 10, tmult: 2, repeatEvery: 630 } },
  },
});

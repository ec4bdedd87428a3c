// DGConv / Groupable ConvNet (Zhang et al., ICCV 2019): dynamic grouping convolution, G-ResNeXt, the learned
// gates' deploy form, its recipe options and its experiment. Importing this file registers them all (docs/dgconv.md).
export * from './blocks.js';
export * from './models.js';
export * from './convert.js';
export * from './experiments.js';
import './recipes.js';

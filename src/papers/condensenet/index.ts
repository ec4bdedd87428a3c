// CondenseNet (Huang et al., CVPR 2018; ShichenLiu/CondenseNet): learned group convolutions, the DenseNet skeleton of
// its code base and its models, condensation into standard group convs, its FLOPs convention, its recipe and its
// experiment. Importing this file registers them all (docs/condensenet.md).
export * from './blocks.js';
export * from './models.js';
export * from './convert.js';
export * from './analysis.js';
export * from './experiments.js';
import './recipes.js';

export { ACBlock, type ACBlockOptions, type AcbGamma } from './acb.js';
export { isReparameterizable, type Reparameterizable } from './reparam.js';
export { CondensableLinear, CondenseConv, CondenseLinear, condensationStage, LearnedGroupConv, type CondenseConvOptions, type LearnedGroupConvOptions } from './condense.js';
export { DenseBlock, isDenselyConnected, type DenselyConnected } from './dense.js';
export { PreActConv } from './preact.js';
export { DropBlock2D, HCGTransition, LinearDropBlock, SGDRDropBlock, SMG, type DropBlockOptions, type GatedCellOptions } from './hcgnet.js';
export { binarizeStraightThrough, DGConv2d, groupedWeight, groupMask, kroneckerChain, maskGroups, PermutedGroupConv, type DGConv2dOptions, type GroupStructure } from './dgconv.js';

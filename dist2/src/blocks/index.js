// leanconv.blocks: reusable building blocks of the papers (training forms and their deploy forms).
export { ACBlock } from './acb.js';
export { isReparameterizable } from './reparam.js';
export { CondensableLinear, CondenseConv, CondenseLinear, condensationStage, LearnedGroupConv } from './condense.js';
export { DenseBlock, isDenselyConnected } from './dense.js';
export { PreActConv } from './preact.js';
export { DropBlock2D, HCGTransition, LinearDropBlock, SGDRDropBlock, SMG } from './hcgnet.js';
export { binarizeStraightThrough, DGConv2d, groupedWeight, groupMask, kroneckerChain, maskGroups, PermutedGroupConv } from './dgconv.js';
//# sourceMappingURL=index.js.map
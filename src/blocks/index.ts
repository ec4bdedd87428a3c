// leanconv.blocks: blocks shared by several models (dense connectivity, pre-activation) and the deploy-form protocol;
// each paper's own blocks are in leanconv.papers.<paper>.
export { isReparameterizable, type Reparameterizable } from './reparam.js';
export { DenseBlock, isDenselyConnected, type DenselyConnected } from './dense.js';
export { PreActConv } from './preact.js';

// leanconv.blocks: reusable building blocks of the papers (training forms and their deploy forms).
export { ACBlock, foldBatchNorm, type ACBlockOptions, type AcbGamma } from './acb.js';
export { isReparameterizable, type Reparameterizable } from './reparam.js';

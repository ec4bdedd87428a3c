// ACNet (Ding et al., ICCV 2019; DingXiaoH/ACNet): the Asymmetric Convolution Block, the `acb` training form of any
// model, its fusion into plain convs, ACNet's HDF5 weights, its recipe and its experiment. Importing this file
// registers them all (docs/acnet.md).
export * from './blocks.js';
export * from './convert.js';
export * from './interop.js';
export * from './experiments.js';
import './recipes.js';

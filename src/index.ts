// leanconv: efficient convolutional networks in TypeScript. Train rich, deploy lean.
export * from './engine/index.js';
export * as nn from './nn/index.js';
export * as models from './models/index.js';
export { createModel, listModels, getModelSpec } from './models/index.js';
export * as experiments from './experiments/index.js';
export * as data from './data/index.js';
export * as analysis from './analysis/index.js';
export * as training from './train/index.js';
export * as blocks from './blocks/index.js';
export * as convert from './convert/index.js';
export * as deploy from './deploy/index.js';
export * as interop from './interop/index.js';
export * as report from './report/index.js';
export * as recipes from './train/recipes.js';
export * as papers from './papers/index.js';

// leanconv: efficient convolutional networks in TypeScript. Train rich, deploy lean.
export * from './engine/index.js';

// HCGNet (Yang et al., AAAI 2020; winycg/HCGNet): SMG modules (squeeze cell, multi-scale and update/forget gates),
// hybrid connectivity, HCGNet-A1..C, its FLOPs convention and its recipes. Importing this file registers them all
// (docs/hcgnet.md).
export * from './blocks.js';
export * from './models.js';
export * from './analysis.js';
import './recipes.js';

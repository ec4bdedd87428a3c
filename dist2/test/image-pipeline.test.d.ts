import { type Dataset } from '../src/data/index.js';
export type { Dataset };

export { formatProfile, profileModel, registerMacCounter, type LayerProfile, type MacCounter, type ModelProfile } from './profile.js';
export { measureThroughput, type Throughput, type ThroughputOptions } from './benchmark.js';
export { formatReferenceCount, referenceCount, registerFlopsConvention, type FlopsConvention, type ReferenceCount } from './conventions.js';
export { attackBatch, robustness, type AttackOptions, type Normalization, type RobustnessResult } from './robustness.js';
export { dissect, unitMask, upperQuantile, type DissectOptions, type DissectResult, type UnitResult } from './dissect.js';

export { formatProfile, profileModel, registerMacCounter } from './profile.js';
export { measureThroughput } from './benchmark.js';
export { formatReferenceCount, referenceCount } from './conventions.js';
export { attackBatch, robustness } from './robustness.js';
export { dissect, unitMask, upperQuantile } from './dissect.js';
//# sourceMappingURL=index.js.map
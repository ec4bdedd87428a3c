// leanconv.experiments: the papers' comparisons (baseline vs the paper's model, one recipe, converted).
export { formatAcnetResult, runAcnetExperiment } from './acnet.js';
export { formatCondenseNetResult, runCondenseNetExperiment } from './condensenet.js';
export { formatDGConvResult, runDGConvExperiment } from './dgconv.js';
export { ExperimentError } from './common.js';
export { getExperiment, listExperiments, registerExperiment } from './registry.js';
//# sourceMappingURL=index.js.map
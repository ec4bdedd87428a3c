export { formatAcnetResult, runAcnetExperiment, type AcnetExperimentOptions, type AcnetExperimentResult } from './acnet.js';
export { formatCondenseNetResult, runCondenseNetExperiment, type CondenseNetExperimentOptions, type CondenseNetExperimentResult } from './condensenet.js';
export { formatDGConvResult, runDGConvExperiment, type DGConvExperimentOptions, type DGConvExperimentResult } from './dgconv.js';
export { ExperimentError, type FormSummary } from './common.js';
export { getExperiment, listExperiments, registerExperiment, type ExperimentContext, type ExperimentOutcome, type ExperimentSpec } from './registry.js';

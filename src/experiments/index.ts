// leanconv.experiments: the registry of the papers' comparisons (each paper registers its own, papers/<paper>/experiments.ts).
export { ExperimentError, type FormSummary } from './common.js';
export { getExperiment, listExperiments, registerExperiment, type ExperimentContext, type ExperimentOutcome, type ExperimentSpec } from './registry.js';

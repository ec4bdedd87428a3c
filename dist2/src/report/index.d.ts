export { confusionSpec, curveSpec, perClassSpec, renderSvg, type EpochPoint } from './charts.js';
export { evaluateForReport, readRun, ReportError, runCheckpoint, writeReport, type Evaluation, type ReportOptions, type ReportResult, type RunLog } from './report.js';

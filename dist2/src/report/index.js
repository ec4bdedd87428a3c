// Training reports (HTML + SVG charts) for run directories.
export { confusionSpec, curveSpec, perClassSpec, renderSvg } from './charts.js';
export { evaluateForReport, readRun, ReportError, runCheckpoint, writeReport } from './report.js';
//# sourceMappingURL=index.js.map
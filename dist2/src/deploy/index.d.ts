export { ExportError, foldBatchNorms, traceGraph, type Graph, type GraphNode, type Initializer } from './graph.js';
export { encodeGraph, exportOnnx, ONNX_OPSET, readOnnxMetadata, type OnnxExport, type OnnxExportOptions } from './onnx.js';
export { OnnxModel, type OnnxBackend, type OnnxModelOptions, type Prediction } from './runtime.js';
export { imagesToInput } from './predict.js';
export { convertCheckpoint, deployTrainingRun, type DeployedRun, CONVERT_TOLERANCE, evaluateOnnx, exportCheckpoint, NothingToConvertError, verifyOnnx, VERIFY_TOLERANCE, type ConvertResult, type ExportResult, type OnnxEvalResult } from './pipeline.js';

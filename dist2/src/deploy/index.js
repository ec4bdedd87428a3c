// leanconv.deploy: ONNX export of deploy-form models and ONNX Runtime inference (Node and wasm).
export { ExportError, foldBatchNorms, traceGraph } from './graph.js';
export { encodeGraph, exportOnnx, ONNX_OPSET, readOnnxMetadata } from './onnx.js';
export { OnnxModel } from './runtime.js';
export { imagesToInput } from './predict.js';
export { convertCheckpoint, deployTrainingRun, CONVERT_TOLERANCE, evaluateOnnx, exportCheckpoint, NothingToConvertError, verifyOnnx, VERIFY_TOLERANCE } from './pipeline.js';
//# sourceMappingURL=index.js.map
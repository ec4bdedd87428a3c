// leanconv.convert: model forms and conversions between them (ACNet training form, CondenseNet
// condensation, deploy form).
export { acnetize, hasTrainedBatchNorms, switchToDeploy } from './acnet.js';
export { reparameterize, trainingFormBlocks } from './reparameterize.js';
export { buildModel, deployedCopy, formName, parseAcbGamma } from './form.js';
export { getModelTransform, registerModelTransform, transformsOf } from './transforms.js';
export { assumeCondensationStage, condensationStageOf, condense, isCondensationBlock } from './condense.js';
export { assumeDgGates, dgGatesOf } from './dgconv.js';
//# sourceMappingURL=index.js.map
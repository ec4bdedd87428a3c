export { acnetize, hasTrainedBatchNorms, switchToDeploy, type AcnetizeOptions } from './acnet.js';
export { reparameterize, trainingFormBlocks } from './reparameterize.js';
export { buildModel, deployedCopy, formName, parseAcbGamma, type FormName, type ModelForm } from './form.js';
export { getModelTransform, registerModelTransform, transformsOf, type ModelTransform } from './transforms.js';
export { assumeCondensationStage, condensationStageOf, condense, isCondensationBlock } from './condense.js';
export { assumeDgGates, dgGatesOf } from './dgconv.js';

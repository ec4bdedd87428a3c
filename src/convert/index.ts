// leanconv.convert: model forms and conversions between them (registered training transforms, the deploy form), and
// the checkpoint format.
export { deployConversions, registerDeployConversion, reparameterize, trainingFormBlocks, trainingFormPapers, type DeployConversion } from './reparameterize.js';
export { buildModel, deployedCopy, formLabel, formName, type FormName, type ModelForm } from './form.js';
export { defaultTransformForms, getModelTransform, modelTransforms, registerModelTransform, transformsOf, type ModelTransform, type TransformFlags } from './transforms.js';

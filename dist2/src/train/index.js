// leanconv.training: the trainer, recipes, schedules, checkpoints and metrics.
export { dataTransforms } from '../data/pipelines.js';
export { train, resolveResume, TrainingError } from './trainer.js';
export { DEFAULT_CONFIG, PRESETS } from './config.js';
export { buildSchedule, sgdrCycle } from './schedule.js';
export { paramGroups } from './param_groups.js';
export { CHECKPOINT_FORMAT, CheckpointError, checkpointInputShape, loadCheckpoint, loadModel, readCheckpointMeta, saveCheckpoint } from '../convert/checkpoint.js';
export { checkpointEvalSplit, EvalSplitError } from './eval-split.js';
export { confusionMatrix, evaluate, predictClasses, topkCorrect } from './metrics.js';
export { Progress, formatDuration } from './progress.js';
export { moduleProgress, recipeCallbacks, regularization } from './callbacks.js';
//# sourceMappingURL=index.js.map
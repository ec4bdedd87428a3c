// leanconv.training: the trainer, recipes, schedules, checkpoints and metrics.
export { dataTransforms } from '../data/pipelines.js';
export { train, resolveResume, TrainingError, type EpochRecord, type TrainHooks, type TrainResult } from './trainer.js';
export { configForm, DEFAULT_CONFIG, PRESETS, registerConfigFields, withDefaults, type ConfigFields, type TrainConfig } from './config.js';
export { buildSchedule, sgdrCycle, type LrSchedule, type ScheduleOptions, type ScheduleSpec } from './schedule.js';
export { paramGroups, type NamedGroup, type ParamGroupRules } from './param_groups.js';
export { CHECKPOINT_FORMAT, CheckpointError, checkpointInputShape, loadCheckpoint, loadModel, readCheckpointMeta, saveCheckpoint, type Checkpoint, type CheckpointMeta } from '../convert/checkpoint.js';
export { checkpointEvalSplit, EvalSplitError, type CheckpointEvalSplit } from './eval-split.js';
export { confusionMatrix, evaluate, predictClasses, topkCorrect, type EvalResult } from './metrics.js';
export { Progress, formatDuration, type ProgressFields } from './progress.js';
export { moduleProgress, recipeCallbacks, regularization, type BatchContext, type TrainCallback } from './callbacks.js';

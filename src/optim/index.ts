/**
 * Optimizers, gradient clipping and learning-rate schedules, each with a state dict for
 * resuming exactly.
 *
 * @packageDocumentation
 */
export {
  Optimizer, type BaseHyper, type ParamGroup, type ParamGroupSpec, type ParamState, type OptimizerStateDict,
} from './optimizer.js';
export { SGD, type SGDConfig } from './sgd.js';
export { Adam, AdamW, type AdamConfig } from './adam.js';
export { clipGradNorm, clipGradValue, type ClipGradNormOptions } from './clip.js';
export {
  LrSchedule, StepLR, ExponentialLR, WarmupInverseSqrt, WarmupCosine, type ScheduleStateDict,
  stepFactor, exponentialFactor, warmupInverseSqrtFactor, warmupCosineFactor,
} from './schedule.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauConfig, type PlateauStateDict } from './plateau.js';
export {
  OPTIMIZERS, OPTIMIZER_NAMES, type OptimizerName, type OptimizerRule, type OptimizerHyper, type OptimizerOption,
} from './optimizers.js';
export {
  SCHEDULES, SCHEDULE_NAMES, resolveWarmup,
  type ScheduleName, type ScheduleRule, type ScheduleOptions, type ScheduleOption, type ScheduleContext, type Scheduler,
  type SchedulerStateDict, type Cadence,
} from './schedules.js';

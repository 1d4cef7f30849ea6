import {
  OPTIMIZER_NAMES, type OptimizerHyper, type OptimizerName, SCHEDULE_NAMES, type ScheduleName, type ScheduleOptions,
} from '../optim/index.js';
import { type ConfigSpec, resolveConfig } from '../util/config.js';

/**
 * How to train: optimisation, schedule, evaluation, stopping and checkpointing. The optimizer
 * and the schedule are rows of `optim.OPTIMIZERS` and `optim.SCHEDULES`; this config holds every
 * hyper-parameter any of them reads (each row says which it uses).
 */
export interface TrainConfig extends OptimizerHyper, ScheduleOptions {
  /** Passes over the training data. */
  epochs: number;
  /** Stop after this many steps in total (0: no limit). */
  maxSteps: number;
  /** Use only the first N batches of every epoch (0: all), for quick runs. */
  stepsPerEpoch: number;
  optimizer: OptimizerName;
  /** Clip the gradients' joint 2-norm to this (0: off). */
  clip: number;
  schedule: ScheduleName;
  /** Evaluate on the validation split every N steps (0: after every epoch). */
  evalEvery: number;
  /** Stop after this many evaluations without improving the primary metric (0: never). */
  earlyStopping: number;
  /** Stop as soon as the primary metric reaches this value (null: never). */
  target: number | null;
  /** Save a resumable checkpoint every N steps (0: only at evaluations and at the end). */
  saveEvery: number;
  /**
   * Also keep the weights of the last N saved checkpoints as `step-<step>.safetensors` (0:
   * none), for `glimpse average --last N`; at most {@link MAX_KEPT_CHECKPOINTS}.
   */
  keepCheckpoints: number;
  /** Write a step record to the metrics log every N steps. */
  logEvery: number;
  /** Seed of every random choice: initialisation, batch order, dropout. */
  seed: number;
}

/** Most epochs or steps a run may ask for (a bound on what a typo can start). */
export const MAX_STEPS = 100_000_000;
/** Most step checkpoints a run keeps (each is a copy of the weights on disk). */
export const MAX_KEPT_CHECKPOINTS = 100;

export const TRAIN_SPEC: ConfigSpec<TrainConfig> = {
  epochs: { type: 'int', min: 1, max: 1_000_000, default: 10 },
  maxSteps: { type: 'int', min: 0, max: MAX_STEPS, default: 0 },
  stepsPerEpoch: { type: 'int', min: 0, max: MAX_STEPS, default: 0 },
  optimizer: { type: 'enum', values: OPTIMIZER_NAMES, default: 'adam' },
  lr: { type: 'number', min: 0, default: 1e-3 },
  weightDecay: { type: 'number', min: 0, default: 0 },
  momentum: { type: 'number', min: 0, max: 1, default: 0 },
  dampening: { type: 'number', min: 0, max: 1, default: 0 },
  nesterov: { type: 'boolean', default: false },
  betas: { type: 'pair', min: 0, max: 1, maxExclusive: true, default: [0.9, 0.999] },
  eps: { type: 'number', min: 0, default: 1e-8 },
  clip: { type: 'number', min: 0, default: 0 },
  schedule: { type: 'enum', values: SCHEDULE_NAMES, default: 'none' },
  plateauFactor: { type: 'number', min: 0, max: 1, maxExclusive: true, default: 0.5 },
  plateauPatience: { type: 'int', min: 0, max: 1_000_000, default: 0 },
  gamma: { type: 'number', min: 0, max: 1, default: 0.5 },
  stepSize: { type: 'int', min: 1, max: 1_000_000, default: 1 },
  warmupSteps: { type: 'int', min: 0, max: MAX_STEPS, default: 0 },
  minLrFactor: { type: 'number', min: 0, max: 1, default: 0 },
  evalEvery: { type: 'int', min: 0, max: MAX_STEPS, default: 0 },
  earlyStopping: { type: 'int', min: 0, max: 1_000_000, default: 0 },
  target: { type: 'numberOrNull', default: null },
  saveEvery: { type: 'int', min: 0, max: MAX_STEPS, default: 200 },
  keepCheckpoints: { type: 'int', min: 0, max: MAX_KEPT_CHECKPOINTS, default: 0 },
  logEvery: { type: 'int', min: 1, max: MAX_STEPS, default: 50 },
  seed: { type: 'int', min: 0, max: 2 ** 32 - 1, default: 1 },
};

/** Checks a training config and fills its defaults (unknown keys and wrong types are errors). */
export function resolveTrainConfig(given: Partial<TrainConfig> = {}): Readonly<TrainConfig> {
  return resolveConfig<TrainConfig>('train', given, TRAIN_SPEC);
}

import { type ConfigSpec, resolveConfig } from '../util/config.js';

/** How to train: optimisation, schedule, evaluation, stopping and checkpointing. */
export interface TrainConfig {
  /** Passes over the training data. */
  epochs: number;
  /** Stop after this many steps in total (0: no limit). */
  maxSteps: number;
  /** Use only the first N batches of every epoch (0: all), for quick runs. */
  stepsPerEpoch: number;
  optimizer: 'adam' | 'adamw' | 'sgd';
  lr: number;
  weightDecay: number;
  /** SGD momentum. */
  momentum: number;
  /** Clip the gradients' joint 2-norm to this (0: off). */
  clip: number;
  /**
   * Learning-rate schedule: `plateau` multiplies the rate by plateauFactor after an evaluation
   * that did not improve the primary metric (plateauPatience times); `step` multiplies it by
   * gamma every stepSize epochs; `exponential` by gamma every epoch; `warmup-cosine` and
   * `warmup-invsqrt` warm up linearly over warmupSteps steps, then decay.
   */
  schedule: 'none' | 'plateau' | 'step' | 'exponential' | 'warmup-cosine' | 'warmup-invsqrt';
  plateauFactor: number;
  plateauPatience: number;
  gamma: number;
  stepSize: number;
  warmupSteps: number;
  /** Evaluate on the validation split every N steps (0: after every epoch). */
  evalEvery: number;
  /** Stop after this many evaluations without improving the primary metric (0: never). */
  earlyStopping: number;
  /** Stop as soon as the primary metric reaches this value (null: never). */
  target: number | null;
  /** Save a resumable checkpoint every N steps (0: only at evaluations). */
  saveEvery: number;
  /** Write a step record to the metrics log every N steps. */
  logEvery: number;
  /** Seed of every random choice: initialisation, batch order, dropout. */
  seed: number;
}

export const TRAIN_SPEC: ConfigSpec = {
  epochs: { type: 'int', min: 1, default: 10 },
  maxSteps: { type: 'int', min: 0, default: 0 },
  stepsPerEpoch: { type: 'int', min: 0, default: 0 },
  optimizer: { type: 'enum', values: ['adam', 'adamw', 'sgd'], default: 'adam' },
  lr: { type: 'number', min: 0, default: 1e-3 },
  weightDecay: { type: 'number', min: 0, default: 0 },
  momentum: { type: 'number', min: 0, max: 1, default: 0 },
  clip: { type: 'number', min: 0, default: 0 },
  schedule: { type: 'enum', values: ['none', 'plateau', 'step', 'exponential', 'warmup-cosine', 'warmup-invsqrt'], default: 'none' },
  plateauFactor: { type: 'number', min: 0, max: 1, maxExclusive: true, default: 0.5 },
  plateauPatience: { type: 'int', min: 0, default: 0 },
  gamma: { type: 'number', min: 0, max: 1, default: 0.5 },
  stepSize: { type: 'int', min: 1, default: 1 },
  warmupSteps: { type: 'int', min: 0, default: 0 },
  evalEvery: { type: 'int', min: 0, default: 0 },
  earlyStopping: { type: 'int', min: 0, default: 0 },
  target: { type: 'numberOrNull', default: null },
  saveEvery: { type: 'int', min: 0, default: 200 },
  logEvery: { type: 'int', min: 1, default: 50 },
  seed: { type: 'int', min: 0, default: 1 },
};

/** Checks a training config and fills its defaults (unknown keys and wrong types are errors). */
export function resolveTrainConfig(given: Partial<TrainConfig> = {}): Readonly<TrainConfig> {
  return resolveConfig<TrainConfig>('train', given, TRAIN_SPEC);
}

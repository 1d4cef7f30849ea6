import type { Tensor } from '../core/tensor.js';
import type { Module } from '../nn/index.js';
import type { Rng } from '../util/rng.js';

/** Named evaluation results, e.g. `{ loss: 4.1, ppl: 60.3 }` or `{ exact: 0.99, token_acc: 0.998 }`. */
export type Metrics = Record<string, number>;

/** One epoch of batches: how many, and how to make batch i (lazily). */
export interface EpochPlan<B> {
  count: number;
  batch(i: number): B;
}

/**
 * What the trainer needs from a task (a model and its data). The trainer owns the loop:
 * optimizer, clipping, schedules, evaluation, checkpoints and resuming; a task says how to cut
 * an epoch into batches, how to compute a batch's loss and how to evaluate.
 */
export interface TrainingTask<B = unknown> {
  readonly model: Module;
  /** The metric that selects the best checkpoint and drives plateau schedules and early stopping. */
  readonly primary: { name: string; mode: 'min' | 'max' };
  /** The batches of one epoch; must be deterministic given `rng` (resuming replays it). */
  planEpoch(rng: Rng): EpochPlan<B>;
  /** Called before an epoch's first batch (a language model zeroes its carried state). */
  startEpoch?(): void;
  /**
   * Forward pass of one training batch (train mode): the mean loss and the tokens it averages.
   * `step`: the optimizer steps taken before this batch (what a scheduled-sampling decay reads).
   */
  trainLoss(batch: B, step: number): { loss: Tensor; tokens: number };
  /** Metrics on a split; the trainer calls it in eval mode. */
  evaluate(split: 'valid' | 'test'): Metrics;
  /** State carried from batch to batch (a language model's hidden state), for exact resuming. */
  carriedState?(): Record<string, Tensor>;
  restoreCarried?(state: Record<string, Tensor>): void;
}

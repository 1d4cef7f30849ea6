/**
 * What a checkpoint must *mean* before a run resumes from it. Its format is checked elsewhere
 * (checkpoint-meta.ts: every field's type; weights-check.ts: every tensor's name and shape);
 * here the values must agree with each other and with the run, because a resumed run is only
 * exact when its data position, generators and optimizer state are the ones it stopped with.
 * Browser-safe.
 */
import { GlimpseError } from '../util/errors.js';
import type { RngState } from '../util/rng.js';
import type { TrainerState } from './trainer.js';

/** What the run's config says about where a checkpoint can be. */
export interface ResumeBounds {
  epochs: number;
  /** 0: no limit. */
  maxSteps: number;
  /** Batches of the epoch the checkpoint is in, planned from its `epochRng`. */
  batches: () => number;
}

const allZero = (r: RngState): boolean => r.s.every((x) => x === 0);

/**
 * Throws a GlimpseError naming the first field that makes `state` (with the optimizer's step
 * counts by parameter) impossible to resume exactly: a generator whose state is all zeros (a
 * xoshiro generator there only ever returns 0), an epoch past the run's epochs, a position
 * past the end of its epoch, a step count that disagrees with the position or with the
 * optimizer's, a best or history entry from the future.
 *
 * @example checkResumable(snapshot.state, snapshot.optimizer.steps, { epochs: 10, maxSteps: 0, batches: () => 20 });
 */
export function checkResumable(state: TrainerState, optimizerSteps: Readonly<Record<string, number>>, bounds: ResumeBounds): void {
  const fail = (what: string): never => {
    throw new GlimpseError(`the checkpoint cannot resume exactly: ${what}`);
  };
  for (const key of ['epochRng', 'dropoutRng'] as const) {
    if (allZero(state[key])) fail(`trainer.${key} is all zeros (a generator in that state only returns 0); expected the state saved by glimpse train`);
  }
  const s = state;
  if (!s.finished && s.epoch > bounds.epochs) fail(`trainer.epoch is ${s.epoch} but the run has ${bounds.epochs} epochs`);
  if (bounds.maxSteps > 0 && s.step > bounds.maxSteps) fail(`trainer.step is ${s.step} but the run stops at --max-steps ${bounds.maxSteps}`);
  if (s.step < s.stepInEpoch + (s.epoch - 1)) {
    fail(`trainer.step is ${s.step} but it is at batch ${s.stepInEpoch} of epoch ${s.epoch}, which needs at least ${s.stepInEpoch + s.epoch - 1} steps`);
  }
  if (!s.finished) {
    const batches = bounds.batches();
    if (s.stepInEpoch > batches) fail(`trainer.stepInEpoch is ${s.stepInEpoch} but epoch ${s.epoch} has ${batches} batches`);
  }
  const counts = Object.values(optimizerSteps);
  const most = counts.length ? Math.max(...counts) : 0;
  if (most !== s.step) {
    fail(counts.length === 0 && s.step > 0
      ? `the trainer is at step ${s.step} but the optimizer's state is empty (its step counts and moments are missing)`
      : `the trainer is at step ${s.step} but the optimizer has taken ${most} steps`);
  }
  if (s.best && s.best.step > s.step) fail(`trainer.best.step is ${s.best.step}, after the checkpoint's step ${s.step}`);
  const late = s.history.find((h) => h.step > s.step);
  if (late) fail(`trainer.history has an evaluation at step ${late.step}, after the checkpoint's step ${s.step}`);
}

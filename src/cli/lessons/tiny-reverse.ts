/**
 * A small reversal model trained in-process for a lesson (no run folder, nothing written): the
 * seed's toy task, so a lesson's numbers come from a model that has learned something rather
 * than from random weights.
 */
import { type Tensor, models, tensor, train } from '../../index.js';

export interface TinyReverse {
  exp: train.Seq2SeqExperiment;
  model: models.Seq2Seq;
  /** Validation exact match after training. */
  exact: number;
  steps: number;
  seconds: number;
}

/** Trains a reverse model with the given model settings for `steps` steps (constant lr, no dropout). */
export async function trainTinyReverse(opts: {
  model: Record<string, unknown>; data: Record<string, unknown>; steps: number; seed: number; lr: number;
}): Promise<TinyReverse> {
  const config = train.resolveRunConfig({
    task: 'reverse',
    data: opts.data,
    model: { dropout: 0, ...opts.model },
    train: { maxSteps: opts.steps, evalEvery: opts.steps, epochs: 1000, seed: opts.seed, lr: opts.lr, schedule: 'none', target: null, clip: 1 },
  });
  const exp = train.buildSyntheticExperiment(config);
  if (!(exp.model instanceof models.Seq2Seq)) throw new Error('trainTinyReverse: expected the recurrent Seq2Seq');
  const state = await new train.Trainer(exp.task, train.resolveTrainConfig(config.train)).run();
  exp.model.eval();
  const last = state.history.at(-1);
  return { exp, model: exp.model, exact: last?.metrics.exact ?? NaN, steps: state.step, seconds: state.trainSeconds };
}

/** One source word as a batch of one: src int32 [1, S]. */
export function sourceBatch(ids: readonly number[]): { src: Tensor; srcLengths: number[] } {
  return { src: tensor(Int32Array.from(ids), { shape: [1, ids.length] }), srcLengths: [ids.length] };
}

/**
 * Reversal models trained in-process for a lesson (no run folder, nothing written): the seed's
 * toy task, so a lesson's numbers come from a model that has learned something rather than from
 * random weights.
 */
import { type Tensor, models, tensor, train } from '../../index.js';

export interface ReverseSettings {
  model: Record<string, unknown>;
  data: Record<string, unknown>;
  steps: number;
  seed: number;
  lr: number;
}

export interface TrainedReverse {
  exp: train.Seq2SeqExperiment;
  model: models.Seq2Seq;
  /** Validation exact match after training. */
  exact: number;
  steps: number;
  seconds: number;
}

/** The run config of a reverse model: constant lr, no dropout, gradients clipped at 1, one evaluation at the end. */
export function reverseConfig(o: ReverseSettings): train.RunConfig {
  return train.resolveRunConfig({
    task: 'reverse',
    data: o.data,
    model: { dropout: 0, ...o.model },
    train: { maxSteps: o.steps, evalEvery: o.steps, epochs: 1000, seed: o.seed, lr: o.lr, schedule: 'none', target: null, clip: 1 },
  });
}

/** Trains the reverse model of `config` for its steps. */
export async function trainReverse(config: train.RunConfig): Promise<TrainedReverse> {
  const exp = train.buildSyntheticExperiment(config);
  if (!(exp.model instanceof models.Seq2Seq)) throw new Error('trainReverse: expected the recurrent Seq2Seq');
  const state = await new train.Trainer(exp.task, train.resolveTrainConfig(config.train)).run();
  exp.model.eval();
  const last = state.history.at(-1);
  return { exp, model: exp.model, exact: last?.metrics.exact ?? NaN, steps: state.step, seconds: state.trainSeconds };
}

/** Trains a reverse model with the given settings. */
export function trainTinyReverse(o: ReverseSettings): Promise<TrainedReverse> {
  return trainReverse(reverseConfig(o));
}

/** One source word as a batch of one: src int32 [1, S]. */
export function sourceBatch(ids: readonly number[]): { src: Tensor; srcLengths: number[] } {
  return { src: tensor(Int32Array.from(ids), { shape: [1, ids.length] }), srcLengths: [ids.length] };
}

/**
 * Reversal models trained in-process for a lesson (no run folder, nothing written): the seed's
 * toy task, so a lesson's numbers come from a model that has learned something rather than from
 * random weights. The lessons page (web/lessons.html) trains the same models with the same
 * settings ({@link CONTEXT_VECTOR_LESSON}), so its numbers are the CLI's.
 */
import { tensor } from '../core/create.js';
import type { Tensor } from '../core/tensor.js';
import * as models from '../models/index.js';
import { resolveTrainConfig } from './config.js';
import { type Seq2SeqExperiment, buildSyntheticExperiment } from './model.js';
import { type RunConfig, resolveRunConfig } from './run-config.js';
import { Trainer } from './trainer.js';

export interface ReverseSettings {
  model: Record<string, unknown>;
  data: Record<string, unknown>;
  steps: number;
  seed: number;
  lr: number;
}

export interface TrainedReverse {
  exp: Seq2SeqExperiment;
  model: models.Seq2Seq;
  /** Validation exact match after training. */
  exact: number;
  steps: number;
  seconds: number;
}

/** The run config of a reverse model: constant lr, no dropout, gradients clipped at 1, one evaluation at the end. */
export function reverseConfig(o: ReverseSettings): RunConfig {
  return resolveRunConfig({
    task: 'reverse',
    data: o.data,
    model: { dropout: 0, ...o.model },
    train: { maxSteps: o.steps, evalEvery: o.steps, epochs: 1000, seed: o.seed, lr: o.lr, schedule: 'none', target: null, clip: 1 },
  });
}

/** Trains the reverse model of `config` for its steps. */
export async function trainReverse(config: RunConfig): Promise<TrainedReverse> {
  const exp = buildSyntheticExperiment(config);
  if (!(exp.model instanceof models.Seq2Seq)) throw new Error('trainReverse: expected the recurrent Seq2Seq');
  const state = await new Trainer(exp.task, resolveTrainConfig(config.train)).run();
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

/**
 * `glimpse lesson context-vector`'s model (steps and seed aside): a reversal model with Luong dot
 * attention, bi-GRU encoder 2 × 6, GRU decoder 12, lengths 3–7; and the word and output step it
 * takes apart.
 */
export const CONTEXT_VECTOR_LESSON = {
  model: { attention: 'luong-dot', cell: 'gru', embeddingSize: 16, encoderHidden: 6, decoderHidden: 12, inputFeeding: false },
  data: { trainSize: 2000, validSize: 100, testSize: 100, minLen: 3, maxLen: 7, batchSize: 32 },
  lr: 1e-2,
  word: 'glimpse',
  /** The output step (0-based) the lesson computes by hand. */
  step: 2,
} as const;

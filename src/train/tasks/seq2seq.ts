import { tensor } from '../../core/create.js';
import type { Tensor } from '../../core/tensor.js';
import { type Seq2SeqBatch, type Seq2SeqExample, makeSeq2SeqBatch, planBatches } from '../../data/index.js';
import { greedy } from '../../decode/index.js';
import { sequenceAccuracy } from '../../metrics/index.js';
import type { Seq2SeqLike, SourceBatch } from '../../models/index.js';
import { GlimpseError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { SAMPLING_DECAYS, type SamplingDecay } from '../scheduled-sampling.js';
import type { EpochPlan, Metrics, TrainingTask } from '../types.js';

export interface Seq2SeqTaskOptions {
  batchSize: number;
  /** Group similar lengths into batches (faster; off in the protocol's like-for-like mode). */
  bucket?: boolean;
  /** Probability of feeding the reference token (1: always, teacher forcing); the `none` decay's constant. */
  teacherForcing?: number;
  /** Scheduled sampling: the decay of that probability with the step, and its k, c, ε (default: none). */
  scheduledSampling?: { decay: SamplingDecay; k?: number | null; c?: number; min?: number };
  /** Probability of hiding a decoder input word in training. */
  wordDropout?: number;
  labelSmoothing?: number;
  /** Special ids of the target side. */
  pad: number;
  bos: number;
  eos: number;
  /** Also decode the split greedily and report exact-match and token accuracy (synthetic tasks). */
  accuracy?: boolean;
  /** The metric that picks the best checkpoint (default: the validation loss). */
  primary?: { name: string; mode: 'min' | 'max' };
  /** Batch size when decoding for accuracy. */
  evalBatchSize?: number;
  /**
   * Also report the free-running loss and perplexity (`loss_free`, `ppl_free`): the decoder fed
   * its own greedy predictions instead of the reference, so the exposure-bias gap shows beside
   * the teacher-forced figures on the curves.
   */
  freeRunning?: boolean;
}

/** Tensors of one padded batch, batch-first. */
export interface Seq2SeqTensors extends SourceBatch {
  tgtIn: Tensor;
  tgtOut: Tensor;
  tokens: number;
}

export function batchTensors(b: Seq2SeqBatch): Seq2SeqTensors {
  const B = b.src.batchSize;
  return {
    src: tensor(b.src.data, { shape: [B, b.src.maxLen] }),
    srcLengths: Array.from(b.src.lengths),
    tgtIn: tensor(b.tgtIn.data, { shape: [B, b.tgtIn.maxLen] }),
    tgtOut: tensor(b.tgtOut.data, { shape: [B, b.tgtOut.maxLen] }),
    tokens: b.numTargetTokens,
  };
}

/**
 * Sequence-to-sequence training with teacher forcing over shuffled (optionally length-bucketed)
 * batches of example pairs. Evaluation reports the teacher-forced loss and perplexity, and with
 * `accuracy` greedy-decoding exact match and token accuracy.
 */
export class Seq2SeqTask implements TrainingTask<Seq2SeqTensors> {
  readonly primary: { name: string; mode: 'min' | 'max' };

  constructor(
    readonly model: Seq2SeqLike,
    readonly data: { train: readonly Seq2SeqExample[]; valid: readonly Seq2SeqExample[]; test: readonly Seq2SeqExample[] },
    readonly options: Seq2SeqTaskOptions,
  ) {
    this.primary = options.primary ?? (options.accuracy ? { name: 'exact', mode: 'max' } : { name: 'loss', mode: 'min' });
    const max = model.maxLength;
    if (max) {
      for (const split of ['train', 'valid', 'test'] as const) {
        // The decoder reads <bos> and the target but its <eos>: as many positions as the target has.
        const longest = data[split].reduce((m, e) => Math.max(m, e.src.length, e.tgt.length), 0);
        if (longest > max.length) {
          throw new GlimpseError(`the ${split} split has a sequence of ${longest} positions, more than the model reads (model.${max.key} ${max.length}); use --positions ${longest} or shorter sequences`);
        }
      }
    }
  }

  private batch(examples: readonly Seq2SeqExample[], indices: readonly number[]): Seq2SeqTensors {
    return batchTensors(makeSeq2SeqBatch(examples, indices, this.options, { batchFirst: true }));
  }

  planEpoch(rng: Rng): EpochPlan<Seq2SeqTensors> {
    const train = this.data.train;
    const plan = planBatches(train.length, {
      batchSize: this.options.batchSize, rng, bucket: this.options.bucket ?? false,
      lengthOf: (i) => train[i]!.src.length * 1024 + train[i]!.tgt.length,
    });
    return { count: plan.length, batch: (i) => this.batch(train, plan[i]!) };
  }

  /** ε_i: the probability of feeding the reference token at training step i. */
  teacherForcingAt(step: number): number {
    const o = this.options;
    const ss = o.scheduledSampling ?? { decay: 'none' };
    return SAMPLING_DECAYS[ss.decay].ratio(step, { k: ss.k ?? null, c: ss.c ?? 1e-3, min: ss.min ?? 0, teacherForcing: o.teacherForcing ?? 1 });
  }

  trainLoss(b: Seq2SeqTensors, step = 0): { loss: Tensor; tokens: number } {
    return this.model.loss(b, b.tgtIn, b.tgtOut, {
      teacherForcing: this.teacherForcingAt(step), wordDropout: this.options.wordDropout ?? 0, labelSmoothing: this.options.labelSmoothing ?? 0,
    });
  }

  evaluate(split: 'valid' | 'test'): Metrics {
    const examples = this.data[split];
    const size = this.options.evalBatchSize ?? 250;
    let total = 0;
    let totalFree = 0;
    let tokens = 0;
    const predictions: number[][] = [];
    // Its own generator, so that evaluating never moves the training's random stream.
    const rng = new Rng(0);
    for (let k = 0; k < examples.length; k += size) {
      const indices = Array.from({ length: Math.min(size, examples.length - k) }, (_, i) => k + i);
      const b = this.batch(examples, indices);
      const { loss, tokens: n } = this.model.loss(b, b.tgtIn, b.tgtOut);
      total += loss.item() * n;
      tokens += n;
      if (this.options.freeRunning) totalFree += this.model.loss(b, b.tgtIn, b.tgtOut, { teacherForcing: 0, rng }).loss.item() * n;
      if (this.options.accuracy) {
        const maxTokens = Math.min(Math.max(...indices.map((i) => examples[i]!.tgt.length)) + 1, this.model.maxLength?.length ?? Infinity);
        const hyps = greedy(this.model.asStepModel(), this.model.startState(b), indices.length, { start: this.options.bos, end: this.options.eos, maxTokens });
        for (const h of hyps) predictions.push(h.tokens);
      }
    }
    const loss = total / tokens;
    const metrics: Metrics = { loss, ppl: Math.exp(loss) };
    if (this.options.freeRunning) {
      metrics.loss_free = totalFree / tokens;
      metrics.ppl_free = Math.exp(metrics.loss_free);
    }
    if (this.options.accuracy) {
      // References without their <eos>: a prediction is exact when it ended at the right place.
      const refs = examples.map((e) => Array.from(e.tgt.subarray(0, e.tgt.length - 1)));
      const acc = sequenceAccuracy(predictions, refs);
      metrics.exact = acc.exact;
      metrics.token_acc = acc.tokenAccuracy;
    }
    return metrics;
  }
}

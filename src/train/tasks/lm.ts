import { tensor } from '../../core/create.js';
import type { Tensor } from '../../core/tensor.js';
import { type BatchedStream, type LmWindow, lmWindow, numLmWindows } from '../../data/index.js';
import type { LanguageModelLike } from '../../models/index.js';
import type { RecurrentState } from '../../nn/index.js';
import { crossEntropy, reshape } from '../../ops/index.js';
import { GlimpseError } from '../../util/errors.js';
import type { EpochPlan, Metrics, TrainingTask } from '../types.js';

/** Batched token streams of a language-modelling corpus (PROTOCOL W1 batching). */
export interface LmTaskData {
  train: BatchedStream;
  valid: BatchedStream;
  test: BatchedStream;
  /** BPTT window length T. */
  bptt: number;
}

function windowTensors(w: LmWindow): { x: Tensor; y: Tensor } {
  const shape = [w.length, w.batchSize];
  return { x: tensor(w.input, { shape }), y: tensor(w.target, { shape }) };
}

/**
 * Language modelling as PyTorch's word_language_model: the train stream is cut into B
 * contiguous streams read in windows of T tokens, in order; the hidden state is carried from
 * window to window (detached, so gradients stop at the window) and reset every epoch.
 * The primary metric is validation perplexity.
 */
export class LanguageModelTask implements TrainingTask<LmWindow> {
  readonly primary = { name: 'ppl', mode: 'min' } as const;
  private hidden: RecurrentState | null = null;

  constructor(readonly model: LanguageModelLike, readonly data: LmTaskData & { labelSmoothing?: number }) {
    const max = model.maxWindow;
    if (max && data.bptt > max.length) {
      throw new GlimpseError(`data.bptt ${data.bptt} is longer than the model reads at once (model.${max.key} ${max.length}); use a shorter --bptt or --positions ${data.bptt}`);
    }
  }

  planEpoch(): EpochPlan<LmWindow> {
    const { train, bptt } = this.data;
    return { count: numLmWindows(train, bptt), batch: (i) => lmWindow(train, i, bptt) };
  }

  startEpoch(): void {
    this.hidden = null;
  }

  trainLoss(w: LmWindow): { loss: Tensor; tokens: number } {
    const { x, y } = windowTensors(w);
    const { logits, state } = this.model.forward(x, this.hidden);
    this.hidden = state ? { h: state.h.detach(), c: state.c ? state.c.detach() : null } : null;
    const V = logits.shape[2]!;
    return { loss: crossEntropy(reshape(logits, [-1, V]), reshape(y, [-1]), { labelSmoothing: this.data.labelSmoothing ?? 0 }), tokens: y.size };
  }

  /** Perplexity = exp(total cross-entropy / predicted tokens) over a whole split, state carried. */
  evaluate(split: 'valid' | 'test'): Metrics {
    const stream = this.data[split];
    let state: RecurrentState | null = null;
    let total = 0;
    let count = 0;
    for (let i = 0; i < numLmWindows(stream, this.data.bptt); i++) {
      const { x, y } = windowTensors(lmWindow(stream, i, this.data.bptt));
      const out = this.model.forward(x, state);
      state = out.state;
      const V = out.logits.shape[2]!;
      total += crossEntropy(reshape(out.logits, [-1, V]), reshape(y, [-1]), { reduction: 'sum' }).item();
      count += y.size;
    }
    const loss = total / count;
    return { loss, ppl: Math.exp(loss) };
  }

  carriedState(): Record<string, Tensor> {
    if (!this.hidden) return {};
    return this.hidden.c ? { h: this.hidden.h, c: this.hidden.c } : { h: this.hidden.h };
  }

  restoreCarried(state: Record<string, Tensor>): void {
    this.hidden = state.h ? { h: state.h, c: state.c ?? null } : null;
  }
}

import { tensor } from '../core/create.js';
import { noGrad } from '../core/grad.js';
import type { Tensor } from '../core/tensor.js';
import { type InitOptions, Dropout, Embedding, type GRU, type LSTM, Linear, Module, type RecurrentState, type SteppedRNN } from '../nn/index.js';
import { uniform } from '../nn/init.js';
import {
  concat, indexSelect, logSoftmax, reshape, scaledDotProductAttention, slice, tanh, transpose,
} from '../ops/index.js';
import { type ConfigSpec, resolveConfig } from '../util/config.js';
import { GlimpseError } from '../util/errors.js';
import { RECURRENT_KINDS, RECURRENT_KIND_NAMES, type RecurrentKindName } from './recurrent-kinds.js';
import { MAX_LAYERS, MAX_LAYER_SIZE, MAX_VOCAB } from './limits.js';
import type { StepModel } from './step.js';

/**
 * Word- or character-level language model: embedding → stacked LSTM/GRU → (optional causal
 * attention over the window's past states, combined as tanh(W[h_t; c_t])) → linear to the
 * vocabulary. The `lstm-attn` model of PROTOCOL W1 is `{ cell: 'lstm', attention: true }`.
 */
export interface LanguageModelConfig {
  vocabSize: number;
  cell?: RecurrentKindName;
  /** Causal dot-product attention of h_t over h_1..h_t of the current window (scores h_t·h_s/√H). */
  attention?: boolean;
  embeddingSize?: number;
  hiddenSize?: number;
  numLayers?: number;
  /** Dropout between recurrent layers and before the output layer (after tanh(W[h; c]) with attention). */
  dropout?: number;
  /** Dropout on the embeddings. */
  embeddingDropout?: number;
  /** Share the output layer's weight with the embedding (needs embeddingSize = hiddenSize). */
  tieWeights?: boolean;
  /** How many past states attention sees when generating (training sees its BPTT window). */
  attentionWindow?: number;
  /**
   * Run the recurrence as the from-scratch cell stepped in a loop (`nn.SteppedRNN`, the lesson's
   * gate formulas) instead of the fused kernel: same parameters, same results, slower.
   */
  stepped?: boolean;
}

export const LANGUAGE_MODEL_SPEC: ConfigSpec<LanguageModelConfig> = {
  vocabSize: { type: 'int', min: 1, max: MAX_VOCAB },
  cell: { type: 'enum', values: RECURRENT_KIND_NAMES, default: 'lstm' },
  attention: { type: 'boolean', default: false },
  embeddingSize: { type: 'int', min: 1, max: MAX_LAYER_SIZE, default: 256 },
  hiddenSize: { type: 'int', min: 1, max: MAX_LAYER_SIZE, default: 256 },
  numLayers: { type: 'int', min: 1, max: MAX_LAYERS, default: 2 },
  dropout: { type: 'number', min: 0, max: 1, maxExclusive: true, default: 0.2 },
  embeddingDropout: { type: 'number', min: 0, max: 1, maxExclusive: true, default: 0 },
  tieWeights: { type: 'boolean', default: false },
  attentionWindow: { type: 'int', min: 1, max: 1_000_000, default: 35 },
  stepped: { type: 'boolean', default: false },
};

/** What a forward pass over a window returns. */
export interface LanguageModelOutput {
  /** [T, B, V] next-token logits. */
  logits: Tensor;
  /** State after the window, to carry (detached) into the next one. */
  state: RecurrentState;
  /** [B, T, T] causal attention weights (null without attention). */
  attention: Tensor | null;
}

/** Decoding state: the recurrent state and, with attention, the window of past top-layer outputs. */
export interface LanguageModelStepState {
  rnn: RecurrentState | null;
  /** [n, L, H] past top-layer outputs (most recent last), or null. */
  past: Tensor | null;
}

/**
 * @example
 * const lm = new LanguageModel({ vocabSize: 6516, attention: true });
 * const { logits, state } = lm.forward(ids); // ids int32 [T, B] → logits [T, B, V]
 */
export class LanguageModel extends Module {
  readonly config: Readonly<Required<LanguageModelConfig>>;
  readonly encoder: Embedding;
  readonly rnn: LSTM | GRU | SteppedRNN;
  readonly combine: Linear | null;
  readonly decoder: Linear;
  private readonly drop: Dropout;
  private readonly embDrop: Dropout;

  constructor(config: LanguageModelConfig, init: InitOptions = {}) {
    super();
    const c = resolveConfig<LanguageModelConfig>('LanguageModel', config, LANGUAGE_MODEL_SPEC);
    if (c.tieWeights && c.embeddingSize !== c.hiddenSize) {
      throw new GlimpseError(`LanguageModel: tieWeights needs embeddingSize = hiddenSize, got ${c.embeddingSize} and ${c.hiddenSize}`);
    }
    this.config = c;
    const H = c.hiddenSize;
    // Names as the PyTorch reference (pytorch/examples word_language_model), so state dicts move both ways.
    this.encoder = this.registerModule('encoder', new Embedding({ numEmbeddings: c.vocabSize, embeddingDim: c.embeddingSize }, init));
    const kind = RECURRENT_KINDS[c.cell];
    const stack = { inputSize: c.embeddingSize, hiddenSize: H, numLayers: c.numLayers, dropout: c.numLayers > 1 ? c.dropout : 0 };
    this.rnn = this.registerModule('rnn', c.stepped ? kind.stepped(stack, init) : kind.layer(stack, init));
    this.combine = c.attention ? this.registerModule('combine', new Linear({ inFeatures: 2 * H, outFeatures: H }, init)) : null;
    this.decoder = this.registerModule('decoder', new Linear({ inFeatures: H, outFeatures: c.vocabSize }, init));
    this.drop = this.registerModule('drop', new Dropout({ p: c.dropout }, init));
    this.embDrop = this.registerModule('emb_drop', new Dropout({ p: c.embeddingDropout }, init));
    // Initialisation of the reference: embedding and output weights U(−0.1, 0.1), output bias 0.
    this.setParameter('encoder.weight', uniform([c.vocabSize, c.embeddingSize], 0.1, init));
    if (c.tieWeights) this.setParameter('decoder.weight', this.encoder.weight);
    else this.setParameter('decoder.weight', uniform([c.vocabSize, H], 0.1, init));
    this.decoder.bias!.data.fill(0);
  }

  /** V: vocabulary size. */
  get vocabSize(): number {
    return this.config.vocabSize;
  }

  /** Whether generation reports attention (the `-attn` models). */
  get attends(): boolean {
    return this.config.attention;
  }

  /**
   * @param ids int32 [T, B] (time-major, as the BPTT batches)
   * @param state the state carried from the previous window, or null for zeros
   */
  forward(ids: Tensor, state: RecurrentState | null = null): LanguageModelOutput {
    if (ids.ndim !== 2 || ids.dtype !== 'int32') {
      throw new GlimpseError(`LanguageModel: ids must be int32 [T, B], got ${ids.dtype} [${ids.shape.join(', ')}]`);
    }
    const x = this.embDrop.forward(this.encoder.forward(ids)); // [T, B, E]
    const { output, state: next } = this.rnn.forward(x, { state }); // [T, B, H]
    const { features, attention } = this.attend(output);
    return { logits: this.decoder.forward(this.drop.forward(features)), state: next, attention };
  }

  /** With attention: tanh(W[h_t; c_t]) where c_t attends causally over h_1..h_t; else h_t. */
  private attend(output: Tensor): { features: Tensor; attention: Tensor | null } {
    if (!this.combine) return { features: output, attention: null };
    const h = transpose(output, 0, 1); // [B, T, H]
    // Attention reads the un-dropped LSTM output (as the reference); dropout follows the combination.
    const { output: ctx, weights } = scaledDotProductAttention(h, h, h, { causal: true });
    const combined = tanh(this.combine.forward(concat([h, ctx], -1)));
    return { features: transpose(combined, 0, 1), attention: weights };
  }

  /**
   * The model as a decoder: feeds one token per row, returns next-token log-probabilities and
   * (with attention) each row's weights over its past tokens. Run in eval mode without grad.
   */
  asStepModel(): StepModel<LanguageModelStepState> {
    const V = this.config.vocabSize;
    return {
      vocabSize: V,
      step: (state, prevTokens) => noGrad(() => {
        const n = prevTokens.length;
        const ids = tensor(Int32Array.from(prevTokens), { shape: [1, n] });
        const { output, state: rnn } = this.rnn.forward(this.encoder.forward(ids), { state: state.rnn });
        const h = transpose(output, 0, 1); // [n, 1, H]
        let features = h;
        let past: Tensor | null = null;
        let attention: number[][] | undefined;
        if (this.combine) {
          const all = state.past ? concat([state.past, h], 1) : h;
          const W = this.config.attentionWindow;
          past = all.shape[1]! > W ? slice(all, 1, all.shape[1]! - W) : all;
          const { output: ctx, weights } = scaledDotProductAttention(h, past, past);
          features = tanh(this.combine.forward(concat([h, ctx], -1)));
          const w = weights.data as Float32Array;
          const L = past.shape[1]!;
          attention = Array.from({ length: n }, (_, r) => Array.from(w.subarray(r * L, (r + 1) * L)));
        }
        const logp = logSoftmax(this.decoder.forward(reshape(features, [n, -1])), -1);
        return { logProbs: logp.data as Float32Array, state: { rnn, past }, ...(attention ? { attention } : {}) };
      }),
      select: (state, rows) => {
        const idx = tensor(Int32Array.from(rows), { shape: [rows.length] });
        const pick = (t: Tensor, axis: number) => indexSelect(t, axis, idx);
        return {
          rnn: state.rnn ? { h: pick(state.rnn.h, 1), c: state.rnn.c ? pick(state.rnn.c, 1) : null } : null,
          past: state.past ? pick(state.past, 0) : null,
        };
      },
    };
  }

  /**
   * Runs a prompt (all but its last token) through the model, for generation to continue from
   * its last token: `sample(lm.asStepModel(), lm.prime(prompt), 1, { start: prompt.at(-1) … })`.
   */
  prime(prompt: readonly number[]): LanguageModelStepState {
    if (prompt.length === 0) throw new GlimpseError('LanguageModel.prime: the prompt is empty');
    const head = prompt.slice(0, -1);
    if (head.length === 0) return { rnn: null, past: null };
    return noGrad(() => {
      const ids = tensor(Int32Array.from(head), { shape: [head.length, 1] });
      const { output, state } = this.rnn.forward(this.encoder.forward(ids), { state: null });
      if (!this.combine) return { rnn: state, past: null };
      const h = transpose(output, 0, 1); // [1, T, H]
      const W = this.config.attentionWindow;
      return { rnn: state, past: h.shape[1]! > W ? slice(h, 1, h.shape[1]! - W) : h };
    });
  }
}


import { tensor, zeros } from '../core/create.js';
import { noGrad } from '../core/grad.js';
import type { Tensor } from '../core/tensor.js';
import { type GRUCell, type InitOptions, Dropout, Embedding, type LSTMCell, Linear, Module, type RecurrentState } from '../nn/index.js';
import { uniform } from '../nn/init.js';
import { concat, indexSelect, logSoftmax, matmul, select, slice, softmax, squeeze, stack, unsqueeze } from '../ops/index.js';
import { type ConfigSpec, resolveConfig } from '../util/config.js';
import { GlimpseError } from '../util/errors.js';
import { shapeStr } from '../util/shape.js';
import { MAX_LAYER_SIZE, MAX_VOCAB } from './limits.js';
import { RECURRENT_KINDS, RECURRENT_KIND_NAMES, type RecurrentKindName } from './recurrent-kinds.js';
import type { StepModel } from './step.js';

/**
 * The lesson's encoder–decoder language model ("Language Modeling, LSTM + Attention"): an
 * encoder cell steps over the window and keeps its states e_1…e_t; at step t the decoder scores
 * e_1…e_t against its state d_{t−1} by dot products, forms the context c_t = Σ_s α_ts e_s as a
 * batched product (weights [B, 1, S] × states [B, S, H]), steps its own cell on [x_t; c_t] and
 * projects d_t to the vocabulary with log-softmax. The encoder at s ≤ t has read only x_1…x_t,
 * so predicting x_{t+1} sees no future token. Trained with teacher forcing (the decoder reads
 * the true x_t), both cells' states carried across windows.
 */
export interface EncoderDecoderLmConfig {
  vocabSize: number;
  /** Kind of both cells. */
  cell?: RecurrentKindName;
  embeddingSize?: number;
  hiddenSize?: number;
  /** Dropout on the embeddings and on the decoder outputs. */
  dropout?: number;
  /** How many past encoder states attention sees when generating (training sees its BPTT window). */
  attentionWindow?: number;
}

export const ENCODER_DECODER_LM_SPEC: ConfigSpec<EncoderDecoderLmConfig> = {
  vocabSize: { type: 'int', min: 1, max: MAX_VOCAB },
  cell: { type: 'enum', values: RECURRENT_KIND_NAMES, default: 'lstm' },
  embeddingSize: { type: 'int', min: 1, max: MAX_LAYER_SIZE, default: 256 },
  hiddenSize: { type: 'int', min: 1, max: MAX_LAYER_SIZE, default: 256 },
  dropout: { type: 'number', min: 0, max: 1, maxExclusive: true, default: 0.2 },
  attentionWindow: { type: 'int', min: 1, max: 1_000_000, default: 35 },
};

/** Decoding state: both cells' states [n, H] and the window of past encoder states [n, L, H]. */
export interface EncoderDecoderLmState {
  enc: RecurrentState | null;
  dec: RecurrentState | null;
  past: Tensor | null;
}

/**
 * @example
 * const lm = new EncoderDecoderLm({ vocabSize: 65, hiddenSize: 64, embeddingSize: 32 });
 * const { logits, state, attention } = lm.forward(ids); // ids int32 [T, B] → log-probs [T, B, V], attention [B, T, T]
 */
export class EncoderDecoderLm extends Module {
  readonly config: Readonly<Required<EncoderDecoderLmConfig>>;
  readonly embedding: Embedding;
  readonly encoder: LSTMCell | GRUCell;
  readonly decoder: LSTMCell | GRUCell;
  readonly out: Linear;
  private readonly drop: Dropout;

  constructor(config: EncoderDecoderLmConfig, init: InitOptions = {}) {
    super();
    const c = resolveConfig<EncoderDecoderLmConfig>('EncoderDecoderLm', config, ENCODER_DECODER_LM_SPEC);
    this.config = c;
    const { vocabSize: V, embeddingSize: E, hiddenSize: H } = c;
    this.embedding = this.registerModule('embedding', new Embedding({ numEmbeddings: V, embeddingDim: E }, init));
    this.encoder = this.registerModule('encoder', RECURRENT_KINDS[c.cell].cell({ inputSize: E, hiddenSize: H }, init));
    this.decoder = this.registerModule('decoder', RECURRENT_KINDS[c.cell].cell({ inputSize: E + H, hiddenSize: H }, init));
    this.out = this.registerModule('out', new Linear({ inFeatures: H, outFeatures: V }, init));
    this.drop = this.registerModule('drop', new Dropout({ p: c.dropout }, init));
    this.setParameter('embedding.weight', uniform([V, E], 0.1, init));
    this.setParameter('out.weight', uniform([V, H], 0.1, init));
    this.out.bias!.data.fill(0);
  }

  get vocabSize(): number {
    return this.config.vocabSize;
  }

  get attends(): boolean {
    return true;
  }

  /**
   * One decoder step: α = softmax(d·e_s) over the states `keys` [B, S, H], c = α·keys, then the
   * cell on [x; c]. Returns the new state and α [B, 1, S].
   */
  private decode(x: Tensor, keys: Tensor, state: RecurrentState): { state: RecurrentState; weights: Tensor } {
    const scores = matmul(unsqueeze(state.h, 1), keys, { transposeB: true }); // [B, 1, H] × [B, S, H]ᵀ → [B, 1, S]
    const weights = softmax(scores, -1); // [B, 1, S]
    const context = squeeze(matmul(weights, keys), 1); // [B, 1, S] × [B, S, H] → [B, H]
    return { state: this.decoder.forward(concat([x, context], -1), state), weights };
  }

  /** Layer l of a carried state h (c) [2, B, H] (0: encoder, 1: decoder), or zeros. */
  private carried(state: RecurrentState | null, l: number, B: number, dtype: 'float32' | 'float64'): RecurrentState {
    const H = this.config.hiddenSize;
    for (const [what, t] of [['h', state?.h], ['c', state?.c]] as const) {
      if (t && (t.ndim !== 3 || t.shape[0] !== 2 || t.shape[1] !== B || t.shape[2] !== H)) {
        throw new GlimpseError(`EncoderDecoderLm: state.${what} must be [2, ${B}, ${H}] (encoder, decoder), got ${shapeStr(t.shape)}`);
      }
    }
    return { h: state ? select(state.h, 0, l) : zeros([B, H], { dtype }), c: state?.c ? select(state.c, 0, l) : null };
  }

  /**
   * @param ids int32 [T, B] (time-major, as the BPTT batches)
   * @param state both cells' states h (c) [2, B, H] carried from the previous window, or null for zeros
   * @returns log-probabilities [T, B, V] (as logits: the cross-entropy of log-softmax output is
   *   the same), the state to carry, and the attention [B, T, T] (row t over e_1…e_t, zeros after)
   */
  forward(ids: Tensor, state: RecurrentState | null = null): { logits: Tensor; state: RecurrentState; attention: Tensor } {
    if (ids.ndim !== 2 || ids.dtype !== 'int32' || ids.shape[0] === 0) {
      throw new GlimpseError(`EncoderDecoderLm: ids must be int32 [T, B] with T ≥ 1, got ${ids.dtype} [${ids.shape.join(', ')}]`);
    }
    const [T, B] = [ids.shape[0]!, ids.shape[1]!];
    const x = this.drop.forward(this.embedding.forward(ids)); // [T, B, E]
    const xs = Array.from({ length: T }, (_, t) => select(x, 0, t)); // T × [B, E]
    const dtype = x.dtype as 'float32' | 'float64';
    let enc = this.carried(state, 0, B, dtype);
    const encoded: Tensor[] = [];
    for (const xt of xs) {
      enc = this.encoder.forward(xt, enc);
      encoded.push(enc.h);
    }
    const keys = stack(encoded, 1); // [B, T, H]
    let dec = this.carried(state, 1, B, dtype);
    const outs: Tensor[] = [];
    const attention = new Float32Array(B * T * T);
    xs.forEach((xt, t) => {
      const step = this.decode(xt, slice(keys, 1, 0, t + 1), dec); // attends over e_1…e_t
      dec = step.state;
      outs.push(dec.h);
      const w = step.weights.data;
      for (let b = 0; b < B; b++) for (let s = 0; s <= t; s++) attention[(b * T + t) * T + s] = w[b * (t + 1) + s]!;
    });
    const logits = logSoftmax(this.out.forward(this.drop.forward(stack(outs, 0))), -1); // [T, B, V]
    const both = (a: Tensor | null | undefined, b: Tensor | null | undefined) => (a && b ? stack([a, b], 0) : null);
    return {
      logits,
      state: { h: stack([enc.h, dec.h], 0), c: both(enc.c, dec.c) },
      attention: tensor(attention, { shape: [B, T, T] }),
    };
  }

  /** The model as a decoder: one token per row → next-token log-probabilities and α over the past encoder states. */
  asStepModel(): StepModel<EncoderDecoderLmState> {
    return {
      vocabSize: this.config.vocabSize,
      step: (state, prevTokens) => noGrad(() => this.step(state, prevTokens)),
      select: (state, rows) => {
        const idx = tensor(Int32Array.from(rows), { shape: [rows.length] });
        const pick = (t: Tensor) => indexSelect(t, 0, idx);
        const cell = (s: RecurrentState | null) => (s ? { h: pick(s.h), c: s.c ? pick(s.c) : null } : null);
        return { enc: cell(state.enc), dec: cell(state.dec), past: state.past ? pick(state.past) : null };
      },
    };
  }

  private step(state: EncoderDecoderLmState, prevTokens: Int32Array) {
    const n = prevTokens.length;
    const x = this.embedding.forward(tensor(Int32Array.from(prevTokens), { shape: [n] })); // [n, E]
    const enc = this.encoder.forward(x, state.enc);
    const all = state.past ? concat([state.past, unsqueeze(enc.h, 1)], 1) : unsqueeze(enc.h, 1); // [n, L, H]
    const W = this.config.attentionWindow;
    const past = all.shape[1]! > W ? slice(all, 1, all.shape[1]! - W) : all;
    const { state: dec, weights } = this.decode(x, past, state.dec ?? { h: zeros([n, this.config.hiddenSize], { dtype: x.dtype as 'float32' | 'float64' }), c: null });
    const logp = logSoftmax(this.out.forward(dec.h), -1); // [n, V]
    const L = past.shape[1]!;
    const w = weights.data as Float32Array;
    const attention = Array.from({ length: n }, (_, r) => Array.from(w.subarray(r * L, (r + 1) * L)));
    return { logProbs: logp.data as Float32Array, state: { enc, dec, past }, attention };
  }

  /** Runs a prompt (all but its last token) for generation to continue from its last token. */
  prime(prompt: readonly number[]): EncoderDecoderLmState {
    if (prompt.length === 0) throw new GlimpseError('EncoderDecoderLm.prime: the prompt is empty');
    let state: EncoderDecoderLmState = { enc: null, dec: null, past: null };
    noGrad(() => {
      for (const token of prompt.slice(0, -1)) state = this.step(state, Int32Array.of(token)).state;
    });
    return state;
  }
}

import { tensor, zeros } from '../core/create.js';
import { noGrad } from '../core/grad.js';
import type { Tensor } from '../core/tensor.js';
import type { StepModel } from '../decode/types.js';
import {
  AdditiveAttention, type AttentionOutput, Dropout, Embedding, GRU, GRUCell, type InitOptions, LSTM, LSTMCell, Linear,
  LuongConcatAttention, LuongDotAttention, LuongGeneralAttention, Module, MultiheadAttention, type RecurrentState,
  type SourceAttention, lengthMask,
} from '../nn/index.js';
import {
  argmax, concat, crossEntropy, gruLayer, indexSelect, logSoftmax, logicalNot, lstmLayer, ne, reshape, select, squeeze,
  stack, tanh, transpose, unsqueeze,
} from '../ops/index.js';
import { type ConfigSpec, resolveConfig } from '../util/config.js';
import { GlimpseError } from '../util/errors.js';
import { type Rng, defaultRng } from '../util/rng.js';

export const ATTENTION_KINDS = ['none', 'bahdanau', 'luong-dot', 'luong-general', 'luong-concat', 'multi-head'] as const;
export type AttentionKind = (typeof ATTENTION_KINDS)[number];

/**
 * Encoder–decoder with attention. `bahdanau` is Bahdanau et al. 2015 (the query is the previous
 * decoder state s_{t−1}; the decoder reads [e_t; c_t]; the output layer reads [s_t; c_t; e_t]).
 * `luong-*` and `multi-head` are Luong et al. 2015 (the query is the new state h_t;
 * h̃_t = tanh(W_c[c_t; h_t]) feeds the output layer and, with input feeding, the next step).
 * `none` has no context: the decoder state feeds the output layer.
 */
export interface Seq2SeqConfig {
  srcVocabSize: number;
  tgtVocabSize: number;
  cell?: 'gru' | 'lstm';
  embeddingSize?: number;
  /** Hidden size of each encoder direction. */
  encoderHidden?: number;
  encoderLayers?: number;
  bidirectional?: boolean;
  decoderHidden?: number;
  attention?: AttentionKind;
  /** Size of the additive / concat scorer's hidden layer. */
  attentionSize?: number;
  /** Learn the bias of the additive scorer's key projection. */
  attentionBias?: boolean;
  /** Heads of multi-head attention. */
  heads?: number;
  /** Luong's input feeding: the decoder reads [e_t; h̃_{t−1}]. */
  inputFeeding?: boolean;
  /**
   * Initial decoder state from the encoder's final states [h_fwd_last; h_bwd_first]:
   * `tanh-linear` tanh(W[·]) (Bahdanau), `concat` as is (sizes must match), `zeros`.
   */
  bridge?: 'tanh-linear' | 'concat' | 'zeros';
  /** Dropout on the source and target embeddings. */
  dropout?: number;
  padIndex?: number;
  /** Share the output layer's weight with the target embedding (needs a Luong/none decoder with decoderHidden = embeddingSize). */
  tieWeights?: boolean;
}

export const SEQ2SEQ_SPEC: ConfigSpec = {
  srcVocabSize: { type: 'int', min: 1 },
  tgtVocabSize: { type: 'int', min: 1 },
  cell: { type: 'enum', values: ['gru', 'lstm'], default: 'gru' },
  embeddingSize: { type: 'int', min: 1, default: 256 },
  encoderHidden: { type: 'int', min: 1, default: 256 },
  encoderLayers: { type: 'int', min: 1, default: 1 },
  bidirectional: { type: 'boolean', default: true },
  decoderHidden: { type: 'int', min: 1, default: 512 },
  attention: { type: 'enum', values: ATTENTION_KINDS, default: 'bahdanau' },
  attentionSize: { type: 'int', min: 1, default: 512 },
  attentionBias: { type: 'boolean', default: false },
  heads: { type: 'int', min: 1, default: 4 },
  inputFeeding: { type: 'boolean', default: false },
  bridge: { type: 'enum', values: ['tanh-linear', 'concat', 'zeros'], default: 'tanh-linear' },
  dropout: { type: 'number', min: 0, max: 1, maxExclusive: true, default: 0.3 },
  padIndex: { type: 'int', min: 0, default: 0 },
  tieWeights: { type: 'boolean', default: false },
};

/** A batch of source sequences, batch-first. */
export interface SourceBatch {
  /** int32 [B, S], padded with padIndex. */
  src: Tensor;
  /** Real length of each source (≥ 1). */
  srcLengths: readonly number[];
}

/** The encoder's output, everything a decoder step needs. */
export interface Encoded {
  /** [B, S, M] encoder states (M = encoderHidden · directions), 0 past each length. */
  memory: Tensor;
  /** The scorer's precomputed key term (from projectKeys), or null. */
  keys: Tensor | null;
  /** bool [B, S], true = real source token. */
  mask: Tensor;
  /** Initial decoder state [B, D]. */
  state: RecurrentState;
}

/** Decoder state between steps (batch of n rows). */
export interface DecoderState {
  enc: Encoded;
  rnn: RecurrentState;
  /** h̃_{t−1} for input feeding [n, D], else null. */
  feed: Tensor | null;
}

interface StepResult {
  /** [n, F] inputs of the output layer. */
  features: Tensor;
  state: DecoderState;
  /** [n, S] attention weights, or null without attention. */
  weights: Tensor | null;
}

/**
 * @example
 * const model = new Seq2Seq({ srcVocabSize: 5948, tgtVocabSize: 7879 }); // PROTOCOL W2
 * const { logits, attention } = model.forward(batch, tgtIn);          // [B, T, V], [B, T, S]
 */
export class Seq2Seq extends Module {
  readonly config: Readonly<Required<Seq2SeqConfig>>;
  readonly src_emb: Embedding;
  readonly tgt_emb: Embedding;
  readonly encoder: GRU | LSTM;
  readonly bridge: Linear | null;
  readonly attn: SourceAttention | MultiheadAttention | null;
  readonly decoder: GRUCell | LSTMCell;
  readonly W_c: Linear | null;
  readonly out: Linear;
  private readonly drop: Dropout;
  /** M: encoder state size. */
  readonly memorySize: number;

  constructor(config: Seq2SeqConfig, init: InitOptions = {}) {
    super();
    const c = resolveConfig<Required<Seq2SeqConfig>>('Seq2Seq', config, SEQ2SEQ_SPEC);
    this.config = c;
    const E = c.embeddingSize;
    const D = c.decoderHidden;
    const M = c.encoderHidden * (c.bidirectional ? 2 : 1);
    this.memorySize = M;
    const bahdanau = c.attention === 'bahdanau';
    const luong = c.attention !== 'none' && !bahdanau;
    if (c.bridge === 'concat' && M !== D) {
      throw new GlimpseError(`Seq2Seq: bridge "concat" needs decoderHidden = encoder state size (${M}), got ${D}; use bridge "tanh-linear"`);
    }
    if (c.attention === 'luong-dot' && M !== D) {
      throw new GlimpseError(`Seq2Seq: luong-dot attention needs decoderHidden = encoder state size (${M}), got ${D}`);
    }
    if (c.attention === 'multi-head' && D % c.heads !== 0) {
      throw new GlimpseError(`Seq2Seq: decoderHidden ${D} is not divisible by heads ${c.heads}`);
    }
    if (c.inputFeeding && !luong) throw new GlimpseError(`Seq2Seq: inputFeeding applies to Luong-style attention, not "${c.attention}"`);
    const ctx = c.attention === 'multi-head' ? D : M;
    const outIn = bahdanau ? D + M + E : D;
    if (c.tieWeights && outIn !== E) {
      throw new GlimpseError(`Seq2Seq: tieWeights needs the output layer's input (${outIn}) to equal embeddingSize (${E})`);
    }
    const pad = { paddingIdx: c.padIndex };
    this.src_emb = this.registerModule('src_emb', new Embedding({ numEmbeddings: c.srcVocabSize, embeddingDim: E, ...pad }, init));
    this.tgt_emb = this.registerModule('tgt_emb', new Embedding({ numEmbeddings: c.tgtVocabSize, embeddingDim: E, ...pad }, init));
    const RNN = c.cell === 'gru' ? GRU : LSTM;
    this.encoder = this.registerModule('encoder', new RNN({
      inputSize: E, hiddenSize: c.encoderHidden, numLayers: c.encoderLayers, bidirectional: c.bidirectional, batchFirst: true,
    }, init));
    this.bridge = c.bridge === 'tanh-linear' ? this.registerModule('bridge', new Linear({ inFeatures: M, outFeatures: D }, init)) : null;
    this.attn = this.registerAttention(c, M, init);
    const decIn = bahdanau ? E + M : c.inputFeeding ? E + D : E;
    const Cell = c.cell === 'gru' ? GRUCell : LSTMCell;
    this.decoder = this.registerModule('decoder', new Cell({ inputSize: decIn, hiddenSize: D }, init));
    this.W_c = luong ? this.registerModule('W_c', new Linear({ inFeatures: ctx + D, outFeatures: D }, init)) : null;
    this.out = this.registerModule('out', new Linear({ inFeatures: outIn, outFeatures: c.tgtVocabSize }, init));
    if (c.tieWeights) this.setParameter('out.weight', this.tgt_emb.weight);
    this.drop = this.registerModule('drop', new Dropout({ p: c.dropout }, init));
  }

  private registerAttention(c: Required<Seq2SeqConfig>, M: number, init: InitOptions): SourceAttention | MultiheadAttention | null {
    const D = c.decoderHidden;
    switch (c.attention) {
      case 'none': return null;
      case 'bahdanau': return this.registerModule('attn', new AdditiveAttention({ queryDim: D, keyDim: M, attnDim: c.attentionSize, bias: c.attentionBias }, init));
      case 'luong-dot': return this.registerModule('attn', new LuongDotAttention());
      case 'luong-general': return this.registerModule('attn', new LuongGeneralAttention({ queryDim: D, keyDim: M }, init));
      case 'luong-concat': return this.registerModule('attn', new LuongConcatAttention({ queryDim: D, keyDim: M, attnDim: c.attentionSize }, init));
      case 'multi-head': return this.registerModule('attn', new MultiheadAttention({ embedDim: D, numHeads: c.heads, kdim: M, vdim: M, batchFirst: true }, init));
    }
  }

  /** Runs the encoder over a padded source batch. */
  encode(batch: SourceBatch): Encoded {
    const { src, srcLengths } = batch;
    if (src.ndim !== 2 || src.dtype !== 'int32') throw new GlimpseError(`Seq2Seq: src must be int32 [B, S], got ${src.dtype} [${src.shape.join(', ')}]`);
    const [B, S] = src.shape as [number, number];
    if (srcLengths.length !== B) throw new GlimpseError(`Seq2Seq: ${srcLengths.length} source lengths for a batch of ${B}`);
    srcLengths.forEach((L, b) => {
      if (!Number.isInteger(L) || L < 1 || L > S) throw new GlimpseError(`Seq2Seq: source ${b} has length ${L}, expected 1…${S}`);
    });
    const x = this.drop.forward(this.src_emb.forward(src)); // [B, S, E]
    const lengths = tensor(Int32Array.from(srcLengths));
    const { output: memory, state } = this.encoder.forward(x, { lengths });
    const mask = lengthMask(lengths, S);
    const keys = this.attn && !(this.attn instanceof MultiheadAttention) ? this.attn.projectKeys(memory) : null;
    return { memory, keys, mask, state: this.initialState(state, B) };
  }

  /** Decoder state from the encoder's final states: the top layer's [h_fwd_last; h_bwd_first]. */
  private initialState(enc: RecurrentState, B: number): RecurrentState {
    const c = this.config;
    const D = c.decoderHidden;
    const dirs = c.bidirectional ? 2 : 1;
    const top = (c.encoderLayers - 1) * dirs;
    const last = dirs === 2 ? concat([select(enc.h, 0, top), select(enc.h, 0, top + 1)], -1) : select(enc.h, 0, top);
    let h: Tensor;
    if (this.bridge) h = tanh(this.bridge.forward(last));
    else if (c.bridge === 'concat') h = last;
    else h = zeros([B, D], { dtype: last.dtype });
    return { h, c: c.cell === 'lstm' ? zeros([B, D], { dtype: last.dtype }) : null };
  }

  private attend(query: Tensor, enc: Encoded): AttentionOutput {
    const attn = this.attn!;
    if (attn instanceof MultiheadAttention) {
      const single = query.ndim === 2;
      const q = single ? unsqueeze(query, 1) : query;
      const r = attn.forward(q, enc.memory, enc.memory, { keyPaddingMask: logicalNot(enc.mask) });
      return single ? { context: squeeze(r.context, 1), weights: squeeze(r.weights, 1) } : r;
    }
    return attn.forward(query, enc.memory, { mask: enc.mask, keys: enc.keys });
  }

  /** The decoder cell over x [T, n, in] from a state [n, D], fused (T = 1 for one step). */
  private runCell(x: Tensor, state: RecurrentState): { output: Tensor; state: RecurrentState } {
    const p = (name: string) => this.decoder.parameter(name);
    const bias = (name: string) => (this.decoder.config.bias ? p(name) : null);
    if (this.config.cell === 'gru') {
      const r = gruLayer(x, p('weight_ih'), p('weight_hh'), bias('bias_ih'), bias('bias_hh'), state.h);
      return { output: r.output, state: { h: r.h, c: null } };
    }
    const r = lstmLayer(x, p('weight_ih'), p('weight_hh'), bias('bias_ih'), bias('bias_hh'), state.h, state.c!);
    return { output: r.output, state: { h: r.h, c: r.c } };
  }

  /** One decoder step from the (dropped-out) embedding e [n, E] of the previous token. */
  private step(e: Tensor, s: DecoderState): StepResult {
    const kind = this.config.attention;
    if (kind === 'bahdanau') {
      const { context, weights } = this.attend(s.rnn.h, s.enc); // query s_{t−1}
      const { state } = this.runCell(unsqueeze(concat([e, context], -1), 0), s.rnn);
      return { features: concat([state.h, context, e], -1), state: { ...s, rnn: state }, weights };
    }
    const input = this.config.inputFeeding ? concat([e, s.feed ?? zeros([e.shape[0]!, this.config.decoderHidden], { dtype: e.dtype })], -1) : e;
    const { state } = this.runCell(unsqueeze(input, 0), s.rnn);
    if (kind === 'none') return { features: state.h, state: { ...s, rnn: state }, weights: null };
    const { context, weights } = this.attend(state.h, s.enc); // query h_t
    const ht = tanh(this.W_c!.forward(concat([context, state.h], -1)));
    return { features: ht, state: { ...s, rnn: state, feed: this.config.inputFeeding ? ht : null }, weights };
  }

  /**
   * Teacher-forced decoding: output-layer inputs for every target step and the attention
   * weights. Decoders without input feeding run the recurrence over all steps in one fused
   * call; with `teacherForcing` < 1 a step feeds the model's own previous prediction instead
   * of the reference with probability 1 − teacherForcing.
   */
  decodeFeatures(enc: Encoded, tgtIn: Tensor, options: { teacherForcing?: number; rng?: Rng } = {}): { features: Tensor; attention: Tensor | null } {
    if (tgtIn.ndim !== 2 || tgtIn.dtype !== 'int32' || tgtIn.shape[0] !== enc.memory.shape[0]) {
      throw new GlimpseError(`Seq2Seq: tgtIn must be int32 [${enc.memory.shape[0]}, T], got ${tgtIn.dtype} [${tgtIn.shape.join(', ')}]`);
    }
    const ratio = options.teacherForcing ?? 1;
    const emb = this.drop.forward(this.tgt_emb.forward(tgtIn)); // [B, T, E]
    const kind = this.config.attention;
    const parallel = ratio >= 1 && kind !== 'bahdanau' && !this.config.inputFeeding;
    if (parallel) {
      const { output } = this.runCell(transpose(emb, 0, 1), enc.state); // [T, B, D]
      const h = transpose(output, 0, 1); // [B, T, D]
      if (kind === 'none') return { features: h, attention: null };
      const { context, weights } = this.attend(h, enc);
      return { features: tanh(this.W_c!.forward(concat([context, h], -1))), attention: weights };
    }
    const T = tgtIn.shape[1]!;
    const rng = options.rng ?? defaultRng();
    let s: DecoderState = { enc, rnn: enc.state, feed: null };
    const feats: Tensor[] = [];
    const weights: Tensor[] = [];
    let prevPred: Tensor | null = null;
    for (let t = 0; t < T; t++) {
      let e = select(emb, 1, t);
      if (prevPred && ratio < 1 && rng.uniform() >= ratio) e = this.drop.forward(this.tgt_emb.forward(prevPred));
      const r = this.step(e, s);
      s = r.state;
      feats.push(r.features);
      if (r.weights) weights.push(r.weights);
      if (ratio < 1) prevPred = noGrad(() => argmax(this.out.forward(r.features), -1));
    }
    return { features: stack(feats, 1), attention: weights.length ? stack(weights, 1) : null };
  }

  /**
   * Logits [B, T, V] and attention weights [B, T, S] (null without attention) for a batch,
   * teacher-forced with the decoder inputs tgtIn (int32 [B, T], starting with `<bos>`).
   */
  forward(batch: SourceBatch, tgtIn: Tensor, options: { teacherForcing?: number } = {}): { logits: Tensor; attention: Tensor | null } {
    const { features, attention } = this.decodeFeatures(this.encode(batch), tgtIn, options);
    return { logits: this.out.forward(features), attention };
  }

  /**
   * Mean cross-entropy over the real target tokens (tgtOut ≠ pad); the output layer runs on
   * those positions only. Returns the loss and the number of tokens it averages.
   */
  loss(batch: SourceBatch, tgtIn: Tensor, tgtOut: Tensor, options: { teacherForcing?: number; labelSmoothing?: number } = {}): { loss: Tensor; tokens: number } {
    const { features } = this.decodeFeatures(this.encode(batch), tgtIn, options);
    const F = features.shape[2]!;
    const flat = reshape(features, [-1, F]);
    const targets = reshape(tgtOut, [-1]);
    const keep = ne(targets, this.config.padIndex).data as Uint8Array;
    const rows: number[] = [];
    keep.forEach((k, i) => k && rows.push(i));
    const idx = tensor(Int32Array.from(rows));
    const logits = this.out.forward(indexSelect(flat, 0, idx));
    const loss = crossEntropy(logits, indexSelect(targets, 0, idx), { labelSmoothing: options.labelSmoothing ?? 0 });
    return { loss, tokens: rows.length };
  }

  /**
   * The model as a decoder over an encoded source batch (no grad; call `eval()` first): each
   * step returns next-token log-probabilities and the attention weights over the source.
   */
  asStepModel(): StepModel<DecoderState> {
    return {
      vocabSize: this.config.tgtVocabSize,
      step: (s, prevTokens) => noGrad(() => {
        const ids = tensor(Int32Array.from(prevTokens));
        const r = this.step(this.drop.forward(this.tgt_emb.forward(ids)), s);
        const logp = logSoftmax(this.out.forward(r.features), -1);
        let attention: number[][] | undefined;
        if (r.weights) {
          const S = r.weights.shape[1]!;
          const w = r.weights.data as Float32Array;
          attention = Array.from(prevTokens, (_, i) => Array.from(w.subarray(i * S, (i + 1) * S)));
        }
        return { logProbs: logp.data as Float32Array, state: r.state, ...(attention ? { attention } : {}) };
      }),
      select: (s, rows) => {
        const idx = tensor(Int32Array.from(rows));
        const pick = (t: Tensor) => indexSelect(t, 0, idx);
        const enc = s.enc;
        return {
          enc: { memory: pick(enc.memory), keys: enc.keys ? pick(enc.keys) : null, mask: pick(enc.mask), state: enc.state },
          rnn: { h: pick(s.rnn.h), c: s.rnn.c ? pick(s.rnn.c) : null },
          feed: s.feed ? pick(s.feed) : null,
        };
      },
    };
  }

  /** The decoder state to start decoding a source batch from (encodes it, no grad). */
  startState(batch: SourceBatch): DecoderState {
    return noGrad(() => {
      const enc = this.encode(batch);
      return { enc, rnn: enc.state, feed: null };
    });
  }
}

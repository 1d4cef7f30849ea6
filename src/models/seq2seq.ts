import { tensor } from '../core/create.js';
import { noGrad } from '../core/grad.js';
import type { Tensor } from '../core/tensor.js';
import {
  Dropout, Embedding, type GRU, type GRUCell, type InitOptions, type LSTM, type LSTMCell, Linear, Module, type RecurrentState,
  LOCAL_WINDOW, type SourceAttender, lengthMask,
} from '../nn/index.js';
import {
  argmax, concat, crossEntropy, indexSelect, logSoftmax, mul, ne, reshape, select, stack, where,
} from '../ops/index.js';
import { type ConfigSpec, resolveConfig } from '../util/config.js';
import { GlimpseError } from '../util/errors.js';
import { type Rng, defaultRng } from '../util/rng.js';
import { ATTENTION, ATTENTION_KINDS, type AttentionDims, type AttentionKind, type AttentionRule } from './attention-kinds/index.js';
import { BRIDGES, BRIDGE_KINDS, type BridgeKind } from './bridges.js';
import { DECODER_FLOWS, type DecoderFlow, type DecoderParts, type DecoderState, type Encoded, type StepResult } from './decoder-flows.js';
import { RECURRENT_KINDS, RECURRENT_KIND_NAMES, type RecurrentKindName } from './recurrent-kinds.js';
import { MAX_HEADS, MAX_LAYERS, MAX_LAYER_SIZE, MAX_VOCAB, MAX_WINDOW } from './limits.js';
import type { StepModel } from './step.js';

export { ATTENTION, ATTENTION_KINDS, type AttentionKind } from './attention-kinds/index.js';
export type { DecoderState, Encoded } from './decoder-flows.js';

/**
 * Encoder–decoder with attention. Each attention kind is a row of {@link ATTENTION}, which says
 * where its decoder takes the query (see `decoder-flows.ts`): `bahdanau` (Bahdanau et al. 2015)
 * queries with the previous state s_{t−1}, feeds [e_t; c_t] to the cell and [s_t; c_t; e_t] to
 * the output layer; the `luong-*` kinds and `multi-head` (Luong et al. 2015) query with the new
 * state h_t and combine h̃_t = tanh(W_c[c_t; h_t]), which feeds the output layer and, with input
 * feeding, the next step; `none` has no context.
 */
export interface Seq2SeqConfig {
  srcVocabSize: number;
  tgtVocabSize: number;
  cell?: RecurrentKindName;
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
  /** D: half-width of the window [p_t − D, p_t + D] of local attention (`local-m`, `local-p`). */
  attentionWindow?: number;
  /** Luong's input feeding: the decoder reads [e_t; h̃_{t−1}]. */
  inputFeeding?: boolean;
  /** Initial decoder state from the encoder's final states [h_fwd_last; h_bwd_first] (see {@link BRIDGES}). */
  bridge?: BridgeKind;
  /** Dropout on the source and target embeddings. */
  dropout?: number;
  padIndex?: number;
  /** Share the output layer's weight with the target embedding (needs a Luong/none decoder with decoderHidden = embeddingSize). */
  tieWeights?: boolean;
}

export const SEQ2SEQ_SPEC: ConfigSpec<Seq2SeqConfig> = {
  srcVocabSize: { type: 'int', min: 1, max: MAX_VOCAB },
  tgtVocabSize: { type: 'int', min: 1, max: MAX_VOCAB },
  cell: { type: 'enum', values: RECURRENT_KIND_NAMES, default: 'gru' },
  embeddingSize: { type: 'int', min: 1, max: MAX_LAYER_SIZE, default: 256 },
  encoderHidden: { type: 'int', min: 1, max: MAX_LAYER_SIZE, default: 256 },
  encoderLayers: { type: 'int', min: 1, max: MAX_LAYERS, default: 1 },
  bidirectional: { type: 'boolean', default: true },
  decoderHidden: { type: 'int', min: 1, max: MAX_LAYER_SIZE, default: 512 },
  attention: { type: 'enum', values: ATTENTION_KINDS, default: 'bahdanau' },
  attentionSize: { type: 'int', min: 1, max: MAX_LAYER_SIZE, default: 512 },
  attentionBias: { type: 'boolean', default: false },
  heads: { type: 'int', min: 1, max: MAX_HEADS, default: 4 },
  attentionWindow: { type: 'int', min: 1, max: MAX_WINDOW, default: LOCAL_WINDOW },
  inputFeeding: { type: 'boolean', default: false },
  bridge: { type: 'enum', values: BRIDGE_KINDS, default: 'tanh-linear' },
  dropout: { type: 'number', min: 0, max: 1, maxExclusive: true, default: 0.3 },
  padIndex: { type: 'int', min: 0, default: 0 },
  tieWeights: { type: 'boolean', default: false },
};

/** How the decoder is fed in training (see {@link Seq2Seq.decodeFeatures}). */
export interface DecodeOptions {
  /** Probability of feeding the reference token (1: teacher forcing; less: scheduled sampling). */
  teacherForcing?: number;
  /** Probability of hiding a decoder input word (its embedding becomes 0). */
  wordDropout?: number;
  /** Coin flips of both (default: the global generator). */
  rng?: Rng;
}

/** A batch of source sequences, batch-first. */
export interface SourceBatch {
  /** int32 [B, S], padded with padIndex. */
  src: Tensor;
  /** Real length of each source (≥ 1). */
  srcLengths: readonly number[];
}

/**
 * @example
 * const model = new Seq2Seq({ srcVocabSize: 5948, tgtVocabSize: 7879 }); // PROTOCOL W2
 * const { logits, attention } = model.forward(batch, tgtIn);          // [B, T, V], [B, T, S]
 */
export class Seq2Seq extends Module implements DecoderParts {
  readonly config: Readonly<Required<Seq2SeqConfig>>;
  readonly src_emb: Embedding;
  readonly tgt_emb: Embedding;
  readonly encoder: GRU | LSTM;
  readonly bridge: Linear | null;
  readonly attn: SourceAttender | null;
  readonly decoder: GRUCell | LSTMCell;
  readonly W_c: Linear | null;
  readonly out: Linear;
  private readonly drop: Dropout;
  /** M: encoder state size. */
  readonly memorySize: number;
  /** The attention kind's rule and its decoder flow. */
  readonly rule: AttentionRule;
  private readonly flow: DecoderFlow;

  constructor(config: Seq2SeqConfig, init: InitOptions = {}) {
    super();
    const c = resolveConfig<Seq2SeqConfig>('Seq2Seq', config, SEQ2SEQ_SPEC);
    this.config = c;
    const E = c.embeddingSize;
    const D = c.decoderHidden;
    const M = c.encoderHidden * (c.bidirectional ? 2 : 1);
    this.memorySize = M;
    this.rule = ATTENTION[c.attention];
    this.flow = DECODER_FLOWS[this.rule.flow];
    const bridge = BRIDGES[c.bridge];
    const dims: AttentionDims = { D, M, attentionSize: c.attentionSize, attentionBias: c.attentionBias, heads: c.heads, attentionWindow: c.attentionWindow };
    const problem = bridge.check?.(M, D) ?? this.rule.check?.(dims) ?? null;
    if (problem) throw new GlimpseError(`Seq2Seq: ${problem}`);
    if (c.inputFeeding && !this.flow.feeds) throw new GlimpseError(`Seq2Seq: inputFeeding applies to Luong-style attention, not "${c.attention}"`);
    const flowDims = { E, C: this.rule.contextSize(dims), D, inputFeeding: c.inputFeeding };
    const outIn = this.flow.featureSize(flowDims);
    if (c.tieWeights && outIn !== E) {
      throw new GlimpseError(`Seq2Seq: tieWeights needs the output layer's input (${outIn}) to equal embeddingSize (${E})`);
    }
    const pad = { paddingIdx: c.padIndex };
    const kind = RECURRENT_KINDS[c.cell];
    this.src_emb = this.registerModule('src_emb', new Embedding({ numEmbeddings: c.srcVocabSize, embeddingDim: E, ...pad }, init));
    this.tgt_emb = this.registerModule('tgt_emb', new Embedding({ numEmbeddings: c.tgtVocabSize, embeddingDim: E, ...pad }, init));
    this.encoder = this.registerModule('encoder', kind.layer({
      inputSize: E, hiddenSize: c.encoderHidden, numLayers: c.encoderLayers, bidirectional: c.bidirectional, batchFirst: true,
    }, init));
    const bridgeLayer = bridge.build(M, D, init);
    this.bridge = bridgeLayer ? this.registerModule('bridge', bridgeLayer) : null;
    const attn = this.rule.build(dims, init);
    this.attn = attn ? this.registerModule('attn', attn) : null;
    this.decoder = this.registerModule('decoder', kind.cell({ inputSize: this.flow.cellInputSize(flowDims), hiddenSize: D }, init));
    this.W_c = this.flow.combines ? this.registerModule('W_c', new Linear({ inFeatures: flowDims.C + D, outFeatures: D }, init)) : null;
    this.out = this.registerModule('out', new Linear({ inFeatures: outIn, outFeatures: c.tgtVocabSize }, init));
    if (c.tieWeights) this.setParameter('out.weight', this.tgt_emb.weight);
    this.drop = this.registerModule('drop', new Dropout({ p: c.dropout }, init));
  }

  /** V of the target side. */
  get tgtVocabSize(): number {
    return this.config.tgtVocabSize;
  }

  /** Whether decoding reports attention (every kind but `none`). */
  get attends(): boolean {
    return this.attn !== null;
  }

  /** The decoder cell (the {@link DecoderParts} interface's name for it). */
  get cell(): GRUCell | LSTMCell {
    return this.decoder;
  }

  get inputFeeding(): boolean {
    return this.config.inputFeeding;
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
    const keys = this.attn ? this.attn.projectKeys(memory) : null;
    return { memory, keys, mask, state: this.initialState(state) };
  }

  /** Decoder state from the encoder's final states: the top layer's [h_fwd_last; h_bwd_first]. */
  private initialState(enc: RecurrentState): RecurrentState {
    const c = this.config;
    const dirs = c.bidirectional ? 2 : 1;
    const top = (c.encoderLayers - 1) * dirs;
    const last = dirs === 2 ? concat([select(enc.h, 0, top), select(enc.h, 0, top + 1)], -1) : select(enc.h, 0, top);
    // The cell's own forward starts an LSTM's memory cell c at zeros.
    return { h: BRIDGES[c.bridge].apply(last, this.bridge, c.decoderHidden), c: null };
  }

  /** One decoder step from the (dropped-out) embedding e [n, E] of the previous token. */
  private step(e: Tensor, s: DecoderState): StepResult {
    return this.flow.step(this, e, s);
  }

  /**
   * Teacher-forced decoding: output-layer inputs for every target step and the attention
   * weights. Decoders without input feeding run the recurrence over all steps in one fused
   * call. With `teacherForcing` < 1 (scheduled sampling, Bengio et al. 2015) each row at each
   * step after the first is fed the reference with probability `teacherForcing` and its own
   * previous greedy prediction otherwise. `wordDropout` p zeroes the embedding of each decoder
   * input after `<bos>` with probability p (the word is hidden; the rest is not rescaled).
   */
  decodeFeatures(enc: Encoded, tgtIn: Tensor, options: DecodeOptions = {}): { features: Tensor; attention: Tensor | null } {
    if (tgtIn.ndim !== 2 || tgtIn.dtype !== 'int32' || tgtIn.shape[0] !== enc.memory.shape[0]) {
      throw new GlimpseError(`Seq2Seq: tgtIn must be int32 [${enc.memory.shape[0]}, T], got ${tgtIn.dtype} [${tgtIn.shape.join(', ')}]`);
    }
    const ratio = options.teacherForcing ?? 1;
    const rng = options.rng ?? defaultRng();
    const [B, T] = tgtIn.shape as [number, number];
    const wordKeep = (options.wordDropout ?? 0) > 0 ? this.wordKeep(B, T, options.wordDropout!, rng) : null;
    const embed = (ids: Tensor, keep: Tensor | null) => {
      const e = this.drop.forward(this.tgt_emb.forward(ids));
      return keep ? mul(e, keep) : e;
    };
    const emb = embed(tgtIn, wordKeep); // [B, T, E]
    const all = ratio >= 1 ? this.flow.parallel(this, emb, enc) : null;
    if (all) return { features: all.features, attention: all.attention };
    let s: DecoderState = { enc, rnn: enc.state, feed: null, t: 0 };
    const feats: Tensor[] = [];
    const weights: Tensor[] = [];
    let prevPred: Tensor | null = null;
    for (let t = 0; t < T; t++) {
      let e = select(emb, 1, t);
      if (prevPred && ratio < 1) {
        const coins = Uint8Array.from({ length: B }, () => (rng.uniform() < ratio ? 1 : 0)); // 1: the reference
        if (!coins.every(Boolean)) {
          const own = embed(prevPred, wordKeep ? select(wordKeep, 1, t) : null);
          e = coins.some(Boolean) ? where(tensor(coins, { shape: [B, 1], dtype: 'bool' }), e, own) : own;
        }
      }
      const r = this.step(e, s);
      s = r.state;
      feats.push(r.features);
      if (r.weights) weights.push(r.weights);
      if (ratio < 1) prevPred = noGrad(() => argmax(this.out.forward(r.features), -1));
    }
    return { features: stack(feats, 1), attention: weights.length ? stack(weights, 1) : null };
  }

  /** Word dropout's keep mask [B, T, 1]: 0 with probability p after `<bos>` (column 0 is kept). */
  private wordKeep(B: number, T: number, p: number, rng: Rng): Tensor {
    if (!(p >= 0 && p < 1)) throw new GlimpseError(`Seq2Seq: wordDropout must be in [0, 1), got ${p}`);
    const keep = new Float64Array(B * T).map((_, i) => (i % T === 0 || rng.uniform() >= p ? 1 : 0));
    return tensor(keep, { shape: [B, T, 1], dtype: this.out.weight.dtype });
  }

  /**
   * Logits [B, T, V] and attention weights [B, T, S] (null without attention) for a batch,
   * teacher-forced with the decoder inputs tgtIn (int32 [B, T], starting with `<bos>`).
   */
  forward(batch: SourceBatch, tgtIn: Tensor, options: DecodeOptions = {}): { logits: Tensor; attention: Tensor | null } {
    const { features, attention } = this.decodeFeatures(this.encode(batch), tgtIn, options);
    return { logits: this.out.forward(features), attention };
  }

  /**
   * Mean cross-entropy over the real target tokens (tgtOut ≠ pad); the output layer runs on
   * those positions only. Returns the loss and the number of tokens it averages.
   */
  loss(batch: SourceBatch, tgtIn: Tensor, tgtOut: Tensor, options: DecodeOptions & { labelSmoothing?: number } = {}): { loss: Tensor; tokens: number } {
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
          t: s.t,
        };
      },
    };
  }

  /** The decoder state to start decoding a source batch from (encodes it, no grad). */
  startState(batch: SourceBatch): DecoderState {
    return noGrad(() => {
      const enc = this.encode(batch);
      return { enc, rnn: enc.state, feed: null, t: 0 };
    });
  }
}

import { tensor } from '../core/create.js';
import { noGrad } from '../core/grad.js';
import type { Tensor } from '../core/tensor.js';
import { MAX_HEADS, MAX_LAYERS, MAX_LAYER_SIZE, MAX_VOCAB } from './limits.js';
import type { StepModel } from './step.js';
import {
  type DecoderCache, Dropout, Embedding, type InitOptions, LearnedPositionalEmbedding, Linear, Module,
  SinusoidalPositionalEncoding, TRANSFORMER_ACTIVATIONS, Transformer, type TransformerActivation, causalMask,
  paddingMask, selectDecoderCache,
} from '../nn/index.js';
import { normal } from '../nn/init.js';
import { crossEntropy, eq, indexSelect, logSoftmax, mean, mul, ne, reshape } from '../ops/index.js';
import { type ConfigSpec, resolveConfig } from '../util/config.js';
import { GlimpseError } from '../util/errors.js';
import { type AttentionMapGroup, headAverageRows, layerHeadMatrices, layerHeadRows } from './attention-maps.js';
import type { SourceBatch } from './seq2seq.js';

export const POSITIONAL_KINDS = ['sinusoidal', 'learned'] as const;
/** Position information added to the scaled embeddings: the fixed sinusoids of Vaswani et al. 2017, or learned rows. */
export type PositionalKind = (typeof POSITIONAL_KINDS)[number];

/**
 * A Transformer encoder–decoder (Vaswani et al. 2017): embeddings scaled by √d_model plus
 * positions, dropout, an nn.Transformer with a final LayerNorm after each stack, and a generator
 * Linear(d_model → V). The defaults are PROTOCOL W5's model (`../shared/reference/w5_transformer.py`),
 * whose state dict loads by name: `src_emb.weight`, `tgt_emb.weight`, `transformer.…`, `generator.…`.
 */
export interface TransformerSeq2SeqConfig {
  srcVocabSize: number;
  tgtVocabSize: number;
  /** E. Default 256. */
  dModel?: number;
  /** Heads. Default 4. */
  nhead?: number;
  /** Default 3. */
  numEncoderLayers?: number;
  /** Default 3. */
  numDecoderLayers?: number;
  /** Default 1024. */
  dimFeedforward?: number;
  /** In the layers and after embedding + position. Default 0.1. */
  dropout?: number;
  /** Default "relu". */
  activation?: TransformerActivation;
  /** Pre-norm layers. Default false (post-norm). */
  normFirst?: boolean;
  /** ε of every LayerNorm. Default 1e-5. */
  layerNormEps?: number;
  /** Default "sinusoidal". */
  positional?: PositionalKind;
  /** Longest source or target (size of the position table). Default 256. */
  maxLen?: number;
  /** One embedding for both sides (`tgt_emb.weight` is `src_emb.weight`; needs equal vocabularies). Default false. */
  shareEmbeddings?: boolean;
  /** The generator's weight is the target embedding. Default false. */
  tieWeights?: boolean;
  padIndex?: number;
}

export const TRANSFORMER_SEQ2SEQ_SPEC: ConfigSpec<TransformerSeq2SeqConfig> = {
  srcVocabSize: { type: 'int', min: 1, max: MAX_VOCAB },
  tgtVocabSize: { type: 'int', min: 1, max: MAX_VOCAB },
  dModel: { type: 'int', min: 1, max: MAX_LAYER_SIZE, default: 256 },
  nhead: { type: 'int', min: 1, max: MAX_HEADS, default: 4 },
  numEncoderLayers: { type: 'int', min: 1, max: MAX_LAYERS, default: 3 },
  numDecoderLayers: { type: 'int', min: 1, max: MAX_LAYERS, default: 3 },
  dimFeedforward: { type: 'int', min: 1, max: MAX_LAYER_SIZE, default: 1024 },
  dropout: { type: 'number', min: 0, max: 1, maxExclusive: true, default: 0.1 },
  activation: { type: 'enum', values: TRANSFORMER_ACTIVATIONS, default: 'relu' },
  normFirst: { type: 'boolean', default: false },
  layerNormEps: { type: 'number', min: 0, default: 1e-5 },
  positional: { type: 'enum', values: POSITIONAL_KINDS, default: 'sinusoidal' },
  maxLen: { type: 'int', min: 1, max: 1_000_000, default: 256 },
  shareEmbeddings: { type: 'boolean', default: false },
  tieWeights: { type: 'boolean', default: false },
  padIndex: { type: 'int', min: 0, default: 0 },
};

/** The encoder's output: everything decoding needs. */
export interface TransformerEncoded {
  /** [B, S, E] after transformer.encoder.norm. */
  memory: Tensor;
  /** bool [B, S], true at source padding. */
  padding: Tensor;
}

/** Decoding state of n rows: every decoder layer's key/value cache and the next target position. */
export interface TransformerSeq2SeqState {
  cache: DecoderCache;
  position: number;
}

/** Adds positions offset … offset+T−1 to x [B, T, E]. */
interface PositionAdder {
  forward(x: Tensor, options?: { offset?: number }): Tensor;
}

type Register = <M extends Module>(name: string, module: M) => M;

/** One way to build each positional kind, so a new kind without its modules does not compile. */
const POSITIONS: { readonly [K in PositionalKind]: (register: Register, E: number, maxLen: number, init: InitOptions) => { src: PositionAdder; tgt: PositionAdder } } = {
  sinusoidal: (register, E, maxLen, init) => {
    const pe = register('pe', new SinusoidalPositionalEncoding({ dim: E, maxLen }, { ...(init.dtype ? { dtype: init.dtype } : {}) }));
    return { src: pe, tgt: pe };
  },
  learned: (register, E, maxLen, init) => ({
    src: register('src_pos', new LearnedPositionalEmbedding({ dim: E, maxLen }, init)),
    tgt: register('tgt_pos', new LearnedPositionalEmbedding({ dim: E, maxLen }, init)),
  }),
};

/**
 * @example
 * const model = new TransformerSeq2Seq({ srcVocabSize: 5948, tgtVocabSize: 7879 }); // PROTOCOL W5
 * const { logits, attention } = model.forward({ src, srcLengths }, tgtIn);     // [B, T, V], [B, T, S]
 * const best = beamSearch(model.eval().asStepModel(), model.startState({ src, srcLengths }), { beam: 5, start: BOS, end: EOS, maxTokens: 50 });
 */
export class TransformerSeq2Seq extends Module {
  readonly config: Readonly<Required<TransformerSeq2SeqConfig>>;
  readonly src_emb: Embedding;
  readonly tgt_emb: Embedding;
  readonly transformer: Transformer;
  readonly generator: Linear;
  private readonly drop: Dropout;
  private readonly positions: { src: PositionAdder; tgt: PositionAdder };

  constructor(config: TransformerSeq2SeqConfig, init: InitOptions = {}) {
    super();
    const c = resolveConfig<TransformerSeq2SeqConfig>('TransformerSeq2Seq', config, TRANSFORMER_SEQ2SEQ_SPEC);
    if (c.dModel % c.nhead !== 0) throw new GlimpseError(`TransformerSeq2Seq: config.dModel ${c.dModel} is not divisible by config.nhead ${c.nhead}`);
    if (c.shareEmbeddings && c.srcVocabSize !== c.tgtVocabSize) {
      throw new GlimpseError(`TransformerSeq2Seq: shareEmbeddings needs srcVocabSize = tgtVocabSize, got ${c.srcVocabSize} and ${c.tgtVocabSize}`);
    }
    for (const [key, size] of [['srcVocabSize', c.srcVocabSize], ['tgtVocabSize', c.tgtVocabSize]] as const) {
      if (c.padIndex >= size) throw new GlimpseError(`TransformerSeq2Seq: config.padIndex ${c.padIndex} is outside config.${key} ${size}`);
    }
    this.config = Object.freeze(c);
    const E = c.dModel;
    // PROTOCOL W5's initialisation: embeddings N(0, E^−½) with the pad row 0; the Transformer
    // draws every matrix Xavier-uniform itself; the generator keeps nn.Linear's default.
    const embedding = (V: number): Embedding => {
      const emb = new Embedding({ numEmbeddings: V, embeddingDim: E, paddingIdx: c.padIndex }, init);
      const w = normal([V, E], init, 0, E ** -0.5);
      w.data.fill(0, c.padIndex * E, (c.padIndex + 1) * E);
      emb.weight.data.set(w.data);
      return emb;
    };
    this.src_emb = this.registerModule('src_emb', embedding(c.srcVocabSize));
    this.tgt_emb = this.registerModule('tgt_emb', c.shareEmbeddings ? this.src_emb : embedding(c.tgtVocabSize));
    this.positions = POSITIONS[c.positional]((name, m) => this.registerModule(name, m), E, c.maxLen, init);
    this.drop = this.registerModule('drop', new Dropout({ p: c.dropout }, init));
    this.transformer = this.registerModule('transformer', new Transformer({
      dModel: E, nhead: c.nhead, numEncoderLayers: c.numEncoderLayers, numDecoderLayers: c.numDecoderLayers,
      dimFeedforward: c.dimFeedforward, dropout: c.dropout, activation: c.activation, normFirst: c.normFirst, layerNormEps: c.layerNormEps, batchFirst: true,
    }, init));
    this.generator = this.registerModule('generator', new Linear({ inFeatures: E, outFeatures: c.tgtVocabSize }, init));
    if (c.tieWeights) this.setParameter('generator.weight', this.tgt_emb.weight);
  }

  get tgtVocabSize(): number {
    return this.config.tgtVocabSize;
  }

  /** Positions beyond the table (learned or sinusoidal) cannot be read. */
  get maxLength(): { length: number; key: string } {
    return { length: this.config.maxLen, key: 'maxLen' };
  }

  /** Decoding reports the last layer's cross-attention (averaged over heads). */
  get attends(): boolean {
    return true;
  }

  /** emb(ids)·√E + positions offset…, then dropout: ids [B, T] → [B, T, E]. */
  private embed(side: 'src' | 'tgt', ids: Tensor, offset: number): Tensor {
    const { maxLen, positional, dModel } = this.config;
    const T = ids.shape[1]!;
    if (offset + T > maxLen) {
      const what = side === 'src' ? 'source' : 'target';
      throw new GlimpseError(`TransformerSeq2Seq: ${what} positions ${offset}…${offset + T - 1} do not fit config.maxLen ${maxLen} (the ${positional} position table); use shorter sequences or a larger maxLen`);
    }
    const emb = side === 'src' ? this.src_emb : this.tgt_emb;
    return this.drop.forward(this.positions[side].forward(mul(emb.forward(ids), Math.sqrt(dModel)), { offset }));
  }

  /** Runs the encoder over a padded source batch (src int32 [B, S], padding at j ≥ srcLengths[b]). */
  encode(batch: SourceBatch): TransformerEncoded {
    const { src, srcLengths } = batch;
    if (src.ndim !== 2 || src.dtype !== 'int32') throw new GlimpseError(`TransformerSeq2Seq: src must be int32 [B, S], got ${src.dtype} [${src.shape.join(', ')}]`);
    const [B, S] = src.shape as [number, number];
    if (srcLengths.length !== B) throw new GlimpseError(`TransformerSeq2Seq: ${srcLengths.length} source lengths for a batch of ${B}`);
    srcLengths.forEach((L, b) => {
      if (!Number.isInteger(L) || L < 1 || L > S) throw new GlimpseError(`TransformerSeq2Seq: source ${b} has length ${L}, expected 1…${S}`);
    });
    const padding = paddingMask(srcLengths, S);
    const memory = this.transformer.encoder.forwardBatchFirst(this.embed('src', src, 0), { srcKeyPaddingMask: padding }).output;
    return { memory, padding };
  }

  /**
   * Teacher-forced decoder output [B, T, E] (after transformer.decoder.norm) for decoder inputs
   * tgtIn (int32 [B, T], `<bos> y…`, padded with padIndex), with every layer's attention weights.
   */
  decode(enc: TransformerEncoded, tgtIn: Tensor): { hidden: Tensor; selfWeights: Tensor[]; crossWeights: Tensor[] } {
    const B = enc.memory.shape[0]!;
    if (tgtIn.ndim !== 2 || tgtIn.dtype !== 'int32' || tgtIn.shape[0] !== B) {
      throw new GlimpseError(`TransformerSeq2Seq: tgtIn must be int32 [${B}, T], got ${tgtIn.dtype} [${tgtIn.shape.join(', ')}]`);
    }
    const T = tgtIn.shape[1]!;
    const out = this.transformer.decoder.forwardBatchFirst(this.embed('tgt', tgtIn, 0), enc.memory, {
      tgtMask: causalMask(T), tgtKeyPaddingMask: eq(tgtIn, this.config.padIndex), memoryKeyPaddingMask: enc.padding,
    });
    return { hidden: out.output, selfWeights: out.selfWeights, crossWeights: out.crossWeights };
  }

  /**
   * Logits [B, T, V] and the last decoder layer's cross-attention averaged over heads [B, T, S];
   * `crossWeights` / `selfWeights` hold every layer's weights per head.
   */
  forward(batch: SourceBatch, tgtIn: Tensor): { logits: Tensor; attention: Tensor; selfWeights: Tensor[]; crossWeights: Tensor[] } {
    const { hidden, selfWeights, crossWeights } = this.decode(this.encode(batch), tgtIn);
    return { logits: this.generator.forward(hidden), attention: mean(crossWeights[crossWeights.length - 1]!, 1), selfWeights, crossWeights };
  }

  /**
   * Mean cross-entropy over the real target tokens (tgtOut ≠ pad), with optional label
   * smoothing; the generator runs on those positions only. Returns the loss and its token count.
   */
  loss(batch: SourceBatch, tgtIn: Tensor, tgtOut: Tensor, options: { labelSmoothing?: number } = {}): { loss: Tensor; tokens: number } {
    const { hidden } = this.decode(this.encode(batch), tgtIn);
    if (tgtOut.dtype !== 'int32' || tgtOut.ndim !== 2 || tgtOut.shape[0] !== tgtIn.shape[0] || tgtOut.shape[1] !== tgtIn.shape[1]) {
      throw new GlimpseError(`TransformerSeq2Seq: tgtOut must be int32 [${tgtIn.shape.join(', ')}] like tgtIn, got ${tgtOut.dtype} [${tgtOut.shape.join(', ')}]`);
    }
    const targets = reshape(tgtOut, [-1]);
    const keep = ne(targets, this.config.padIndex).data;
    const rows: number[] = [];
    keep.forEach((k, i) => k && rows.push(i));
    if (rows.length === 0) throw new GlimpseError('TransformerSeq2Seq.loss: tgtOut has no real target tokens (all padding)');
    const idx = tensor(Int32Array.from(rows));
    const logits = this.generator.forward(indexSelect(reshape(hidden, [-1, this.config.dModel]), 0, idx));
    const loss = crossEntropy(logits, indexSelect(targets, 0, idx), { labelSmoothing: options.labelSmoothing ?? 0 });
    return { loss, tokens: rows.length };
  }

  /**
   * Every layer's and head's attention for one example (batch of 1, eval mode, no grad):
   * encoder self-attention over the source, decoder self-attention over tgtIn (`<bos> y…`, so
   * row t is the step that produced y_t) and cross-attention from tgtIn to the source.
   */
  attentionMaps(batch: SourceBatch, tgtIn: Tensor): AttentionMapGroup[] {
    if (batch.src.shape[0] !== 1) throw new GlimpseError(`TransformerSeq2Seq.attentionMaps: expected one example, got a batch of ${batch.src.shape[0]}`);
    return noGrad(() => {
      const enc = this.encode(batch);
      const encoder = this.transformer.encoder.forwardBatchFirst(this.embed('src', batch.src, 0), { srcKeyPaddingMask: enc.padding }).weights;
      const { selfWeights, crossWeights } = this.decode(enc, tgtIn);
      return [
        { name: 'encoder self-attention', rows: 'source', cols: 'source', weights: layerHeadMatrices(encoder) },
        { name: 'decoder self-attention', rows: 'target', cols: 'target', weights: layerHeadMatrices(selfWeights) },
        { name: 'cross-attention', rows: 'target', cols: 'source', weights: layerHeadMatrices(crossWeights) },
      ];
    });
  }

  /** The state to start decoding a source batch from: encodes it and caches every layer's memory keys and values (no grad). */
  startState(batch: SourceBatch): TransformerSeq2SeqState {
    return noGrad(() => {
      const enc = this.encode(batch);
      return { cache: this.transformer.decoder.startCache(enc.memory, enc.padding), position: 0 };
    });
  }

  /**
   * The model as a decoder (no grad; call `eval()` first): each step feeds one token per row
   * through the decoder's caches. `attention` is the last layer's cross-attention averaged over
   * heads; with `attentionMaps`, every layer's and head's self- and cross-attention too.
   */
  asStepModel(options: { attentionMaps?: boolean } = {}): StepModel<TransformerSeq2SeqState> {
    return {
      vocabSize: this.config.tgtVocabSize,
      step: (state, prevTokens) => noGrad(() => {
        const n = prevTokens.length;
        const ids = tensor(Int32Array.from(prevTokens), { shape: [n, 1] });
        const r = this.transformer.decoder.step(this.embed('tgt', ids, state.position), state.cache);
        const logp = logSoftmax(this.generator.forward(reshape(r.output, [n, this.config.dModel])), -1).data;
        return {
          logProbs: logp instanceof Float32Array ? logp : Float32Array.from(logp),
          state: { cache: r.cache, position: state.position + 1 },
          attention: headAverageRows(r.crossWeights[r.crossWeights.length - 1]!),
          ...(options.attentionMaps ? { attentionMaps: { self: layerHeadRows(r.selfWeights), cross: layerHeadRows(r.crossWeights) } } : {}),
        };
      }),
      select: (state, rows) => ({ cache: selectDecoderCache(state.cache, rows), position: state.position }),
    };
  }
}

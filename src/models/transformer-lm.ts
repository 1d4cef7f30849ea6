import { tensor } from '../core/create.js';
import { noGrad } from '../core/grad.js';
import type { Tensor } from '../core/tensor.js';
import { MAX_HEADS, MAX_LAYERS, MAX_LAYER_SIZE, MAX_VOCAB } from './limits.js';
import type { StepModel } from './step.js';
import {
  Dropout, Embedding, type InitOptions, type KeyValue, LayerNorm, LearnedPositionalEmbedding, Linear, Module,
  type RecurrentState, TRANSFORMER_ACTIVATIONS, TransformerEncoder, type TransformerActivation, selectRows,
} from '../nn/index.js';
import { uniform } from '../nn/init.js';
import { crossEntropy, indexSelect, logSoftmax, mean, ne, reshape, transpose } from '../ops/index.js';
import { type ConfigSpec, resolveConfig } from '../util/config.js';
import { GlimpseError } from '../util/errors.js';
import { type AttentionMapGroup, headAverageRows, layerHeadMatrices, layerHeadRows } from './attention-maps.js';

/**
 * A decoder-only Transformer language model, PROTOCOL W1's `transformer`
 * (`../shared/reference/w1_lm.py`): token embedding plus learned positions 0…contextSize−1,
 * dropout, a stack of causal self-attention layers (`nn.TransformerEncoderLayer`, pre-norm with
 * GELU by default), a final LayerNorm, dropout, a linear layer to the vocabulary. State-dict
 * names as that script's module: `encoder.weight`, `pos.weight`, `blocks.layers.N.…`,
 * `norm.*`, `decoder.*`.
 */
export interface TransformerLanguageModelConfig {
  vocabSize: number;
  /** E. Default 256. */
  dModel?: number;
  /** Default 4. */
  nhead?: number;
  /** Default 4. */
  numLayers?: number;
  /** Default 1024. */
  dimFeedforward?: number;
  /** In the layers, on the embeddings and before the output layer. Default 0.2. */
  dropout?: number;
  /** Default "gelu". */
  activation?: TransformerActivation;
  /**
   * Pre-norm layers and a final LayerNorm `norm` (default true, as W1 and GPT-2). Post-norm
   * layers already end in a LayerNorm, so without normFirst there is no `norm`.
   */
  normFirst?: boolean;
  layerNormEps?: number;
  /** Positions the model reads at once (the learned table's size; W1's BPTT window). Default 35. */
  contextSize?: number;
  /** Share the output layer's weight with the embedding. Default false. */
  tieWeights?: boolean;
}

export const TRANSFORMER_LM_SPEC: ConfigSpec<TransformerLanguageModelConfig> = {
  vocabSize: { type: 'int', min: 1, max: MAX_VOCAB },
  dModel: { type: 'int', min: 1, max: MAX_LAYER_SIZE, default: 256 },
  nhead: { type: 'int', min: 1, max: MAX_HEADS, default: 4 },
  numLayers: { type: 'int', min: 1, max: MAX_LAYERS, default: 4 },
  dimFeedforward: { type: 'int', min: 1, max: MAX_LAYER_SIZE, default: 1024 },
  dropout: { type: 'number', min: 0, max: 1, maxExclusive: true, default: 0.2 },
  activation: { type: 'enum', values: TRANSFORMER_ACTIVATIONS, default: 'gelu' },
  normFirst: { type: 'boolean', default: true },
  layerNormEps: { type: 'number', min: 0, default: 1e-5 },
  contextSize: { type: 'int', min: 1, max: 1_000_000, default: 35 },
  tieWeights: { type: 'boolean', default: false },
};

/** What a forward pass over a window returns. */
export interface TransformerLanguageModelOutput {
  /** [T, B, V] next-token logits. */
  logits: Tensor;
  /** Always null: nothing is carried to the next window. */
  state: null;
  /** [B, T, T] the last layer's causal self-attention averaged over heads. */
  attention: Tensor;
  /** Per layer: [B, nh, T, T]. */
  weights: Tensor[];
}

/**
 * Decoding state of n rows: every layer's key/value cache (null before the first token), the
 * next position, and each row's tokens in the cache (to slide the window once it is full).
 */
export interface TransformerLanguageModelState {
  caches: KeyValue[] | null;
  position: number;
  history: number[][];
}

/**
 * @example
 * const lm = new TransformerLanguageModel({ vocabSize: 6516 });   // PROTOCOL W1 `transformer`
 * const { logits } = lm.forward(ids);                              // ids int32 [T, B] → [T, B, V]
 * const [text] = sample(lm.eval().asStepModel(), lm.prime(prompt), 1, { start: prompt.at(-1)!, end: null, maxTokens: 60, rng });
 */
export class TransformerLanguageModel extends Module {
  readonly config: Readonly<Required<TransformerLanguageModelConfig>>;
  readonly encoder: Embedding;
  readonly pos: LearnedPositionalEmbedding;
  readonly blocks: TransformerEncoder;
  readonly norm: LayerNorm | null;
  readonly decoder: Linear;
  private readonly drop: Dropout;

  constructor(config: TransformerLanguageModelConfig, init: InitOptions = {}) {
    super();
    const c = resolveConfig<TransformerLanguageModelConfig>('TransformerLanguageModel', config, TRANSFORMER_LM_SPEC);
    if (c.dModel % c.nhead !== 0) throw new GlimpseError(`TransformerLanguageModel: config.dModel ${c.dModel} is not divisible by config.nhead ${c.nhead}`);
    this.config = Object.freeze(c);
    const E = c.dModel;
    this.encoder = this.registerModule('encoder', new Embedding({ numEmbeddings: c.vocabSize, embeddingDim: E }, init));
    this.pos = this.registerModule('pos', new LearnedPositionalEmbedding({ dim: E, maxLen: c.contextSize }, init));
    this.drop = this.registerModule('drop', new Dropout({ p: c.dropout }, init));
    this.blocks = this.registerModule('blocks', new TransformerEncoder({
      dModel: E, nhead: c.nhead, numLayers: c.numLayers, dimFeedforward: c.dimFeedforward, dropout: c.dropout,
      activation: c.activation, normFirst: c.normFirst, layerNormEps: c.layerNormEps, batchFirst: true,
    }, init));
    this.norm = c.normFirst ? this.registerModule('norm', new LayerNorm({ normalizedShape: E, eps: c.layerNormEps }, init)) : null;
    this.decoder = this.registerModule('decoder', new Linear({ inFeatures: E, outFeatures: c.vocabSize }, init));
    // W1's initialisation: embedding and output weights U(−0.1, 0.1), output bias 0.
    this.encoder.weight.data.set(uniform([c.vocabSize, E], 0.1, init).data);
    if (c.tieWeights) this.setParameter('decoder.weight', this.encoder.weight);
    else this.decoder.weight.data.set(uniform([c.vocabSize, E], 0.1, init).data);
    this.decoder.bias!.data.fill(0);
  }

  get vocabSize(): number {
    return this.config.vocabSize;
  }

  /** Windows longer than the learned position table cannot be read. */
  get maxWindow(): { length: number; key: string } {
    return { length: this.config.contextSize, key: 'contextSize' };
  }

  /** Generation reports the last layer's self-attention over the context (averaged over heads). */
  get attends(): boolean {
    return true;
  }

  /** Token embeddings plus positions offset…, dropped out: ids [B, L] → [B, L, E]. */
  private embed(ids: Tensor, offset: number): Tensor {
    const L = ids.shape[1]!;
    const T = this.config.contextSize;
    if (offset + L > T) {
      throw new GlimpseError(`TransformerLanguageModel: positions ${offset}…${offset + L - 1} do not fit config.contextSize ${T} (the learned position table pos.weight [${T}, ${this.config.dModel}]); feed windows of at most ${T} tokens`);
    }
    return this.drop.forward(this.pos.forward(this.encoder.forward(ids), { offset }));
  }

  /** Final norm (pre-norm models), dropout and the output layer: h [..., E] → logits [..., V]. */
  private head(h: Tensor): Tensor {
    return this.decoder.forward(this.drop.forward(this.norm ? this.norm.forward(h) : h));
  }

  /**
   * @param ids int32 [T, B] (time-major, as W1's BPTT windows), T ≤ contextSize
   * @param _state ignored: each window is read on its own (W1 carries no state across windows)
   */
  forward(ids: Tensor, _state: RecurrentState | null = null): TransformerLanguageModelOutput {
    if (ids.ndim !== 2 || ids.dtype !== 'int32') {
      throw new GlimpseError(`TransformerLanguageModel: ids must be int32 [T, B], got ${ids.dtype} [${ids.shape.join(', ')}]`);
    }
    const x = this.embed(transpose(ids, 0, 1), 0); // [B, T, E]
    const { output, weights } = this.blocks.forwardBatchFirst(x, { isCausal: true });
    return { logits: transpose(this.head(output), 0, 1), state: null, attention: mean(weights[weights.length - 1]!, 1), weights };
  }

  /**
   * Mean cross-entropy of the next-token predictions against targets (int32 [T, B]), over the
   * tokens ≠ ignoreIndex when given; optional label smoothing. Returns the loss and its token count.
   */
  loss(ids: Tensor, targets: Tensor, options: { labelSmoothing?: number; ignoreIndex?: number } = {}): { loss: Tensor; tokens: number } {
    if (targets.dtype !== 'int32' || targets.ndim !== 2 || targets.shape[0] !== ids.shape[0] || targets.shape[1] !== ids.shape[1]) {
      throw new GlimpseError(`TransformerLanguageModel: targets must be int32 [${ids.shape.join(', ')}] like ids, got ${targets.dtype} [${targets.shape.join(', ')}]`);
    }
    const { logits } = this.forward(ids);
    const flat = reshape(logits, [-1, this.config.vocabSize]);
    const y = reshape(targets, [-1]);
    const smoothing = { labelSmoothing: options.labelSmoothing ?? 0 };
    if (options.ignoreIndex === undefined) return { loss: crossEntropy(flat, y, smoothing), tokens: y.size };
    const rows: number[] = [];
    ne(y, options.ignoreIndex).data.forEach((k, i) => k && rows.push(i));
    if (rows.length === 0) throw new GlimpseError('TransformerLanguageModel.loss: every target is ignoreIndex');
    const idx = tensor(Int32Array.from(rows));
    return { loss: crossEntropy(indexSelect(flat, 0, idx), indexSelect(y, 0, idx), smoothing), tokens: rows.length };
  }

  /**
   * Every layer's and head's causal self-attention over one text (eval mode, no grad): ids are
   * its last contextSize tokens at most; row i attends to positions 0…i.
   */
  attentionMaps(ids: readonly number[]): AttentionMapGroup[] {
    const window = ids.slice(-this.config.contextSize);
    if (window.length === 0) throw new GlimpseError('TransformerLanguageModel.attentionMaps: no tokens');
    return noGrad(() => {
      const { weights } = this.forward(tensor(Int32Array.from(window), { shape: [window.length, 1] }));
      return [{ name: 'self-attention', rows: 'target', cols: 'target', weights: layerHeadMatrices(weights) }];
    });
  }

  /** An empty decoding state for n rows. */
  startState(n = 1): TransformerLanguageModelState {
    return { caches: null, position: 0, history: Array.from({ length: n }, () => []) };
  }

  /**
   * Runs a prompt (all but its last token, at most contextSize − 1 of them) through the model,
   * for generation to continue from its last token:
   * `sample(lm.asStepModel(), lm.prime(prompt), 1, { start: prompt.at(-1)!, … })`.
   */
  prime(prompt: readonly number[]): TransformerLanguageModelState {
    if (prompt.length === 0) throw new GlimpseError('TransformerLanguageModel.prime: the prompt is empty');
    const keep = this.config.contextSize - 1;
    return this.feed([keep > 0 ? prompt.slice(0, -1).slice(-keep) : []]);
  }

  /** A state holding `rows` (equal lengths, < contextSize) in its caches. */
  private feed(rows: number[][]): TransformerLanguageModelState {
    const L = rows[0]?.length ?? 0;
    if (L === 0) return this.startState(rows.length);
    return noGrad(() => {
      const ids = tensor(Int32Array.from(rows.flat()), { shape: [rows.length, L] });
      const { caches } = this.blocks.step(this.embed(ids, 0), null);
      return { caches, position: L, history: rows.map((r) => [...r]) };
    });
  }

  /**
   * The model as a decoder (no grad; call `eval()` first): each step feeds one token per row
   * through the layers' caches. Once contextSize positions are used the window slides: the
   * caches are rebuilt from each row's last contextSize − 1 tokens (absolute learned positions
   * cannot go further). `attention` is the last layer's self-attention averaged over heads; with
   * `attentionMaps`, every layer and head.
   */
  asStepModel(options: { attentionMaps?: boolean } = {}): StepModel<TransformerLanguageModelState> {
    const V = this.config.vocabSize;
    return {
      vocabSize: V,
      step: (state, prevTokens) => noGrad(() => {
        const n = prevTokens.length;
        if (state.history.length !== n) throw new GlimpseError(`TransformerLanguageModel: a state of ${state.history.length} rows got ${n} tokens`);
        const s = state.position < this.config.contextSize ? state : this.feed(state.history.map((h) => h.slice(h.length - this.config.contextSize + 1)));
        const ids = tensor(Int32Array.from(prevTokens), { shape: [n, 1] });
        const r = this.blocks.step(this.embed(ids, s.position), s.caches);
        const logp = logSoftmax(this.head(reshape(r.output, [n, this.config.dModel])), -1).data;
        return {
          logProbs: logp instanceof Float32Array ? logp : Float32Array.from(logp),
          state: { caches: r.caches, position: s.position + 1, history: s.history.map((h, i) => [...h, prevTokens[i]!]) },
          attention: headAverageRows(r.weights[r.weights.length - 1]!),
          ...(options.attentionMaps ? { attentionMaps: { self: layerHeadRows(r.weights) } } : {}),
        };
      }),
      select: (state, rows) => ({
        caches: state.caches ? state.caches.map((c) => selectRows(c, rows)) : null,
        position: state.position,
        history: Array.from(rows, (r) => [...state.history[r]!]),
      }),
    };
  }
}

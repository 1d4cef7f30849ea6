import type { Tensor } from '../../core/tensor.js';
import { GlimpseError } from '../../util/errors.js';
import { shapeStr } from '../../util/shape.js';
import { checkMask } from '../attention/heads.js';
import { MultiheadAttention } from '../attention/multihead.js';
import type { InitOptions } from '../config.js';
import { Dropout } from '../dropout.js';
import { LayerNorm } from '../layernorm.js';
import { Linear } from '../linear.js';
import { Module } from '../module.js';
import { type DecoderLayerCache, type MemoryKeyValue, cachedLength } from './cache.js';
import { type ResolvedLayerConfig, type TransformerLayerConfig, resolveLayerConfig } from './config.js';
import { appendKeyValue, fromBatchFirst, toBatchFirst } from './encoder-layer.js';
import { continuationMask } from './masks.js';
import { feedForward, residual } from './sublayers.js';

export interface DecoderLayerForwardOptions {
  /** [T, T] or [B·nh, T, T]: bool, true = excluded (PyTorch's tgt_mask, e.g. causal), or additive float. */
  tgtMask?: Tensor | null;
  /** [T, S] or [B·nh, T, S]: bool, true = excluded (PyTorch's memory_mask), or additive float. */
  memoryMask?: Tensor | null;
  /** [B, T]: bool, true = padding (PyTorch's tgt_key_padding_mask), or additive float. */
  tgtKeyPaddingMask?: Tensor | null;
  /** [B, S]: bool, true = padding (PyTorch's memory_key_padding_mask), or additive float. */
  memoryKeyPaddingMask?: Tensor | null;
  /** Also exclude target key j > query i (causal self-attention without building a mask). Default false. */
  tgtIsCausal?: boolean;
}

/** A decoder layer's output with its attention weights per head: self [B, nh, T, Tk], cross [B, nh, T, S]. */
export interface DecoderLayerOutput {
  output: Tensor;
  selfWeights: Tensor;
  crossWeights: Tensor;
}

/**
 * PyTorch's nn.TransformerDecoderLayer: self-attention, cross-attention over the encoder's
 * memory and a feed-forward block, each a residual sub-layer, post-norm or pre-norm (`normFirst`):
 *   post: h1 = norm1(x + drop1(SA(x))); h2 = norm2(h1 + drop2(CA(h1, m))); y = norm3(h2 + drop3(FF(h2)))
 *   pre:  h1 = x + drop1(SA(norm1(x))); h2 = h1 + drop2(CA(norm2(h1), m)); y = h2 + drop3(FF(norm3(h2)))
 * Parameter names as PyTorch: `self_attn.*`, `multihead_attn.*`, `linear1.*`, `linear2.*`,
 * `norm1.*` … `norm3.*`.
 *
 * For decoding, {@link startCache} projects the memory's keys and values once and {@link step}
 * appends each new position's self-attention keys and values to the cache.
 *
 * @example
 * const layer = new TransformerDecoderLayer({ dModel: 16, nhead: 4, batchFirst: true });
 * const y = layer.forward(tgt, memory, { tgtMask: causalMask(T), memoryKeyPaddingMask: paddingMask(srcLengths, S) });
 */
export class TransformerDecoderLayer extends Module {
  readonly config: ResolvedLayerConfig;
  readonly self_attn: MultiheadAttention;
  readonly multihead_attn: MultiheadAttention;
  readonly linear1: Linear;
  readonly dropout: Dropout;
  readonly linear2: Linear;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly norm3: LayerNorm;
  readonly dropout1: Dropout;
  readonly dropout2: Dropout;
  readonly dropout3: Dropout;

  constructor(config: TransformerLayerConfig, init: InitOptions = {}) {
    super();
    const c = resolveLayerConfig('TransformerDecoderLayer', config);
    this.config = c;
    const E = c.dModel;
    const attn = { embedDim: E, numHeads: c.nhead, dropout: c.dropout, bias: c.bias, batchFirst: true };
    this.self_attn = this.registerModule('self_attn', new MultiheadAttention(attn, init));
    this.multihead_attn = this.registerModule('multihead_attn', new MultiheadAttention(attn, init));
    this.linear1 = this.registerModule('linear1', new Linear({ inFeatures: E, outFeatures: c.dimFeedforward, bias: c.bias }, init));
    this.dropout = this.registerModule('dropout', new Dropout({ p: c.dropout }, init));
    this.linear2 = this.registerModule('linear2', new Linear({ inFeatures: c.dimFeedforward, outFeatures: E, bias: c.bias }, init));
    const norm = { normalizedShape: E, eps: c.layerNormEps, bias: c.bias };
    this.norm1 = this.registerModule('norm1', new LayerNorm(norm, init));
    this.norm2 = this.registerModule('norm2', new LayerNorm(norm, init));
    this.norm3 = this.registerModule('norm3', new LayerNorm(norm, init));
    this.dropout1 = this.registerModule('dropout1', new Dropout({ p: c.dropout }, init));
    this.dropout2 = this.registerModule('dropout2', new Dropout({ p: c.dropout }, init));
    this.dropout3 = this.registerModule('dropout3', new Dropout({ p: c.dropout }, init));
  }

  /**
   * @param tgt [B, T, E] with batchFirst, else [T, B, E]
   * @param memory [B, S, E] with batchFirst, else [S, B, E]
   * @returns like tgt
   */
  forward(tgt: Tensor, memory: Tensor, options: DecoderLayerForwardOptions = {}): Tensor {
    const owner = 'TransformerDecoderLayer';
    const x = toBatchFirst(owner, 'tgt', tgt, this.config);
    const m = toBatchFirst(owner, 'memory', memory, this.config);
    return fromBatchFirst(this.forwardBatchFirst(x, m, options).output, this.config);
  }

  /** As {@link forward} on x [B, T, E] and memory [B, S, E] whatever `batchFirst` says, also returning the attention weights. */
  forwardBatchFirst(x: Tensor, memory: Tensor, options: DecoderLayerForwardOptions = {}): DecoderLayerOutput {
    const owner = 'TransformerDecoderLayer';
    const [B, T] = x.shape as [number, number, number];
    const S = memory.shape[1]!;
    if (memory.shape[0] !== B) throw new GlimpseError(`${owner}: memory has batch ${memory.shape[0]} but tgt has ${B}`);
    const nh = this.config.nhead;
    checkMask(owner, 'tgtMask', options.tgtMask, [[T, T], [B * nh, T, T]]);
    checkMask(owner, 'memoryMask', options.memoryMask, [[T, S], [B * nh, T, S]]);
    checkMask(owner, 'tgtKeyPaddingMask', options.tgtKeyPaddingMask, [[B, T]]);
    checkMask(owner, 'memoryKeyPaddingMask', options.memoryKeyPaddingMask, [[B, S]]);
    const seen: { self?: Tensor; cross?: Tensor } = {};
    const output = this.block(x, (h) => {
      const { q, k, v } = this.self_attn.projectSelf(h);
      const a = this.self_attn.attendProjected(q, k, v, {
        attnMask: options.tgtMask ?? null, keyPaddingMask: options.tgtKeyPaddingMask ?? null, causal: options.tgtIsCausal ?? false,
      });
      seen.self = a.weights;
      return a.context;
    }, (h) => {
      const { k, v } = this.multihead_attn.projectKeyValue(memory, memory);
      const a = this.multihead_attn.attendProjected(this.multihead_attn.projectQuery(h), k, v, {
        attnMask: options.memoryMask ?? null, keyPaddingMask: options.memoryKeyPaddingMask ?? null,
      });
      seen.cross = a.weights;
      return a.context;
    });
    return { output, selfWeights: seen.self!, crossWeights: seen.cross! };
  }

  /**
   * The cache to start decoding from: the memory's cross-attention keys and values (computed
   * once here, not at every step) and an empty self-attention cache.
   * @param memory [B, S, E] (batch-first)
   * @param memoryKeyPaddingMask [B, S] (true = padding) or null
   */
  startCache(memory: Tensor, memoryKeyPaddingMask: Tensor | null = null): DecoderLayerCache {
    const owner = 'TransformerDecoderLayer.startCache';
    if (memory.ndim !== 3 || memory.shape[2] !== this.config.dModel) {
      throw new GlimpseError(`${owner}: memory must be [B, S, ${this.config.dModel}], got ${shapeStr(memory.shape)}`);
    }
    checkMask(owner, 'memoryKeyPaddingMask', memoryKeyPaddingMask, [[memory.shape[0]!, memory.shape[1]!]]);
    return { self: null, cross: { ...this.multihead_attn.projectKeyValue(memory, memory), keyPaddingMask: memoryKeyPaddingMask } };
  }

  /**
   * L new target positions x [B, L, E] (batch-first) after those in the cache: causal
   * self-attention over the cached and new positions, cross-attention over the cached memory
   * keys and values — equal to {@link forward} over the whole prefix with a causal tgtMask.
   * Returns the output [B, L, E], the cache with the new positions appended and the weights per
   * head: self [B, nh, L, past + L], cross [B, nh, L, S].
   */
  step(x: Tensor, cache: DecoderLayerCache): DecoderLayerOutput & { cache: DecoderLayerCache } {
    const owner = 'TransformerDecoderLayer.step';
    if (x.ndim !== 3 || x.shape[2] !== this.config.dModel) throw new GlimpseError(`${owner}: x must be [B, L, ${this.config.dModel}], got ${shapeStr(x.shape)}`);
    const cross: MemoryKeyValue = cache.cross;
    if (cross.k.shape[0] !== x.shape[0]) throw new GlimpseError(`${owner}: the cache holds ${cross.k.shape[0]} rows but x has ${x.shape[0]}`);
    const past = cachedLength(cache.self);
    const L = x.shape[1]!;
    const seen: { kv?: DecoderLayerCache['self']; self?: Tensor; cross?: Tensor } = {};
    const output = this.block(x, (h) => {
      const { q, k, v } = this.self_attn.projectSelf(h);
      const kv = appendKeyValue(owner, cache.self, k, v);
      const a = this.self_attn.attendProjected(q, kv.k, kv.v, { attnMask: L > 1 ? continuationMask(L, past) : null });
      seen.kv = kv;
      seen.self = a.weights;
      return a.context;
    }, (h) => {
      const a = this.multihead_attn.attendProjected(this.multihead_attn.projectQuery(h), cross.k, cross.v, { keyPaddingMask: cross.keyPaddingMask });
      seen.cross = a.weights;
      return a.context;
    });
    return { output, cache: { self: seen.kv!, cross }, selfWeights: seen.self!, crossWeights: seen.cross! };
  }

  private block(x: Tensor, selfAttention: (h: Tensor) => Tensor, crossAttention: (h: Tensor) => Tensor): Tensor {
    const c = this.config;
    const h1 = residual(x, c.normFirst, this.norm1, this.dropout1, selfAttention);
    const h2 = residual(h1, c.normFirst, this.norm2, this.dropout2, crossAttention);
    return residual(h2, c.normFirst, this.norm3, this.dropout3, (z) => feedForward(z, this.linear1, c.activation, this.dropout, this.linear2));
  }
}

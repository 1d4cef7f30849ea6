import type { Tensor } from '../../core/tensor.js';
import { concat, transpose } from '../../ops/index.js';
import { GlimpseError } from '../../util/errors.js';
import { shapeStr } from '../../util/shape.js';
import { checkMask } from '../attention/heads.js';
import { MultiheadAttention } from '../attention/multihead.js';
import type { InitOptions } from '../config.js';
import { Dropout } from '../dropout.js';
import { LayerNorm } from '../layernorm.js';
import { Linear } from '../linear.js';
import { Module } from '../module.js';
import { type KeyValue, cachedLength } from './cache.js';
import { type ResolvedLayerConfig, type TransformerLayerConfig, resolveLayerConfig } from './config.js';
import { continuationMask } from './masks.js';
import { feedForward, residual } from './sublayers.js';

export interface EncoderLayerForwardOptions {
  /** [S, S] or [B·nh, S, S]: bool, true = excluded (PyTorch's src_mask), or additive float. */
  srcMask?: Tensor | null;
  /** [B, S]: bool, true = padding (PyTorch's src_key_padding_mask), or additive float. */
  srcKeyPaddingMask?: Tensor | null;
  /** Also exclude key j > query i (a causal stack without building a mask). Default false. */
  isCausal?: boolean;
}

/** A layer's output with its self-attention weights per head [B, nh, T, Tk]. */
export interface LayerOutput {
  output: Tensor;
  weights: Tensor;
}

/** Throws unless x is [B, T, E] / [T, B, E] (as `batchFirst` says) with E = dModel; returns it batch-first. */
export function toBatchFirst(owner: string, name: string, x: Tensor, c: ResolvedLayerConfig): Tensor {
  if (x.ndim !== 3 || x.shape[2] !== c.dModel) {
    throw new GlimpseError(`${owner}: ${name} must be [${c.batchFirst ? 'B, T' : 'T, B'}, ${c.dModel}] (batchFirst ${c.batchFirst}), got ${shapeStr(x.shape)}`);
  }
  return c.batchFirst ? x : transpose(x, 0, 1);
}

/** Back from batch-first to the layout `batchFirst` says. */
export function fromBatchFirst(x: Tensor, c: ResolvedLayerConfig): Tensor {
  return c.batchFirst ? x : transpose(x, 0, 1);
}

/**
 * PyTorch's nn.TransformerEncoderLayer: self-attention and a feed-forward block, each a residual
 * sub-layer, post-norm (Vaswani et al. 2017) or pre-norm (`normFirst`):
 *   post: h = norm1(x + drop1(SA(x)));        y = norm2(h + drop2(FF(h)))
 *   pre:  h = x + drop1(SA(norm1(x)));        y = h + drop2(FF(norm2(h)))
 * with FF(x) = linear2(dropout(act(linear1(x)))) and dropout on the attention weights inside SA.
 * Parameter names as PyTorch: `self_attn.in_proj_weight`, `self_attn.out_proj.weight`,
 * `linear1.*`, `linear2.*`, `norm1.*`, `norm2.*`.
 *
 * {@link step} runs causal self-attention incrementally over a cache of keys and values (a
 * decoder-only LM built from these layers).
 *
 * @example
 * const layer = new TransformerEncoderLayer({ dModel: 16, nhead: 4, dimFeedforward: 64, batchFirst: true });
 * const y = layer.forward(x, { srcKeyPaddingMask: paddingMask(lengths, S) }); // x, y [B, S, 16]
 */
export class TransformerEncoderLayer extends Module {
  readonly config: ResolvedLayerConfig;
  readonly self_attn: MultiheadAttention;
  readonly linear1: Linear;
  readonly dropout: Dropout;
  readonly linear2: Linear;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly dropout1: Dropout;
  readonly dropout2: Dropout;

  constructor(config: TransformerLayerConfig, init: InitOptions = {}) {
    super();
    const c = resolveLayerConfig('TransformerEncoderLayer', config);
    this.config = c;
    const E = c.dModel;
    this.self_attn = this.registerModule('self_attn', new MultiheadAttention({ embedDim: E, numHeads: c.nhead, dropout: c.dropout, bias: c.bias, batchFirst: true }, init));
    this.linear1 = this.registerModule('linear1', new Linear({ inFeatures: E, outFeatures: c.dimFeedforward, bias: c.bias }, init));
    this.dropout = this.registerModule('dropout', new Dropout({ p: c.dropout }, init));
    this.linear2 = this.registerModule('linear2', new Linear({ inFeatures: c.dimFeedforward, outFeatures: E, bias: c.bias }, init));
    const norm = { normalizedShape: E, eps: c.layerNormEps, bias: c.bias };
    this.norm1 = this.registerModule('norm1', new LayerNorm(norm, init));
    this.norm2 = this.registerModule('norm2', new LayerNorm(norm, init));
    this.dropout1 = this.registerModule('dropout1', new Dropout({ p: c.dropout }, init));
    this.dropout2 = this.registerModule('dropout2', new Dropout({ p: c.dropout }, init));
  }

  /**
   * @param src [B, S, E] with batchFirst, else [S, B, E]
   * @returns the same shape
   */
  forward(src: Tensor, options: EncoderLayerForwardOptions = {}): Tensor {
    const x = toBatchFirst('TransformerEncoderLayer', 'src', src, this.config);
    return fromBatchFirst(this.forwardBatchFirst(x, options).output, this.config);
  }

  /** As {@link forward} on x [B, S, E] whatever `batchFirst` says, also returning the attention weights [B, nh, S, S]. */
  forwardBatchFirst(x: Tensor, options: EncoderLayerForwardOptions = {}): LayerOutput {
    const [B, S] = x.shape as [number, number, number];
    const owner = 'TransformerEncoderLayer';
    checkMask(owner, 'srcMask', options.srcMask, [[S, S], [B * this.config.nhead, S, S]]);
    checkMask(owner, 'srcKeyPaddingMask', options.srcKeyPaddingMask, [[B, S]]);
    const seen: { weights?: Tensor } = {};
    const output = this.block(x, (h) => {
      const { q, k, v } = this.self_attn.projectSelf(h);
      const a = this.self_attn.attendProjected(q, k, v, {
        attnMask: options.srcMask ?? null, keyPaddingMask: options.srcKeyPaddingMask ?? null, causal: options.isCausal ?? false,
      });
      seen.weights = a.weights;
      return a.context;
    });
    return { output, weights: seen.weights! };
  }

  /**
   * Causal self-attention over L new positions x [B, L, E] (batch-first) after the positions
   * whose keys and values `cache` holds (null: none yet): each new position sees every cached
   * one and the new ones up to itself, exactly as {@link forward} with a causal mask over the
   * whole prefix. Returns the output [B, L, E], the cache with the new positions appended and
   * the weights per head [B, nh, L, past + L].
   */
  step(x: Tensor, cache: KeyValue | null): LayerOutput & { cache: KeyValue } {
    const owner = 'TransformerEncoderLayer.step';
    if (x.ndim !== 3 || x.shape[2] !== this.config.dModel) throw new GlimpseError(`${owner}: x must be [B, L, ${this.config.dModel}], got ${shapeStr(x.shape)}`);
    const past = cachedLength(cache);
    const seen: { cache?: KeyValue; weights?: Tensor } = {};
    const output = this.block(x, (h) => {
      const { q, k, v } = this.self_attn.projectSelf(h);
      const next = appendKeyValue(owner, cache, k, v);
      const L = x.shape[1]!;
      const a = this.self_attn.attendProjected(q, next.k, next.v, { attnMask: L > 1 ? continuationMask(L, past) : null });
      seen.cache = next;
      seen.weights = a.weights;
      return a.context;
    });
    return { output, cache: seen.cache!, weights: seen.weights! };
  }

  private block(x: Tensor, selfAttention: (h: Tensor) => Tensor): Tensor {
    const c = this.config;
    const h = residual(x, c.normFirst, this.norm1, this.dropout1, selfAttention);
    return residual(h, c.normFirst, this.norm2, this.dropout2, (z) => feedForward(z, this.linear1, c.activation, this.dropout, this.linear2));
  }
}

/** The cache with new keys and values [B, nh, L, hd] appended along the positions. */
export function appendKeyValue(owner: string, cache: KeyValue | null, k: Tensor, v: Tensor): KeyValue {
  if (!cache) return { k, v };
  if (cache.k.shape[0] !== k.shape[0]) {
    throw new GlimpseError(`${owner}: the cache holds ${cache.k.shape[0]} rows but x has ${k.shape[0]}`);
  }
  return { k: concat([cache.k, k], 2), v: concat([cache.v, v], 2) };
}

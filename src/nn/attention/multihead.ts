import type { Tensor } from '../../core/tensor.js';
import {
  chunk, concat, dropout, linear, logicalNot, matmul, mean, permute, reshape, slice, squeeze, transpose, unsqueeze,
} from '../../ops/index.js';
import { GlimpseError } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import { shapeStr } from '../../util/shape.js';
import { type InitOptions, resolveConfig } from '../config.js';
import { constant, xavierUniform } from '../init.js';
import { Linear } from '../linear.js';
import { Module } from '../module.js';
import { type HeadMasks, attendHeads, checkMask } from './heads.js';
import type { AttentionOutput, SourceAttender, SourceAttentionOptions } from './source.js';

export interface MultiheadAttentionConfig {
  /** E: model size (query features and output). */
  embedDim: number;
  /** nh: heads; E must be divisible by it (head size hd = E / nh). */
  numHeads: number;
  /** Dropout on the attention weights in training. Default 0. */
  dropout?: number;
  /** Learn in_proj_bias and out_proj.bias. Default true. */
  bias?: boolean;
  /** Key features; default E. */
  kdim?: number | null;
  /** Value features; default E. */
  vdim?: number | null;
  /** Inputs and output are [B, T, ·] instead of PyTorch's default [T, B, ·]. Default false. */
  batchFirst?: boolean;
}

export interface MultiheadForwardOptions {
  /** PADDING mask [B, Tk]: bool, true = padding key, excluded (PyTorch's key_padding_mask), or additive float. */
  keyPaddingMask?: Tensor | null;
  /** NOT-ALLOWED mask [Tq, Tk] or [B·nh, Tq, Tk]: bool, true = excluded (PyTorch's attn_mask), or added to the scores (float). */
  attnMask?: Tensor | null;
  /** Also exclude key j > query i. Default false. */
  isCausal?: boolean;
  /** Return weights averaged over heads [B, Tq, Tk] (default true, as PyTorch), else per head [B, nh, Tq, Tk]. */
  averageAttnWeights?: boolean;
}

/**
 * Multi-head attention (Vaswani et al. 2017), PyTorch's nn.MultiheadAttention: project q, k,
 * v, split the features into nh contiguous heads, attend per head with scaled dot-product
 * attention, concatenate, project out.
 *
 * Parameters as PyTorch names them: `in_proj_weight` [3E, E] when kdim = vdim = E, else
 * `q_proj_weight` [E, E], `k_proj_weight` [E, kdim], `v_proj_weight` [E, vdim]; `in_proj_bias`
 * [3E]; `out_proj.weight` [E, E], `out_proj.bias` [E]. Initialised as PyTorch (xavier-uniform
 * projections, zero biases).
 *
 * Masks use PyTorch's conventions: bool true = excluded, float masks are added to the scores.
 * {@link projectQuery}, {@link projectKeyValue} and {@link attendProjected} expose the steps,
 * so a decoder can compute its memory's keys and values once. Unlike PyTorch, a query whose keys are all
 * masked gets weights 0 (its output is out_proj.bias), not NaN.
 *
 * @example
 * const mha = new MultiheadAttention({ embedDim: 8, numHeads: 2, batchFirst: true });
 * const { context, weights } = mha.forward(x, x, x, {
 *   keyPaddingMask: paddingMask(lengths, T), isCausal: true, averageAttnWeights: false,
 * }); // context [B, T, 8]; weights [B, 2, T, T], one map per head
 */
export class MultiheadAttention extends Module implements SourceAttender {
  readonly config: Readonly<{ embedDim: number; numHeads: number; dropout: number; bias: boolean; kdim: number; vdim: number; batchFirst: boolean }>;
  readonly outProj: Linear;
  private readonly rng: Rng | undefined;

  constructor(config: MultiheadAttentionConfig, init: InitOptions = {}) {
    super();
    const c = resolveConfig<Required<MultiheadAttentionConfig>>('MultiheadAttention', config, {
      embedDim: { type: 'int', min: 1 },
      numHeads: { type: 'int', min: 1 },
      dropout: { type: 'number', default: 0, min: 0, max: 1, maxExclusive: true },
      bias: { type: 'boolean', default: true },
      kdim: { type: 'intOrNull', default: null, min: 1 },
      vdim: { type: 'intOrNull', default: null, min: 1 },
      batchFirst: { type: 'boolean', default: false },
    });
    const E = c.embedDim;
    if (E % c.numHeads !== 0) throw new GlimpseError(`MultiheadAttention: embedDim ${E} is not divisible by numHeads ${c.numHeads}`);
    this.config = Object.freeze({ ...c, kdim: c.kdim ?? E, vdim: c.vdim ?? E });
    this.rng = init.rng;
    if (this.sameEmbedDim) {
      this.registerParameter('in_proj_weight', xavierUniform([3 * E, E], init));
    } else {
      this.registerParameter('q_proj_weight', xavierUniform([E, E], init));
      this.registerParameter('k_proj_weight', xavierUniform([E, this.config.kdim], init));
      this.registerParameter('v_proj_weight', xavierUniform([E, this.config.vdim], init));
    }
    if (c.bias) this.registerParameter('in_proj_bias', constant([3 * E], 0, init));
    this.outProj = this.registerModule('out_proj', new Linear({ inFeatures: E, outFeatures: E, bias: c.bias }, init));
    if (c.bias) this.outProj.bias!.data.fill(0);
  }

  /** Whether q, k, v share one packed `in_proj_weight` (kdim = vdim = E). */
  get sameEmbedDim(): boolean {
    return this.config.kdim === this.config.embedDim && this.config.vdim === this.config.embedDim;
  }

  /** hd = E / nh */
  get headDim(): number {
    return this.config.embedDim / this.config.numHeads;
  }

  /** The projection weight and bias of q (0), k (1) or v (2). */
  private projection(which: 0 | 1 | 2): [Tensor, Tensor | null] {
    const E = this.config.embedDim;
    const b = this.optionalParameter('in_proj_bias');
    const bias = b ? slice(b, 0, which * E, (which + 1) * E) : null;
    if (this.sameEmbedDim) return [slice(this.parameter('in_proj_weight'), 0, which * E, (which + 1) * E), bias];
    return [this.parameter(['q_proj_weight', 'k_proj_weight', 'v_proj_weight'][which]!), bias];
  }

  /** [B, T, E] → [B, nh, T, hd] */
  private splitHeads(x: Tensor): Tensor {
    const [B, T] = x.shape as [number, number, number];
    return permute(reshape(x, [B, T, this.config.numHeads, this.headDim]), [0, 2, 1, 3]);
  }

  /** Query heads of x [B, Tq, E] (batch-first) → [B, nh, Tq, hd]. */
  projectQuery(x: Tensor): Tensor {
    return this.splitHeads(linear(x, ...this.projection(0)));
  }

  /**
   * Key and value heads of key [B, Tk, kdim] and value [B, Tk, vdim] (batch-first) → each
   * [B, nh, Tk, hd]: what a decoder computes once from its memory and reuses at every step.
   */
  projectKeyValue(key: Tensor, value: Tensor): { k: Tensor; v: Tensor } {
    return { k: this.splitHeads(linear(key, ...this.projection(1))), v: this.splitHeads(linear(value, ...this.projection(2))) };
  }

  /** Query, key and value heads of self-attention over x [B, T, E] (batch-first), each [B, nh, T, hd]. */
  projectSelf(x: Tensor): { q: Tensor; k: Tensor; v: Tensor } {
    if (!this.sameEmbedDim) return { q: this.projectQuery(x), ...this.projectKeyValue(x, x) };
    // One GEMM for all three projections.
    const [q, k, v] = chunk(linear(x, this.parameter('in_proj_weight'), this.optionalParameter('in_proj_bias')), 3, -1) as [Tensor, Tensor, Tensor];
    return { q: this.splitHeads(q), k: this.splitHeads(k), v: this.splitHeads(v) };
  }

  /**
   * Attention over projected heads q [B, nh, Tq, hd], k and v [B, nh, Tk, hd]: dropout on the
   * weights in training, heads merged and projected out. Masks as PyTorch takes them (bool,
   * true = excluded, or additive float; see {@link attendHeads}).
   * @returns context [B, Tq, E] (batch-first) and weights per head [B, nh, Tq, Tk]
   */
  attendProjected(q: Tensor, k: Tensor, v: Tensor, masks: HeadMasks = {}): AttentionOutput {
    const [B, , Tq] = q.shape as [number, number, number, number];
    const attn = attendHeads(q, k, v, masks);
    let weights = attn.weights; // [B, nh, Tq, Tk]
    let heads = attn.output; // [B, nh, Tq, hd]
    if (this.training && this.config.dropout > 0) {
      weights = dropout(weights, this.config.dropout, this.rng ? { rng: this.rng } : {});
      heads = matmul(weights, v);
    }
    const merged = reshape(permute(heads, [0, 2, 1, 3]), [B, Tq, this.config.embedDim]);
    return { context: this.outProj.forward(merged), weights };
  }

  /**
   * @param query [B, Tq, E] with batchFirst, else [Tq, B, E]
   * @param key [B, Tk, kdim] (or [Tk, B, kdim])
   * @param value [B, Tk, vdim] (or [Tk, B, vdim])
   * @returns context like query; weights [B, Tq, Tk] averaged, or [B, nh, Tq, Tk] per head
   */
  forward(query: Tensor, key: Tensor, value: Tensor, options: MultiheadForwardOptions = {}): AttentionOutput {
    const { embedDim: E, kdim, vdim, batchFirst, numHeads } = this.config;
    const bf = (t: Tensor): Tensor => (batchFirst ? t : transpose(t, 0, 1));
    const layout = batchFirst ? 'B, T' : 'T, B';
    const checkInput = (t: Tensor, dim: number, what: string): void => {
      if (t.ndim !== 3 || t.shape[2] !== dim) throw new GlimpseError(`MultiheadAttention: ${what} must be [${layout}, ${dim}], got ${shapeStr(t.shape)}`);
    };
    checkInput(query, E, 'query');
    checkInput(key, kdim, 'key');
    checkInput(value, vdim, 'value');
    const [q3, k3, v3] = [bf(query), bf(key), bf(value)];
    const [B, Tq] = q3.shape as [number, number];
    const Tk = k3.shape[1]!;
    if (k3.shape[0] !== B || v3.shape[0] !== B || Tk !== v3.shape[1]) {
      throw new GlimpseError(`MultiheadAttention: query ${shapeStr(query.shape)}, key ${shapeStr(key.shape)} and value ${shapeStr(value.shape)} disagree on batch or key length`);
    }
    checkMask('MultiheadAttention', 'attnMask', options.attnMask, [[Tq, Tk], [B * numHeads, Tq, Tk]]);
    checkMask('MultiheadAttention', 'keyPaddingMask', options.keyPaddingMask, [[B, Tk]]);
    const self = query === key && key === value;
    const { q, k, v } = self ? this.projectSelf(q3) : { q: this.projectQuery(q3), ...this.projectKeyValue(k3, v3) };
    const { context, weights } = this.attendProjected(q, k, v, {
      causal: options.isCausal ?? false,
      keyPaddingMask: options.keyPaddingMask ?? null,
      attnMask: options.attnMask ?? null,
    });
    const averaged = options.averageAttnWeights ?? true;
    return {
      context: batchFirst ? context : transpose(context, 0, 1),
      weights: averaged ? mean(weights, 1) : weights,
    };
  }

  /**
   * As source attention of a decoder (the {@link SourceAttender} interface; always batch-first):
   * the key and value projections of the memory [B, S, kdim] → [B, S, 2E], computed once per
   * source batch instead of at every step.
   */
  projectKeys(memory: Tensor): Tensor {
    return concat([linear(memory, ...this.projection(1)), linear(memory, ...this.projection(2))], -1);
  }

  /**
   * A decoder query [B, E] (one step) or [B, Tq, E] over the memory [B, S, kdim] (keys and
   * values), `options.mask` true = real source token: context like the query, `weights`
   * averaged over the heads, `headWeights` per head ([B, nh, S] or [B, nh, Tq, S]).
   */
  attend(query: Tensor, memory: Tensor, options: SourceAttentionOptions = {}): AttentionOutput {
    const single = query.ndim === 2;
    const q3 = single ? unsqueeze(query, 1) : query; // [B, Tq, E]
    if (q3.ndim !== 3 || q3.shape[2] !== this.config.embedDim || memory.ndim !== 3 || memory.shape[0] !== q3.shape[0]) {
      throw new GlimpseError(`MultiheadAttention: query must be [B, ${this.config.embedDim}] or [B, Tq, ${this.config.embedDim}] and memory [B, S, ${this.config.kdim}], got ${shapeStr(query.shape)} and ${shapeStr(memory.shape)}`);
    }
    const [k, v] = chunk(options.keys ?? this.projectKeys(memory), 2, -1) as [Tensor, Tensor]; // [B, S, E] each
    const { context, weights } = this.attendProjected(this.projectQuery(q3), this.splitHeads(k), this.splitHeads(v), {
      keyPaddingMask: options.mask ? logicalNot(options.mask) : null,
    });
    const averaged = mean(weights, 1); // [B, Tq, S]
    if (!single) return { context, weights: averaged, headWeights: weights };
    return { context: squeeze(context, 1), weights: squeeze(averaged, 1), headWeights: squeeze(weights, 2) };
  }
}

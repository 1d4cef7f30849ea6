import { tensor } from '../../core/create.js';
import type { Tensor } from '../../core/tensor.js';
import { exp, matmul, mul, sigmoid, squeeze, sub, tanh, unsqueeze } from '../../ops/index.js';
import { GlimpseError } from '../../util/errors.js';
import { type InitOptions, resolveConfig } from '../config.js';
import { Linear } from '../linear.js';
import { maskedSoftmax } from './masks.js';
import { SourceAttention } from './source.js';

/** Default half-width D of the window [p_t − D, p_t + D] (Luong et al. 2015 use D = 10 on WMT). */
export const LOCAL_WINDOW = 5;

export interface LocalAttentionConfig {
  /** Dq: size of the decoder state that queries. */
  queryDim: number;
  /** Dk: size of the encoder states. */
  keyDim: number;
  /** D: half-width of the window [p_t − D, p_t + D] (≥ 1). Default {@link LOCAL_WINDOW}. */
  window?: number;
}

export interface LocalPredictiveConfig extends LocalAttentionConfig {
  /** A: hidden size of the position predictor W_p. */
  attnDim: number;
}

const localSpec = {
  queryDim: { type: 'int', min: 1 },
  keyDim: { type: 'int', min: 1 },
  window: { type: 'int', min: 1, default: LOCAL_WINDOW },
} as const;

/** Real length L_b of each row: the count of true entries of the KEEP mask [B, S] (S without one). */
function rowLengths(mask: Tensor | null, B: number, S: number): number[] {
  if (!mask) return Array.from({ length: B }, () => S);
  const m = mask.data as Uint8Array;
  return Array.from({ length: B }, (_, b) => m.subarray(b * S, (b + 1) * S).reduce((n, x) => n + (x ? 1 : 0), 0));
}

/**
 * KEEP mask bool [B, Tq, S] of Luong's window: s with |s − p_t| ≤ D among the real tokens.
 * @param centre p_t of row b, query i
 */
function windowMask(lengths: readonly number[], Tq: number, S: number, D: number, centre: (b: number, i: number) => number): Tensor {
  const B = lengths.length;
  const keep = new Uint8Array(B * Tq * S);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < Tq; i++) {
      const p = centre(b, i);
      const row = (b * Tq + i) * S;
      for (let s = 0; s < lengths[b]!; s++) if (Math.abs(s - p) <= D) keep[row + s] = 1;
    }
  }
  return tensor(keep, { shape: [B, Tq, S], dtype: 'bool' });
}

/**
 * Luong et al. 2015 §3.2 local attention, scored with Luong's "general" score
 * e_s = h_tᵀ W_a h̄_s (`W.weight` [Dq, Dk], as in {@link LuongGeneralAttention}): the softmax
 * runs over the window [p_t − D, p_t + D] only, and every weight outside it is exactly 0.
 * Positions are 0-based; a row's window is cut to its real tokens 0…L−1. Subclasses choose the
 * centre p_t; the decoder passes t as `options.position`.
 */
export abstract class LocalAttention extends SourceAttention {
  readonly W: Linear;

  protected constructor(readonly window: number, queryDim: number, keyDim: number, init: InitOptions) {
    super();
    this.W = this.registerModule('W', new Linear({ inFeatures: keyDim, outFeatures: queryDim, bias: false }, init));
  }

  /** (Wᵀh_t)·h̄_s: query [B, Tq, Dq], keys [B, S, Dk] → [B, Tq, S]. */
  protected score(query: Tensor, keys: Tensor): Tensor {
    return matmul(matmul(query, this.W.weight), keys, { transposeB: true });
  }
}

/**
 * Luong's local-m (monotonic alignment): p_t = t, the window [t − D, t + D], no Gaussian.
 * Where the target runs past the source (t > L − 1) the centre stays at the last real token
 * L − 1, so every step attends to something (Luong leave that case open).
 *
 * @example
 * const attn = new LocalMonotonicAttention({ queryDim: 4, keyDim: 6, window: 2 });
 * const { weights } = attn.forward(h, enc, { mask, position: t }); // h [B, 4] at step t; weights [B, S], 0 outside |s − t| ≤ 2
 */
export class LocalMonotonicAttention extends LocalAttention {
  readonly config: Readonly<Required<LocalAttentionConfig>>;

  constructor(config: LocalAttentionConfig, init: InitOptions = {}) {
    const c = resolveConfig<LocalAttentionConfig>('LocalMonotonicAttention', config, localSpec);
    super(c.window, c.queryDim, c.keyDim, init);
    this.config = c;
  }

  protected override weigh(scores: Tensor, _query: Tensor, mask: Tensor | null, position: number): Tensor {
    if (!Number.isInteger(position) || position < 0) throw new GlimpseError(`LocalMonotonicAttention: position must be an integer ≥ 0, got ${position}`);
    const [B, Tq, S] = scores.shape as [number, number, number];
    const L = rowLengths(mask, B, S);
    return maskedSoftmax(scores, windowMask(L, Tq, S, this.window, (b, i) => Math.min(position + i, Math.max(L[b]! - 1, 0))));
  }
}

/**
 * Luong's local-p (predictive alignment): p_t = (L − 1)·σ(v_pᵀ tanh(W_p h_t)) (`W_p.weight`
 * [A, Dq], `v_p.weight` [1, A]), and the window's softmax weights are multiplied by a Gaussian
 * centred there: a_t(s) = align(h_t, h̄_s)·exp(−(s − p_t)²/(2σ²)), σ = D/2. Luong write
 * p_t = S·σ(·) ∈ [0, S] over 1-based positions; with 0-based positions, L − 1 maps σ onto the
 * real tokens exactly. The window's edges are not differentiable; the gradient of p_t flows
 * through the Gaussian, as in the paper. The weights of a step do not sum to 1.
 *
 * @example
 * const attn = new LocalPredictiveAttention({ queryDim: 4, keyDim: 6, attnDim: 5, window: 2 });
 * const { context, weights } = attn.forward(h, enc, { mask }); // weights 0 outside |s − p_t| ≤ 2
 */
export class LocalPredictiveAttention extends LocalAttention {
  readonly config: Readonly<Required<LocalPredictiveConfig>>;
  readonly W_p: Linear;
  readonly v_p: Linear;

  constructor(config: LocalPredictiveConfig, init: InitOptions = {}) {
    const c = resolveConfig<LocalPredictiveConfig>('LocalPredictiveAttention', config, { ...localSpec, attnDim: { type: 'int', min: 1 } });
    super(c.window, c.queryDim, c.keyDim, init);
    this.config = c;
    this.W_p = this.registerModule('W_p', new Linear({ inFeatures: c.queryDim, outFeatures: c.attnDim, bias: false }, init));
    this.v_p = this.registerModule('v_p', new Linear({ inFeatures: c.attnDim, outFeatures: 1, bias: false }, init));
  }

  /** p_t [B, Tq] for queries [B, Tq, Dq] over rows of real lengths L. */
  centres(query: Tensor, lengths: readonly number[]): Tensor {
    const B = lengths.length;
    if (query.ndim !== 3 || query.shape[0] !== B) throw new GlimpseError(`LocalPredictiveAttention: centres needs queries [${B}, Tq, Dq], got [${query.shape.join(', ')}]`);
    const span = tensor(Float64Array.from(lengths, (n) => Math.max(n - 1, 0)), { shape: [B, 1], dtype: query.dtype });
    return mul(sigmoid(squeeze(this.v_p.forward(tanh(this.W_p.forward(query))), -1)), span);
  }

  protected override weigh(scores: Tensor, query: Tensor, mask: Tensor | null): Tensor {
    const [B, Tq, S] = scores.shape as [number, number, number];
    const L = rowLengths(mask, B, S);
    const p = this.centres(query, L); // [B, Tq]
    const pv = p.data;
    const align = maskedSoftmax(scores, windowMask(L, Tq, S, this.window, (b, i) => pv[b * Tq + i]!));
    const s = tensor(Float64Array.from({ length: S }, (_, j) => j), { shape: [1, 1, S], dtype: query.dtype });
    const d = sub(s, unsqueeze(p, -1)); // s − p_t [B, Tq, S]
    const sigma = this.window / 2;
    return mul(align, exp(mul(mul(d, d), -1 / (2 * sigma * sigma))));
  }
}

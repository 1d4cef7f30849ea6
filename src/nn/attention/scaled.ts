import type { Tensor } from '../../core/tensor.js';
import { scaledDotProductAttention } from '../../ops/index.js';
import { resolveConfig } from '../config.js';
import { Module } from '../module.js';
import type { AttentionOutput } from './source.js';

export interface ScaledDotProductAttentionConfig {
  /** Exclude key j > query i (decoder self-attention). Default false. */
  causal?: boolean;
  /** Multiplies Q·Kᵀ; null (default) means 1/√d. */
  scale?: number | null;
}

export interface ScaledDotProductOptions {
  /** PADDING mask bool [B, Tk]: true = padding key, excluded (PyTorch's key_padding_mask). */
  keyPaddingMask?: Tensor | null;
  /** NOT-ALLOWED mask bool [Tq, Tk]: true = excluded (PyTorch's boolean attn_mask). */
  attnMask?: Tensor | null;
}

/**
 * Scaled dot-product attention (Vaswani et al. 2017) on the fused kernel, without parameters:
 * weights = softmax(Q·Kᵀ/√d + M), context = weights·V, for q [..., Tq, d], k [..., Tk, d],
 * v [..., Tk, dv] (e.g. [B, nh, T, hd]). Masked keys get weight exactly 0; a query with every
 * key masked gets weights 0 and context 0 (never NaN).
 *
 * @example
 * const sdpa = new ScaledDotProductAttention({ causal: true });
 * const { context, weights } = sdpa.forward(q, k, v, { keyPaddingMask: paddingMask(lengths, T) });
 */
export class ScaledDotProductAttention extends Module {
  readonly config: Readonly<{ causal: boolean; scale: number | null }>;

  constructor(config: ScaledDotProductAttentionConfig = {}) {
    super();
    this.config = resolveConfig('ScaledDotProductAttention', config, {
      causal: { type: 'boolean', default: false },
      scale: { type: 'numberOrNull', default: null },
    });
  }

  forward(q: Tensor, k: Tensor, v: Tensor, options: ScaledDotProductOptions = {}): AttentionOutput {
    const { output, weights } = scaledDotProductAttention(q, k, v, {
      causal: this.config.causal,
      keyPaddingMask: options.keyPaddingMask ?? null,
      attnMask: options.attnMask ?? null,
      ...(this.config.scale !== null ? { scale: this.config.scale } : {}),
    });
    return { context: output, weights };
  }
}

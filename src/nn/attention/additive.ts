import type { Tensor } from '../../core/tensor.js';
import { add, squeeze, tanh, unsqueeze } from '../../ops/index.js';
import { type InitOptions, resolveConfig } from '../config.js';
import { Linear } from '../linear.js';
import { SourceAttention } from './source.js';

export interface AdditiveAttentionConfig {
  /** Dq: size of the decoder state that queries. */
  queryDim: number;
  /** Dk: size of the encoder states. */
  keyDim: number;
  /** A: size of the hidden layer of the scoring MLP. */
  attnDim: number;
  /** Learn the bias of W_k (the scorer's one bias). Default true. */
  bias?: boolean;
}

/**
 * Additive attention (Bahdanau et al. 2015): e_j = vᵀ·tanh(W_q·q + W_k·k_j + b), masked
 * softmax over j, context = Σ_j a_j·k_j. Parameters `W_q.weight` [A, Dq], `W_k.weight`
 * [A, Dk], `W_k.bias` [A], `v.weight` [1, A] (PyTorch Linear layers of those names).
 *
 * W_k·k_j + b does not depend on the decoder step: compute it once with `projectKeys` and pass
 * it back as `keys`.
 *
 * @example
 * const attn = new AdditiveAttention({ queryDim: 12, keyDim: 12, attnDim: 12 });
 * const keys = attn.projectKeys(enc);                        // enc [B, S, 12], once per batch
 * const { context, weights } = attn.forward(s, enc, { mask, keys }); // s [B, 12] → [B, 12], [B, S]
 */
export class AdditiveAttention extends SourceAttention {
  readonly config: Readonly<Required<AdditiveAttentionConfig>>;
  readonly W_q: Linear;
  readonly W_k: Linear;
  readonly v: Linear;

  constructor(config: AdditiveAttentionConfig, init: InitOptions = {}) {
    super();
    this.config = resolveConfig('AdditiveAttention', config, {
      queryDim: { type: 'int', min: 1 },
      keyDim: { type: 'int', min: 1 },
      attnDim: { type: 'int', min: 1 },
      bias: { type: 'boolean', default: true },
    });
    const { queryDim, keyDim, attnDim, bias } = this.config;
    this.W_q = this.registerModule('W_q', new Linear({ inFeatures: queryDim, outFeatures: attnDim, bias: false }, init));
    this.W_k = this.registerModule('W_k', new Linear({ inFeatures: keyDim, outFeatures: attnDim, bias }, init));
    this.v = this.registerModule('v', new Linear({ inFeatures: attnDim, outFeatures: 1, bias: false }, init));
  }

  /** W_k·k_j + b: memory [B, S, Dk] → [B, S, A]. */
  override projectKeys(memory: Tensor): Tensor {
    return this.W_k.forward(memory);
  }

  protected score(query: Tensor, keys: Tensor): Tensor {
    // [B, 1, S, A] + [B, Tq, 1, A] → tanh → v → [B, Tq, S]
    const e = tanh(add(unsqueeze(keys, 1), unsqueeze(this.W_q.forward(query), 2)));
    return squeeze(this.v.forward(e), -1);
  }
}

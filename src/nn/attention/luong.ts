import type { Tensor } from '../../core/tensor.js';
import { add, linear, matmul, slice, squeeze, tanh, unsqueeze } from '../../ops/index.js';
import { GlimpseError } from '../../util/errors.js';
import { shapeStr } from '../../util/shape.js';
import { type InitOptions, resolveConfig } from '../config.js';
import { Linear } from '../linear.js';
import { SourceAttention } from './source.js';

/**
 * Luong et al. 2015, "dot": e_j = qᵀ·k_j (no scaling, no parameters); Dq must equal Dk.
 *
 * @example
 * const { context, weights } = new LuongDotAttention().forward(h, enc, { mask });
 */
export class LuongDotAttention extends SourceAttention {
  protected override get dotProductScore(): boolean {
    return true;
  }

  protected score(query: Tensor, keys: Tensor): Tensor {
    if (query.shape[2] !== keys.shape[2]) {
      throw new GlimpseError(`LuongDotAttention: query size ${query.shape[2]} differs from key size ${keys.shape[2]} (query ${shapeStr(query.shape)}, keys ${shapeStr(keys.shape)})`);
    }
    return matmul(query, keys, { transposeB: true }); // [B, Tq, D] @ [B, S, D]ᵀ
  }
}

export interface LuongGeneralConfig {
  queryDim: number;
  keyDim: number;
}

/**
 * Luong "general": e_j = qᵀ·(W·k_j), W = `W.weight` [Dq, Dk] (a Linear(Dk, Dq) without bias).
 * Computed as (Wᵀq)·k_j: the keys stay the encoder states themselves (also the values), so a
 * decoder step projects its query [B, Dq] instead of every key [B, S, Dk], and the fused
 * attention reads one array of keys and values.
 *
 * @example
 * const attn = new LuongGeneralAttention({ queryDim: 4, keyDim: 6 });
 * const { context, weights } = attn.forward(q, enc, { mask }); // q [B, 4], enc [B, S, 6]
 */
export class LuongGeneralAttention extends SourceAttention {
  readonly config: Readonly<LuongGeneralConfig>;
  readonly W: Linear;

  constructor(config: LuongGeneralConfig, init: InitOptions = {}) {
    super();
    this.config = resolveConfig('LuongGeneralAttention', config, { queryDim: { type: 'int', min: 1 }, keyDim: { type: 'int', min: 1 } });
    this.W = this.registerModule('W', new Linear({ inFeatures: this.config.keyDim, outFeatures: this.config.queryDim, bias: false }, init));
  }

  protected override get dotProductScore(): boolean {
    return true;
  }

  /** Wᵀq: query [B, Tq, Dq] → [B, Tq, Dk]. */
  protected override projectQuery(query: Tensor): Tensor {
    return matmul(query, this.W.weight);
  }

  protected score(query: Tensor, keys: Tensor): Tensor {
    return matmul(this.projectQuery(query), keys, { transposeB: true });
  }
}

export interface LuongConcatConfig {
  queryDim: number;
  keyDim: number;
  /** A: size of the scorer's hidden layer. */
  attnDim: number;
}

/**
 * Luong "concat": e_j = vᵀ·tanh(W·[q ; k_j]), W = `W.weight` [A, Dq + Dk] (its first Dq
 * columns act on q), v = `v.weight` [1, A]; no biases. The key half W[:, Dq:]·k_j is the
 * precomputable term.
 *
 * @example
 * const attn = new LuongConcatAttention({ queryDim: 4, keyDim: 6, attnDim: 5 });
 * const { context, weights } = attn.forward(q, enc, { mask });
 */
export class LuongConcatAttention extends SourceAttention {
  readonly config: Readonly<LuongConcatConfig>;
  readonly W: Linear;
  readonly v: Linear;

  constructor(config: LuongConcatConfig, init: InitOptions = {}) {
    super();
    this.config = resolveConfig('LuongConcatAttention', config, {
      queryDim: { type: 'int', min: 1 },
      keyDim: { type: 'int', min: 1 },
      attnDim: { type: 'int', min: 1 },
    });
    const { queryDim, keyDim, attnDim } = this.config;
    this.W = this.registerModule('W', new Linear({ inFeatures: queryDim + keyDim, outFeatures: attnDim, bias: false }, init));
    this.v = this.registerModule('v', new Linear({ inFeatures: attnDim, outFeatures: 1, bias: false }, init));
  }

  /** W[:, Dq:]·k_j: memory [B, S, Dk] → [B, S, A]. */
  override projectKeys(memory: Tensor): Tensor {
    return linear(memory, slice(this.W.weight, 1, this.config.queryDim));
  }

  protected score(query: Tensor, keys: Tensor): Tensor {
    const qTerm = linear(query, slice(this.W.weight, 1, 0, this.config.queryDim)); // [B, Tq, A]
    const e = tanh(add(unsqueeze(keys, 1), unsqueeze(qTerm, 2))); // [B, Tq, S, A]
    return squeeze(this.v.forward(e), -1);
  }
}

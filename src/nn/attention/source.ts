import type { Tensor } from '../../core/tensor.js';
import { logicalNot, matmul, scaledDotProductAttention, squeeze, unsqueeze } from '../../ops/index.js';
import { GlimpseError } from '../../util/errors.js';
import { shapeStr } from '../../util/shape.js';
import { Module } from '../module.js';
import { maskedSoftmax } from './masks.js';

/** What every attention module returns: the attended summary and the weights that made it. */
export interface AttentionOutput {
  /** Σ_j weights_j · value_j: [B, Dv] for one query per row, [B, Tq, Dv] for several. */
  context: Tensor;
  /** Attention distribution over the keys: [B, S] or [B, Tq, S] (rows sum to 1, or to 0 when fully masked). */
  weights: Tensor;
  /** Multi-head attention: each head's distribution, [B, nh, S] or [B, nh, Tq, S] (`weights` is their mean). */
  headWeights?: Tensor;
}

/**
 * What a decoder needs from any attention over encoder states ("memory"): one interface for
 * the additive and Luong scorers and for multi-head attention, so a decoder has one path.
 * `projectKeys` is the part that depends only on the memory, computed once per source batch;
 * `attend` scores a query against it.
 */
export interface SourceAttender extends Module {
  /** The memory-only term [B, S, ·], computed once per batch and passed back as `options.keys`. */
  projectKeys(memory: Tensor): Tensor;
  /**
   * @param query [B, Dq] (one decoder step) or [B, Tq, Dq] (all steps at once)
   * @param memory [B, S, Dk]: the encoder states
   */
  attend(query: Tensor, memory: Tensor, options?: SourceAttentionOptions): AttentionOutput;
}

export interface SourceAttentionOptions {
  /**
   * KEEP mask bool [B, S]: true = real source token (attended), false = padding (weight 0).
   * Build it with `lengthMask(lengths, S)`. A row with no true entry gets weights 0 and context 0.
   */
  mask?: Tensor | null;
  /**
   * The key-side term from `projectKeys(memory)`, computed once per source batch and passed
   * back at every decoder step (a value the caller holds, not state hidden in the module).
   */
  keys?: Tensor | null;
  /**
   * t: the target position of the query's first row (row i of a [B, Tq, Dq] query is at t + i).
   * Only position-aware attention (Luong's local attention) reads it. Default 0.
   */
  position?: number;
}

/**
 * Attention of a decoder query over encoder states ("memory", both keys and values), the
 * family of Bahdanau et al. 2015 and Luong et al. 2015. Subclasses define the score
 * e_j = score(q, k_j); this class masks, normalises and sums:
 *
 *   a = softmax_j(e_j) over real tokens,   context = Σ_j a_j · memory_j
 *
 * The query is [B, Dq] (one step) or [B, Tq, Dq] (all steps at once).
 *
 * @example
 * // A new scorer only defines score(); masking, softmax and the weighted sum come from here.
 * class ScaledDot extends SourceAttention {
 *   protected score(q: Tensor, keys: Tensor): Tensor {
 *     return mul(matmul(q, transpose(keys, 1, 2)), 1 / Math.sqrt(q.shape[2]!));
 *   }
 * }
 * const { context, weights } = new ScaledDot().forward(query, memory, { mask: lengthMask(lengths, S) });
 */
export abstract class SourceAttention extends Module implements SourceAttender {
  /**
   * The part of the score that depends only on the memory: [B, S, ·]. Compute it once per
   * batch and pass it as `options.keys` at every step. The default is the memory itself.
   */
  projectKeys(memory: Tensor): Tensor {
    return memory;
  }

  /** Scores [B, Tq, S] for queries [B, Tq, Dq] against projected keys [B, S, ·]. */
  protected abstract score(query: Tensor, keys: Tensor): Tensor;

  /**
   * True when score(q, k) is the dot product projectQuery(q)·kᵀ (Luong dot and general):
   * forward then runs the whole masked softmax and weighted sum as one fused scaled-dot-product
   * attention with scale 1 (same result, one op instead of several at every decoder step).
   */
  protected get dotProductScore(): boolean {
    return false;
  }

  /**
   * Weights [B, Tq, S] from scores [B, Tq, S]: the masked softmax over real tokens by default.
   * Position-aware attention overrides it (Luong's local attention keeps a window around p_t).
   *
   * @param query [B, Tq, Dq]: the queries behind the scores
   * @param mask KEEP mask bool [B, S], or null
   * @param position t of the first query row (see {@link SourceAttentionOptions.position})
   */
  protected weigh(scores: Tensor, _query: Tensor, mask: Tensor | null, _position: number): Tensor {
    return maskedSoftmax(scores, mask ? unsqueeze(mask, 1) : null);
  }

  /** For a dot-product score: the query-side term [B, Tq, ·] dotted with the keys. The query itself by default. */
  protected projectQuery(query: Tensor): Tensor {
    return query;
  }

  /** The same as `forward`: the {@link SourceAttender} interface's name for it. */
  attend(query: Tensor, memory: Tensor, options: SourceAttentionOptions = {}): AttentionOutput {
    return this.forward(query, memory, options);
  }

  /**
   * @param query [B, Dq] or [B, Tq, Dq]
   * @param memory [B, S, Dk]: the encoder states (keys and values)
   */
  forward(query: Tensor, memory: Tensor, options: SourceAttentionOptions = {}): AttentionOutput {
    const name = this.constructor.name;
    if (memory.ndim !== 3) throw new GlimpseError(`${name}: memory must be [B, S, Dk], got ${shapeStr(memory.shape)}`);
    const [B, S] = memory.shape as [number, number, number];
    if ((query.ndim !== 2 && query.ndim !== 3) || query.shape[0] !== B) {
      throw new GlimpseError(`${name}: query must be [${B}, Dq] or [${B}, Tq, Dq], got ${shapeStr(query.shape)} (memory ${shapeStr(memory.shape)})`);
    }
    const mask = options.mask ?? null;
    if (mask && (mask.dtype !== 'bool' || mask.ndim !== 2 || mask.shape[0] !== B || mask.shape[1] !== S)) {
      throw new GlimpseError(`${name}: mask must be bool [${B}, ${S}] (true = real token), got ${mask.dtype} ${shapeStr(mask.shape)}`);
    }
    const keys = options.keys ?? this.projectKeys(memory);
    if (keys.ndim !== 3 || keys.shape[0] !== B || keys.shape[1] !== S) {
      throw new GlimpseError(`${name}: keys must be [${B}, ${S}, ·] (from projectKeys), got ${shapeStr(keys.shape)}`);
    }
    const single = query.ndim === 2;
    const q = single ? unsqueeze(query, 1) : query; // [B, Tq, Dq]
    if (this.dotProductScore) {
      const pq = this.projectQuery(q);
      if (pq.shape[2] !== keys.shape[2]) {
        throw new GlimpseError(`${name}: query size ${pq.shape[2]} differs from key size ${keys.shape[2]} (query ${shapeStr(query.shape)}, keys ${shapeStr(keys.shape)})`);
      }
      const { output, weights } = scaledDotProductAttention(pq, keys, memory, { scale: 1, keyPaddingMask: mask ? logicalNot(mask) : null });
      return single ? { context: squeeze(output, 1), weights: squeeze(weights, 1) } : { context: output, weights };
    }
    const scores = this.score(q, keys); // [B, Tq, S]
    const weights = this.weigh(scores, q, mask, options.position ?? 0);
    const context = matmul(weights, memory); // [B, Tq, Dk]
    return single ? { context: squeeze(context, 1), weights: squeeze(weights, 1) } : { context, weights };
  }
}

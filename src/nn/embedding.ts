import type { Tensor } from '../core/tensor.js';
import { embedding } from '../ops/index.js';
import { GlimpseError } from '../util/errors.js';
import { type InitOptions, resolveConfig } from './config.js';
import { normal } from './init.js';
import { Module } from './module.js';

export interface EmbeddingConfig {
  numEmbeddings: number;
  embeddingDim: number;
  /**
   * Row that receives no gradient (padding); it is initialised to 0, as PyTorch does.
   * Negative values count from the end. Default null (none).
   */
  paddingIdx?: number | null;
}

/**
 * A lookup table of learned vectors (PyTorch's nn.Embedding): weight [V, E] ~ N(0, 1), the
 * padding row set to 0. ids (int32, any shape) → [...ids.shape, E].
 *
 * @example
 * const emb = new Embedding({ numEmbeddings: 100, embeddingDim: 16, paddingIdx: 0 });
 * emb.forward(ids); // ids [B, T] int32 → [B, T, 16]
 */
export class Embedding extends Module {
  readonly config: Readonly<Required<EmbeddingConfig>>;
  /** The padding row as a non-negative index, or null. */
  readonly paddingIdx: number | null;

  constructor(config: EmbeddingConfig, init: InitOptions = {}) {
    super();
    this.config = resolveConfig('Embedding', config, {
      numEmbeddings: { type: 'int', min: 1 },
      embeddingDim: { type: 'int', min: 0 },
      paddingIdx: { type: 'intOrNull', default: null },
    });
    const { numEmbeddings: V, embeddingDim: E, paddingIdx } = this.config;
    if (paddingIdx !== null && (paddingIdx >= V || paddingIdx < -V)) {
      throw new GlimpseError(`Embedding: paddingIdx ${paddingIdx} is outside [-${V}, ${V})`);
    }
    this.paddingIdx = paddingIdx === null ? null : paddingIdx < 0 ? paddingIdx + V : paddingIdx;
    const weight = normal([V, E], init);
    if (this.paddingIdx !== null) weight.data.fill(0, this.paddingIdx * E, (this.paddingIdx + 1) * E);
    this.registerParameter('weight', weight);
  }

  /** [V, E] */
  get weight(): Tensor {
    return this.parameter('weight');
  }

  /** ids int32 [...] → [..., E] */
  forward(ids: Tensor): Tensor {
    return embedding(this.weight, ids, this.paddingIdx);
  }
}

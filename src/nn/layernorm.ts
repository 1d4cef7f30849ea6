import type { Tensor } from '../core/tensor.js';
import { layerNorm } from '../ops/index.js';
import { type InitOptions, resolveConfig } from './config.js';
import { constant } from './init.js';
import { Module } from './module.js';

export interface LayerNormConfig {
  /** Size(s) of the trailing dims to normalise over. */
  normalizedShape: number | number[];
  /** Added to the variance. Default 1e-5. */
  eps?: number;
  /** Learn a per-element scale (and bias). Default true. */
  elementwiseAffine?: boolean;
  /** With elementwiseAffine, also learn a bias. Default true. */
  bias?: boolean;
}

/**
 * Layer normalisation (Ba et al. 2016), PyTorch's nn.LayerNorm: y = (x − μ)/√(σ² + ε)·γ + β
 * over the trailing dims; γ starts at 1, β at 0.
 *
 * @example
 * const norm = new LayerNorm({ normalizedShape: 16 });
 * norm.forward(x); // x [B, T, 16]
 */
export class LayerNorm extends Module {
  readonly config: Readonly<{ normalizedShape: number[]; eps: number; elementwiseAffine: boolean; bias: boolean }>;

  constructor(config: LayerNormConfig, init: InitOptions = {}) {
    super();
    const given = { ...config, normalizedShape: typeof config.normalizedShape === 'number' ? [config.normalizedShape] : config.normalizedShape };
    this.config = resolveConfig('LayerNorm', given, {
      normalizedShape: { type: 'ints', min: 1 },
      eps: { type: 'number', default: 1e-5, min: 0 },
      elementwiseAffine: { type: 'boolean', default: true },
      bias: { type: 'boolean', default: true },
    });
    if (this.config.elementwiseAffine) {
      this.registerParameter('weight', constant(this.config.normalizedShape, 1, init));
      if (this.config.bias) this.registerParameter('bias', constant(this.config.normalizedShape, 0, init));
    }
  }

  /** γ, or null without elementwiseAffine. */
  get weight(): Tensor | null {
    return this.optionalParameter('weight');
  }

  /** β, or null. */
  get bias(): Tensor | null {
    return this.optionalParameter('bias');
  }

  /** x [..., *normalizedShape] → same shape */
  forward(x: Tensor): Tensor {
    return layerNorm(x, this.config.normalizedShape, this.weight, this.bias, this.config.eps);
  }
}

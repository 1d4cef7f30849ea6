import type { Tensor } from '../core/tensor.js';
import { linear } from '../ops/index.js';
import { type InitOptions, resolveConfig } from './config.js';
import { kaimingUniformLinear, uniform } from './init.js';
import { Module } from './module.js';

export interface LinearConfig {
  inFeatures: number;
  outFeatures: number;
  /** Add a learned bias (default true). */
  bias?: boolean;
}

/**
 * y = x·Wᵀ + b over the last dim (PyTorch's nn.Linear): weight [out, in], bias [out].
 * Initialised as PyTorch: W ~ U(±1/√in) (kaiming_uniform_ with a = √5), b ~ U(±1/√in).
 *
 * @example
 * const proj = new Linear({ inFeatures: 4, outFeatures: 5 });
 * proj.forward(x); // x [B, T, 4] → [B, T, 5]
 */
export class Linear extends Module {
  readonly config: Readonly<Required<LinearConfig>>;

  constructor(config: LinearConfig, init: InitOptions = {}) {
    super();
    this.config = resolveConfig('Linear', config, {
      inFeatures: { type: 'int', min: 0 },
      outFeatures: { type: 'int', min: 0 },
      bias: { type: 'boolean', default: true },
    });
    const { inFeatures, outFeatures } = this.config;
    this.registerParameter('weight', kaimingUniformLinear(outFeatures, inFeatures, init));
    if (this.config.bias) this.registerParameter('bias', uniform([outFeatures], inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0, init));
  }

  /** [out, in] */
  get weight(): Tensor {
    return this.parameter('weight');
  }

  /** [out], or null without bias. */
  get bias(): Tensor | null {
    return this.optionalParameter('bias');
  }

  /** x [..., in] → [..., out] */
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}

import type { Tensor } from '../core/tensor.js';
import { dropout } from '../ops/index.js';
import type { Rng } from '../util/rng.js';
import { resolveConfig } from './config.js';
import { Module } from './module.js';

export interface DropoutConfig {
  /** Probability of zeroing an element, in [0, 1). Default 0.5. */
  p?: number;
}

/**
 * Inverted dropout (Srivastava et al. 2014): in training, zeroes each element with
 * probability p and scales the rest by 1/(1−p); the identity after `eval()`.
 *
 * @example
 * const drop = new Dropout({ p: 0.1 });
 * drop.forward(h);        // training: masked
 * drop.eval().forward(h); // h unchanged
 */
export class Dropout extends Module {
  readonly config: Readonly<Required<DropoutConfig>>;
  private readonly rng: Rng | undefined;

  /** `rng` draws the masks; the default generator at call time when omitted. */
  constructor(config: DropoutConfig = {}, init: { rng?: Rng } = {}) {
    super();
    this.config = resolveConfig('Dropout', config, { p: { type: 'number', default: 0.5, min: 0, max: 1, maxExclusive: true } });
    this.rng = init.rng;
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.config.p, { training: this.training, ...(this.rng ? { rng: this.rng } : {}) });
  }
}

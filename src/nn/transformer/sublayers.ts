import type { Tensor } from '../../core/tensor.js';
import { add } from '../../ops/index.js';
import type { Dropout } from '../dropout.js';
import type { LayerNorm } from '../layernorm.js';
import type { Linear } from '../linear.js';
import { ACTIVATION_FUNCTIONS, type TransformerActivation } from './activation.js';

/**
 * One residual sub-layer as PyTorch places its norm and dropout: post-norm norm(x + drop(f(x)))
 * (Vaswani et al. 2017), or pre-norm x + drop(f(norm(x))).
 */
export function residual(x: Tensor, normFirst: boolean, norm: LayerNorm, drop: Dropout, f: (h: Tensor) => Tensor): Tensor {
  return normFirst ? add(x, drop.forward(f(norm.forward(x)))) : norm.forward(add(x, drop.forward(f(x))));
}

/** The position-wise feed-forward block linear2(dropout(act(linear1(x)))), [..., E] → [..., E]. */
export function feedForward(x: Tensor, linear1: Linear, activation: TransformerActivation, dropout: Dropout, linear2: Linear): Tensor {
  return linear2.forward(dropout.forward(ACTIVATION_FUNCTIONS[activation](linear1.forward(x))));
}

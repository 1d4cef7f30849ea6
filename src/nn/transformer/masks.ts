import { Tensor } from '../../core/tensor.js';
import { GlimpseError } from '../../util/errors.js';
import type { FloatDType } from '../config.js';

/**
 * PyTorch's `nn.Transformer.generate_square_subsequent_mask`: a float [T, T] mask that is 0 where
 * key j ≤ query i and −∞ above the diagonal, to be added to the attention scores (the layers also
 * take it as a tgtMask / srcMask and run it on the fused kernel).
 *
 * @example
 * generateSquareSubsequentMask(3) // [[0, −∞, −∞], [0, 0, −∞], [0, 0, 0]]
 */
export function generateSquareSubsequentMask(size: number, options: { dtype?: FloatDType } = {}): Tensor {
  if (!Number.isInteger(size) || size < 0) throw new GlimpseError(`generateSquareSubsequentMask: size must be a non-negative integer, got ${size}`);
  const data = options.dtype === 'float64' ? new Float64Array(size * size) : new Float32Array(size * size);
  for (let i = 0; i < size; i++) for (let j = i + 1; j < size; j++) data[i * size + j] = -Infinity;
  return new Tensor(data, [size, size]);
}

/**
 * NOT-ALLOWED mask of L new positions after `past` cached ones: bool [L, past + L], true where
 * key j > past + i (each new position sees every cached one and the new ones up to itself).
 */
export function continuationMask(L: number, past: number): Tensor {
  const tk = past + L;
  const data = new Uint8Array(L * tk);
  for (let i = 0; i < L; i++) for (let j = past + i + 1; j < tk; j++) data[i * tk + j] = 1;
  return new Tensor(data, [L, tk]);
}

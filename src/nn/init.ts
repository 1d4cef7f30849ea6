import { allocate } from '../core/dtype.js';
import { Tensor } from '../core/tensor.js';
import { type Rng, defaultRng } from '../util/rng.js';
import { sizeOf } from '../util/shape.js';
import type { FloatDType, InitOptions } from './config.js';

// PyTorch's default initialisations, drawn from glimpse's own generator (so the values differ
// from PyTorch's, the distributions do not).

function rngOf(init: InitOptions): Rng {
  return init.rng ?? defaultRng();
}

function dtypeOf(init: InitOptions): FloatDType {
  return init.dtype ?? 'float32';
}

/** A new parameter tensor of `shape` filled with `value`. */
export function constant(shape: readonly number[], value: number, init: InitOptions): Tensor {
  const data = allocate(dtypeOf(init), sizeOf(shape));
  if (value !== 0) data.fill(value);
  return new Tensor(data, shape);
}

/** U(−bound, bound): RNN weights (bound 1/√H) and Linear biases (bound 1/√fan_in). */
export function uniform(shape: readonly number[], bound: number, init: InitOptions): Tensor {
  const rng = rngOf(init);
  const data = allocate(dtypeOf(init), sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = (2 * rng.uniform() - 1) * bound;
  return new Tensor(data, shape);
}

/** N(mean, std²): Embedding weights (N(0, 1)). */
export function normal(shape: readonly number[], init: InitOptions, mean = 0, std = 1): Tensor {
  const rng = rngOf(init);
  const data = allocate(dtypeOf(init), sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = mean + std * rng.normal();
  return new Tensor(data, shape);
}

/**
 * Linear's weight [out, in]: kaiming_uniform_(a = √5), i.e. U(±gain·√(3/fan_in)) with
 * gain = √(2/(1 + a²)) = √(1/3), which is U(±1/√fan_in).
 */
export function kaimingUniformLinear(outFeatures: number, inFeatures: number, init: InitOptions): Tensor {
  return uniform([outFeatures, inFeatures], inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0, init);
}

/** xavier_uniform_ of a [fan_out, fan_in] matrix: U(±gain·√(6/(fan_in + fan_out))). */
export function xavierUniform(shape: readonly [number, number], init: InitOptions, gain = 1): Tensor {
  const [fanOut, fanIn] = shape;
  return uniform(shape, gain * Math.sqrt(6 / Math.max(1, fanIn + fanOut)), init);
}

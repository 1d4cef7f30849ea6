import type { AnyArray } from '../backend/backend.js';
import { GlimpseError, check } from '../util/errors.js';
import { type Rng, defaultRng } from '../util/rng.js';
import { type Shape, shapeStr, sizeOf, validateShape } from '../util/shape.js';
import { type DType, allocate, dtypeOf, isFloat } from './dtype.js';
import { type NestedArray, Tensor } from './tensor.js';

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

export interface RandomOptions extends CreateOptions {
  /** Generator to draw from; the default generator (see `manualSeed`) when omitted. */
  rng?: Rng;
}

type TypedInput = Float32Array | Float64Array | Int32Array | Uint8Array | BigInt64Array;

function inferShape(values: NestedArray, op: string): number[] {
  const shape: number[] = [];
  let v: NestedArray = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0]!;
  }
  // Check that every nested list has the same length at each depth (no ragged input).
  const walk = (node: NestedArray, depth: number, path: string): void => {
    if (depth === shape.length) {
      check(!Array.isArray(node), () => `${op}: ragged nested array: ${path} has more levels than ${path.split('[')[0]}[0]…`);
      return;
    }
    check(Array.isArray(node) && node.length === shape[depth], () =>
      `${op}: ragged nested array: ${path || 'value'} has ${Array.isArray(node) ? node.length : 'no'} elements, expected ${shape[depth]}`);
    (node as NestedArray[]).forEach((child, i) => walk(child, depth + 1, `${path}[${i}]`));
  };
  walk(values, 0, '');
  return shape;
}

function flatten(values: NestedArray, out: AnyArray, start: { i: number }, op: string): void {
  if (Array.isArray(values)) {
    for (const v of values) flatten(v, out, start, op);
    return;
  }
  if (typeof values === 'boolean') out[start.i++] = values ? 1 : 0;
  else {
    check(typeof values === 'number', () => `${op}: expected numbers or booleans, got ${typeof values}`);
    out[start.i++] = values;
  }
}

function firstLeaf(values: NestedArray): number | boolean | undefined {
  let v: NestedArray | undefined = values;
  while (Array.isArray(v)) v = v[0];
  return v;
}

/**
 * A tensor from nested arrays, a number, or a TypedArray (with `shape`, else 1-D). Data are
 * copied. The dtype defaults to float32 for numbers, bool for booleans, and the array's own
 * type for TypedArrays (BigInt64Array becomes int32).
 *
 * @example
 * tensor([[1, 2], [3, 4]]);                    // float32 [2, 2]
 * tensor([3, 1, 2], { dtype: 'int32' });       // indices
 * tensor(new Float32Array(6), { shape: [2, 3] });
 */
export function tensor(values: NestedArray | TypedInput, options: CreateOptions & { shape?: Shape } = {}): Tensor {
  const op = 'tensor';
  if (ArrayBuffer.isView(values)) {
    const src = values as TypedInput;
    const shape = options.shape ?? [src.length];
    validateShape(shape, op);
    check(sizeOf(shape) === src.length, () => `${op}: ${src.length} values do not fill shape ${shapeStr(shape)}`);
    const dtype = options.dtype ?? (src instanceof BigInt64Array ? 'int32' : dtypeOf(src as AnyArray));
    const out = allocate(dtype, src.length);
    if (src instanceof BigInt64Array) for (let i = 0; i < src.length; i++) out[i] = Number(src[i]);
    else out.set(src as ArrayLike<number>);
    return new Tensor(out, shape, options.requiresGrad ?? false);
  }
  const shape = inferShape(values as NestedArray, op);
  if (options.shape) {
    check(sizeOf(options.shape) === sizeOf(shape), () => `${op}: ${sizeOf(shape)} values do not fill shape ${shapeStr(options.shape!)}`);
  }
  const leaf = firstLeaf(values as NestedArray);
  const dtype = options.dtype ?? (typeof leaf === 'boolean' ? 'bool' : 'float32');
  const out = allocate(dtype, sizeOf(shape));
  flatten(values as NestedArray, out, { i: 0 }, op);
  return new Tensor(out, options.shape ?? shape, options.requiresGrad ?? false);
}

/**
 * A scalar (0-d) tensor.
 * @example scalar(2.5)
 */
export function scalar(value: number, options: CreateOptions = {}): Tensor {
  const out = allocate(options.dtype ?? 'float32', 1);
  out[0] = value;
  return new Tensor(out, [], options.requiresGrad ?? false);
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: Shape, value: number, options: CreateOptions = {}): Tensor {
  validateShape(shape, 'full');
  const out = allocate(options.dtype ?? 'float32', sizeOf(shape));
  if (value !== 0) out.fill(value);
  return new Tensor(out, shape, options.requiresGrad ?? false);
}

/** @example zeros([2, 3]) */
export function zeros(shape: Shape, options: CreateOptions = {}): Tensor {
  return full(shape, 0, options);
}

/** @example ones([4], { requiresGrad: true }) */
export function ones(shape: Shape, options: CreateOptions = {}): Tensor {
  return full(shape, 1, options);
}

export function zerosLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return full(t.shape, 0, { dtype: t.dtype, ...options });
}

export function onesLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return full(t.shape, 1, { dtype: t.dtype, ...options });
}

/**
 * Values start, start+step, … below end (like `torch.arange`): int32 when every argument is
 * an integer, else float32.
 *
 * @example arange(5) // [0, 1, 2, 3, 4] int32
 */
export function arange(start: number, end?: number, step = 1, options: CreateOptions = {}): Tensor {
  if (end === undefined) {
    end = start;
    start = 0;
  }
  check(step !== 0 && Number.isFinite(step), `arange: step must be a non-zero finite number, got ${step}`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  const ints = Number.isInteger(start) && Number.isInteger(end) && Number.isInteger(step);
  const out = allocate(options.dtype ?? (ints ? 'int32' : 'float32'), n);
  for (let i = 0; i < n; i++) out[i] = start + i * step;
  return new Tensor(out, [n], options.requiresGrad ?? false);
}

/** Identity matrix n×n. */
export function eye(n: number, options: CreateOptions = {}): Tensor {
  const t = zeros([n, n], options);
  for (let i = 0; i < n; i++) t.data[i * n + i] = 1;
  return t;
}

function floatDtype(options: CreateOptions, op: string): DType {
  const dtype = options.dtype ?? 'float32';
  if (!isFloat(dtype)) throw new GlimpseError(`${op}: dtype must be float32 or float64, got ${dtype}`);
  return dtype;
}

/** Standard normal samples N(0, 1) scaled by `std` and shifted by `mean`. */
export function randn(shape: Shape, options: RandomOptions & { mean?: number; std?: number } = {}): Tensor {
  validateShape(shape, 'randn');
  const rng = options.rng ?? defaultRng();
  const out = allocate(floatDtype(options, 'randn'), sizeOf(shape));
  const mean = options.mean ?? 0;
  const std = options.std ?? 1;
  for (let i = 0; i < out.length; i++) out[i] = mean + std * rng.normal();
  return new Tensor(out, shape, options.requiresGrad ?? false);
}

/** Uniform samples in [low, high) (default [0, 1)). */
export function rand(shape: Shape, options: RandomOptions & { low?: number; high?: number } = {}): Tensor {
  validateShape(shape, 'rand');
  const rng = options.rng ?? defaultRng();
  const out = allocate(floatDtype(options, 'rand'), sizeOf(shape));
  const lo = options.low ?? 0;
  const hi = options.high ?? 1;
  for (let i = 0; i < out.length; i++) out[i] = lo + (hi - lo) * rng.uniform();
  return new Tensor(out, shape, options.requiresGrad ?? false);
}

/** Uniform integers in [low, high), int32. */
export function randint(low: number, high: number, shape: Shape, options: { rng?: Rng } = {}): Tensor {
  validateShape(shape, 'randint');
  const rng = options.rng ?? defaultRng();
  const out = new Int32Array(sizeOf(shape));
  for (let i = 0; i < out.length; i++) out[i] = rng.randint(low, high);
  return new Tensor(out, shape);
}

/** A random permutation of 0..n-1, int32. */
export function randperm(n: number, options: { rng?: Rng } = {}): Tensor {
  return new Tensor(Int32Array.from((options.rng ?? defaultRng()).permutation(n)), [n]);
}

/** Bernoulli(p) samples as a bool tensor (1 with probability p). */
export function bernoulli(shape: Shape, p: number, options: { rng?: Rng } = {}): Tensor {
  validateShape(shape, 'bernoulli');
  check(p >= 0 && p <= 1, `bernoulli: p must be in [0, 1], got ${p}`);
  const rng = options.rng ?? defaultRng();
  const out = new Uint8Array(sizeOf(shape));
  for (let i = 0; i < out.length; i++) out[i] = rng.bernoulli(p) ? 1 : 0;
  return new Tensor(out, shape);
}

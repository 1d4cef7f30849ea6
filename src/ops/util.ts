import type { AnyArray, Backend, Broadcast, FloatArray } from '../backend/backend.js';
import { kernelsFor } from '../backend/registry.js';
import { type DType, allocate, isFloat } from '../core/dtype.js';
import { gradSink } from '../core/grad.js';
import { Tensor } from '../core/tensor.js';
import { GlimpseError } from '../util/errors.js';
import { broadcastStrides, sameShape, shapeStr, sizeOf } from '../util/shape.js';

/** A tensor or a plain number (a scalar of the other operand's dtype). */
export type TensorLike = Tensor | number;

/** The kernels for data of this type (see {@link kernelsFor}). */
export function kernels(data: AnyArray): Backend {
  return kernelsFor(data);
}

/** A new zero-filled tensor. */
export function empty(dtype: DType, shape: readonly number[]): Tensor {
  return new Tensor(allocate(dtype, sizeOf(shape)), shape);
}

export function fdata(t: Tensor): FloatArray {
  return t.data as FloatArray;
}

/** Throws unless `t` is float32/float64; returns its data. */
export function requireFloat(t: Tensor, op: string, what = 'input'): FloatArray {
  if (!isFloat(t.dtype)) {
    throw new GlimpseError(`${op}: ${what} must be a float tensor, got ${t.dtype} of shape ${shapeStr(t.shape)}`);
  }
  return t.data as FloatArray;
}

/** Throws unless `t` has one of `dtypes`. */
export function requireDtype(t: Tensor, dtypes: readonly DType[], op: string, what: string): void {
  if (!dtypes.includes(t.dtype)) {
    throw new GlimpseError(`${op}: ${what} must be ${dtypes.join(' or ')}, got ${t.dtype} of shape ${shapeStr(t.shape)}`);
  }
}

/** Throws unless both float tensors have the same dtype (no silent float32/float64 mixing). */
export function requireSameFloat(a: Tensor, b: Tensor, op: string): void {
  requireFloat(a, op, 'first operand');
  requireFloat(b, op, 'second operand');
  if (a.dtype !== b.dtype) throw new GlimpseError(`${op}: operands have different dtypes (${a.dtype} and ${b.dtype})`);
}

export function asTensor(x: TensorLike, like: Tensor): Tensor {
  if (x instanceof Tensor) return x;
  const d = allocate(isFloat(like.dtype) ? like.dtype : 'float32', 1);
  d[0] = x;
  return new Tensor(d, []);
}

/** Broadcast description for kernels: null when every operand already has the output shape. */
export function broadcastInfo(shapes: readonly (readonly number[])[], out: readonly number[]): Broadcast | null {
  if (shapes.every((s) => sameShape(s, out))) return null;
  return { shape: out, strides: shapes.map((s) => broadcastStrides(s, out)) };
}

/**
 * Sums a gradient of a broadcast result back to an operand's `shape` (over the stretched and
 * the missing leading dims). Used by backward functions; records nothing.
 */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.shape.length - shape.length;
  let cur = g.data as FloatArray;
  const curShape = [...g.shape];
  // Reduce from the innermost dim outwards, keeping dims (size 1) as we go.
  for (let d = g.shape.length - 1; d >= 0; d--) {
    const target = d < lead ? 1 : shape[d - lead]!;
    if (curShape[d] === target) continue;
    let outer = 1;
    let inner = 1;
    for (let i = 0; i < d; i++) outer *= curShape[i]!;
    for (let i = d + 1; i < curShape.length; i++) inner *= curShape[i]!;
    const out = allocate(g.dtype, outer * inner) as FloatArray;
    kernels(cur).sumAxis(cur, outer, curShape[d]!, inner, out, false);
    cur = out;
    curShape[d] = 1;
  }
  return new Tensor(cur, shape);
}

/** The gradient tensor for an output nobody used: zeros of its shape. */
export function orZeros(g: Tensor | null, like: Tensor): Tensor {
  return g ?? empty(like.dtype, like.shape);
}

/** A gradient buffer in a backward function, and what to return for that input (null: in place). */
export interface GradBuffer {
  data: FloatArray;
  result: Tensor | null;
}

function fresh(t: Tensor): GradBuffer {
  const r = empty(t.dtype, t.shape);
  return { data: r.data as FloatArray, result: r };
}

/**
 * For a kernel that overwrites input t's gradient: the engine's sum for t while nothing has
 * arrived there yet (zeros), else a new buffer to return. Null when t needs no gradient.
 */
export function gradToWrite(t: Tensor): GradBuffer | null {
  if (!t.requiresGrad) return null;
  const sink = gradSink(t, 'write');
  return sink ? { data: sink, result: null } : fresh(t);
}

/**
 * For a kernel that accumulates (+=) input t's gradient: the engine's running sum for t (or a
 * leaf's .grad), else a new zero buffer to return. Null when t needs no gradient.
 */
export function gradToAdd(t: Tensor): GradBuffer | null {
  if (!t.requiresGrad) return null;
  const sink = gradSink(t, 'add');
  return sink ? { data: sink, result: null } : fresh(t);
}

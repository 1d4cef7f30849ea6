import { GlimpseError, check } from './errors.js';

/** A tensor shape: sizes of each dimension, outermost first. `[]` is a scalar. */
export type Shape = readonly number[];

/** `[2, 3]` — the form every error message uses. */
export function shapeStr(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** Number of elements of a shape (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C-order) strides of a contiguous tensor of `shape`. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Checks that `shape` is a list of non-negative integers; `op` names the caller in the error. */
export function validateShape(shape: Shape, op: string): void {
  for (const d of shape) {
    check(Number.isInteger(d) && d >= 0, () => `${op}: invalid shape ${shapeStr(shape)}: sizes must be non-negative integers`);
  }
}

/** NumPy/PyTorch broadcasting of two shapes (aligned at the right; size-1 dims stretch). */
export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new GlimpseError(`${op}: shapes ${shapeStr(a)} and ${shapeStr(b)} cannot be broadcast (dim ${i}: ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Strides for reading a contiguous tensor of `shape` as if it had `outShape` (which it
 * broadcasts to): stretched and missing leading dims get stride 0.
 */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const own = stridesOf(shape);
  const n = outShape.length;
  const out = new Array<number>(n).fill(0);
  for (let i = 0; i < shape.length; i++) {
    const j = n - shape.length + i;
    out[j] = shape[i] === 1 && outShape[j] !== 1 ? 0 : own[i]!;
  }
  return out;
}

/** Resolves a possibly negative axis against `ndim`; throws naming `op` when out of range. */
export function normAxis(axis: number, ndim: number, op: string): number {
  const a = axis < 0 ? axis + ndim : axis;
  if (!Number.isInteger(axis) || a < 0 || a >= Math.max(ndim, 1)) {
    throw new GlimpseError(`${op}: axis ${axis} is out of range for a tensor with ${ndim} dims`);
  }
  return a;
}

/** Sorted, de-duplicated, non-negative axes; `undefined` means all axes. */
export function normAxes(axes: number | readonly number[] | undefined, ndim: number, op: string): number[] {
  if (axes === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const out = [...new Set(list.map((a) => normAxis(a, ndim, op)))].sort((x, y) => x - y);
  return out;
}

/**
 * Splits `shape` around `axis` into (outer, n, inner): the product of the dims before it,
 * its size, and the product of the dims after it. Kernels work on this 3-D view.
 */
export function splitAt(shape: Shape, axis: number): [outer: number, n: number, inner: number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i]!;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i]!;
  return [outer, shape[axis]!, inner];
}

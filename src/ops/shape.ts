import { record } from '../core/grad.js';
import { Tensor } from '../core/tensor.js';
import { GlimpseError, check } from '../util/errors.js';
import { normAxis, shapeStr, sizeOf, stridesOf } from '../util/shape.js';
import { empty, kernels, sumTo } from './util.js';

// Views (reshape, flatten, squeeze, unsqueeze) share the input's data; transpose, permute and
// expand copy into a new dense tensor, so every tensor stays contiguous.

function view(x: Tensor, shape: readonly number[], op: string): Tensor {
  const out = new Tensor(x.data, shape);
  record(op, [x], [out], ([g]) => [new Tensor(g!.data, x.shape)]);
  return out;
}

/**
 * Same data, new shape (a view: no copy). One dim may be -1 and is inferred.
 * @example reshape(x, [-1, 4]) // [2, 3, 4] → [6, 4]
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const infer = shape.indexOf(-1);
  check(shape.filter((d) => d === -1).length <= 1, () => `reshape: only one dim can be -1, got ${shapeStr(shape)}`);
  const resolved = [...shape];
  if (infer >= 0) {
    const known = sizeOf(shape.filter((d) => d !== -1));
    check(known > 0 && x.size % known === 0, () => `reshape: cannot reshape ${shapeStr(x.shape)} (${x.size} elements) into ${shapeStr(shape)}`);
    resolved[infer] = x.size / known;
  }
  for (const d of resolved) check(Number.isInteger(d) && d >= 0, () => `reshape: invalid target shape ${shapeStr(shape)}`);
  check(sizeOf(resolved) === x.size, () => `reshape: cannot reshape ${shapeStr(x.shape)} (${x.size} elements) into ${shapeStr(shape)} (${sizeOf(resolved)} elements)`);
  return view(x, resolved, 'reshape');
}

/** Merges dims start..end (inclusive, default all) into one. A view. */
export function flatten(x: Tensor, start = 0, end = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normAxis(start, x.ndim, 'flatten');
  const e = normAxis(end, x.ndim, 'flatten');
  check(s <= e, `flatten: start dim ${start} comes after end dim ${end}`);
  const shape = [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return view(x, shape, 'flatten');
}

/** Removes size-1 dims (all of them, or just `axis`). A view. */
export function squeeze(x: Tensor, axis?: number): Tensor {
  if (axis === undefined) return view(x, x.shape.filter((d) => d !== 1), 'squeeze');
  const a = normAxis(axis, x.ndim, 'squeeze');
  if (x.shape[a] !== 1) throw new GlimpseError(`squeeze: dim ${axis} has size ${x.shape[a]}, not 1 (shape ${shapeStr(x.shape)})`);
  return view(x, x.shape.filter((_, i) => i !== a), 'squeeze');
}

/** Inserts a size-1 dim at `axis` (-1 appends). A view. */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  const a = normAxis(axis, x.ndim + 1, 'unsqueeze');
  const shape = [...x.shape];
  shape.splice(a, 0, 1);
  return view(x, shape, 'unsqueeze');
}

/**
 * Reorders the dims: out dim i is input dim `dims[i]`. Copies.
 * @example permute(x, [0, 2, 1, 3]) // [B, T, nh, hd] → [B, nh, T, hd]
 */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  check(dims.length === x.ndim, () => `permute: got ${dims.length} dims ${shapeStr(dims)} for a tensor with ${x.ndim} dims`);
  const norm = dims.map((d) => normAxis(d, x.ndim, 'permute'));
  check(new Set(norm).size === norm.length, () => `permute: dims ${shapeStr(dims)} repeat a dim`);
  if (norm.every((d, i) => d === i)) return view(x, x.shape, 'permute');
  const shape = norm.map((d) => x.shape[d]!);
  const out = empty(x.dtype, shape);
  const inStrides = stridesOf(x.shape);
  kernels(x.data).copyStrided(x.data, 0, norm.map((d) => inStrides[d]!), out.data, 0, stridesOf(shape), shape);
  const inverse = new Array<number>(norm.length);
  norm.forEach((d, i) => (inverse[d] = i));
  record('permute', [x], [out], ([g]) => [permute(g!, inverse)]);
  return out;
}

/** Swaps two dims. Copies. */
export function transpose(x: Tensor, dim0 = -2, dim1 = -1): Tensor {
  const a = normAxis(dim0, x.ndim, 'transpose');
  const b = normAxis(dim1, x.ndim, 'transpose');
  const dims = x.shape.map((_, i) => i);
  dims[a] = b;
  dims[b] = a;
  return permute(x, dims);
}

/**
 * Broadcasts x to `shape` (size-1 dims stretch, new dims lead; -1 keeps a dim). Copies; the
 * backward sums over the stretched dims.
 */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  check(shape.length >= x.ndim, () => `expand: cannot expand ${shapeStr(x.shape)} to fewer dims ${shapeStr(shape)}`);
  const lead = shape.length - x.ndim;
  const target = shape.map((d, i) => (d === -1 ? (i < lead ? NaN : x.shape[i - lead]!) : d));
  const inStrides = stridesOf(x.shape);
  const strides = target.map((d, i) => {
    if (i < lead) {
      check(Number.isInteger(d) && d >= 0, () => `expand: invalid size ${shape[i]} for new dim ${i}`);
      return 0;
    }
    const own = x.shape[i - lead]!;
    check(own === d || own === 1, () => `expand: cannot expand ${shapeStr(x.shape)} to ${shapeStr(shape)} (dim ${i}: ${own} vs ${d})`);
    return own === d ? inStrides[i - lead]! : 0;
  });
  const out = empty(x.dtype, target);
  kernels(x.data).copyStrided(x.data, 0, strides, out.data, 0, stridesOf(target), target);
  record('expand', [x], [out], ([g]) => [sumTo(g!, x.shape)]);
  return out;
}

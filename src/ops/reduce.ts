import { noGrad, record } from '../core/grad.js';
import { Tensor } from '../core/tensor.js';
import { GlimpseError } from '../util/errors.js';
import { normAxes, normAxis, shapeStr, splitAt } from '../util/shape.js';
import { add, affine, eq, exp, log, sub, where } from './elementwise.js';
import { expand, reshape } from './shape.js';
import { empty, fdata, kernels, requireFloat } from './util.js';

function reducedShape(shape: readonly number[], axes: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepdim) out.push(1);
  });
  return out;
}

/**
 * Sum over `axes` (all when omitted); `keepdim` keeps them as size 1.
 * @example sum(x)            // scalar
 * @example sum(x, -1, true)  // [B, T, H] → [B, T, 1]
 */
export function sum(x: Tensor, axes?: number | readonly number[], keepdim = false): Tensor {
  const xd = requireFloat(x, 'sum');
  const list = normAxes(axes, x.ndim, 'sum');
  let cur = xd;
  const curShape = [...x.shape];
  for (let k = list.length - 1; k >= 0; k--) {
    const [outer, n, inner] = splitAt(curShape, list[k]!);
    const next = empty(x.dtype, [outer * inner]).data as typeof xd;
    kernels(xd).sumAxis(cur, outer, n, inner, next, false);
    cur = next;
    curShape[list[k]!] = 1;
  }
  const out = new Tensor(list.length === 0 ? cur.slice() : cur, reducedShape(x.shape, list, keepdim));
  record('sum', [x], [out], ([g]) => [expand(reshape(g!, reducedShape(x.shape, list, true)), x.shape)]);
  return out;
}

/** Mean over `axes` (all when omitted). */
export function mean(x: Tensor, axes?: number | readonly number[], keepdim = false): Tensor {
  const list = normAxes(axes, x.ndim, 'mean');
  let count = 1;
  for (const a of list) count *= x.shape[a]!;
  const s = sum(x, list, keepdim);
  return count === 1 ? s : affine(s, 1 / count);
}

function maxOne(x: Tensor, axis: number, keepdim: boolean): { values: Tensor; indices: Tensor } {
  const xd = requireFloat(x, 'max');
  const [outer, n, inner] = splitAt(x.shape, axis);
  if (n === 0) throw new GlimpseError(`max: cannot reduce an empty dim ${axis} of ${shapeStr(x.shape)}`);
  const shape = reducedShape(x.shape, [axis], keepdim);
  const values = empty(x.dtype, shape);
  const indices = empty('int32', shape);
  kernels(xd).maxAxis(xd, outer, n, inner, fdata(values), indices.data as Int32Array);
  record('max', [x], [values], ([g]) => {
    const gx = empty(x.dtype, x.shape);
    // Route each gradient to the position that attained the maximum.
    const gd = fdata(g!);
    const gxd = fdata(gx);
    const id = indices.data as Int32Array;
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) gxd[(o * n + id[o * inner + i]!) * inner + i] = gd[o * inner + i]!;
    return [gx];
  });
  return { values, indices };
}

/**
 * Maximum over `axes` (all when omitted). The gradient goes to the (first) maximal element.
 * @example max(scores, -1, true)
 */
export function max(x: Tensor, axes?: number | readonly number[], keepdim = false): Tensor {
  const list = normAxes(axes, x.ndim, 'max');
  if (x.ndim === 0) return maxOne(reshape(x, [1]), 0, false).values;
  let cur = x;
  for (let k = list.length - 1; k >= 0; k--) cur = maxOne(cur, list[k]!, true).values;
  return keepdim ? cur : reshape(cur, reducedShape(x.shape, list, false));
}

/** Index of the maximum along `axis` (int32; the first one on ties). */
export function argmax(x: Tensor, axis = -1, keepdim = false): Tensor {
  const a = normAxis(axis, x.ndim, 'argmax');
  return noGrad(() => maxOne(x, a, keepdim).indices);
}

/**
 * log Σ exp(x) over `axis`, computed stably (the maximum is subtracted first; a slice that is
 * all -∞ gives -∞).
 */
export function logsumexp(x: Tensor, axis = -1, keepdim = false): Tensor {
  const a = normAxis(axis, x.ndim, 'logsumexp');
  // m is a constant for autodiff: the gradient of the result is softmax(x) either way.
  const m = noGrad(() => {
    const raw = max(x, a, true);
    return where(eq(raw, -Infinity), 0, raw);
  });
  const out = add(log(sum(exp(sub(x, m)), a, true)), m);
  return keepdim ? out : reshape(out, reducedShape(x.shape, [a], false));
}

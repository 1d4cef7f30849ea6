import { record } from '../core/grad.js';
import { Tensor } from '../core/tensor.js';
import { GlimpseError, check } from '../util/errors.js';
import { normAxis, shapeStr, splitAt } from '../util/shape.js';
import { copyBlock } from './join.js';
import { squeeze } from './shape.js';
import { empty, fdata, gradToAdd, kernels, requireDtype } from './util.js';

/**
 * Elements start..end-1 along `axis` (negative indices count from the end; bounds clamp like
 * Python slices). Copies.
 * @example slice(x, 1, 0, 5) // x[:, 0:5]
 */
export function slice(x: Tensor, axis: number, start: number, end?: number): Tensor {
  const a = normAxis(axis, x.ndim, 'slice');
  const n = x.shape[a]!;
  const norm = (i: number): number => Math.min(Math.max(i < 0 ? i + n : i, 0), n);
  const s = norm(start);
  const e = Math.max(norm(end ?? n), s);
  const shape = [...x.shape];
  shape[a] = e - s;
  const out = empty(x.dtype, shape);
  copyBlock(x, s, out, 0, a, e - s);
  record('slice', [x], [out], ([g]) => {
    // Added into x's gradient sum: slicing every step of a sequence costs no full-size buffer per step.
    const gx = gradToAdd(x)!;
    const [outer, n, inner] = splitAt(x.shape, a);
    const rows = new Int32Array(e - s);
    for (let i = 0; i < rows.length; i++) rows[i] = s + i;
    kernels(x.data).indexAdd(fdata(g!), outer, n, inner, rows, gx.data, -1);
    return [gx.result];
  });
  return out;
}

/**
 * The sub-tensor at `index` along `axis`, with that dim removed.
 * @example select(outputs, 0, t) // step t of a time-major [T, B, H] → [B, H]
 */
export function select(x: Tensor, axis: number, index: number): Tensor {
  const a = normAxis(axis, x.ndim, 'select');
  const n = x.shape[a]!;
  if (!Number.isInteger(index) || index < -n || index >= n) {
    throw new GlimpseError(`select: index ${index} is out of range for dim ${axis} of size ${n} (shape ${shapeStr(x.shape)})`);
  }
  const i = index < 0 ? index + n : index;
  return squeeze(slice(x, a, i, i + 1), a);
}

function checkIndices(idx: Tensor, n: number, op: string, allowed = -Infinity): void {
  const d = idx.data as Int32Array;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if ((v < 0 || v >= n) && v !== allowed) {
      throw new GlimpseError(`${op}: index ${v} at position ${i} is out of range [0, ${n})`);
    }
  }
}

/**
 * Picks entries `indices` (int32, 1-D) along `axis`.
 * @example indexSelect(x, 0, tensor([2, 0], { dtype: 'int32' }))
 */
export function indexSelect(x: Tensor, axis: number, indices: Tensor): Tensor {
  requireDtype(indices, ['int32'], 'indexSelect', 'indices');
  check(indices.ndim === 1, () => `indexSelect: indices must be 1-D, got shape ${shapeStr(indices.shape)}`);
  const a = normAxis(axis, x.ndim, 'indexSelect');
  const [outer, n, inner] = splitAt(x.shape, a);
  checkIndices(indices, n, 'indexSelect');
  const shape = [...x.shape];
  shape[a] = indices.size;
  const out = empty(x.dtype, shape);
  const idx = indices.data as Int32Array;
  kernels(x.data).indexSelect(x.data, outer, n, inner, idx, out.data);
  record('indexSelect', [x], [out], ([g]) => {
    const gx = gradToAdd(x)!;
    kernels(x.data).indexAdd(fdata(g!), outer, n, inner, idx, gx.data, -1);
    return [gx.result];
  });
  return out;
}

/**
 * Embedding lookup: rows of `weight` [V, E] for integer `ids` of any shape → [...ids.shape, E].
 * Row `paddingIdx` receives no gradient (as PyTorch's padding_idx).
 * @example embedding(table, ids, 0) // ids [B, T] → [B, T, E]
 */
export function embedding(weight: Tensor, ids: Tensor, paddingIdx: number | null = null): Tensor {
  requireDtype(ids, ['int32'], 'embedding', 'ids');
  check(weight.ndim === 2, () => `embedding: weight must be [V, E], got ${shapeStr(weight.shape)}`);
  const [V, E] = weight.shape as [number, number];
  checkIndices(ids, V, 'embedding');
  const idx = ids.data as Int32Array;
  const out = empty(weight.dtype, [...ids.shape, E]);
  kernels(weight.data).indexSelect(weight.data, 1, V, E, idx, out.data);
  record('embedding', [weight], [out], ([g]) => {
    // Scatter-add straight into the table's .grad when it is a parameter.
    const gw = gradToAdd(weight)!;
    kernels(weight.data).indexAdd(fdata(g!), 1, V, E, idx, gw.data, paddingIdx ?? -1);
    return [gw.result];
  });
  return out;
}

/**
 * out[..., j, ...] = x[..., index[..., j, ...], ...] along `axis` (torch.gather): `index` has
 * x's rank and shape except along `axis`.
 * @example gather(logp, 1, targets2d) // pick each row's target log-probability
 */
export function gather(x: Tensor, axis: number, index: Tensor): Tensor {
  requireDtype(index, ['int32'], 'gather', 'index');
  const a = normAxis(axis, x.ndim, 'gather');
  const ok = index.ndim === x.ndim && index.shape.every((d, i) => i === a || d === x.shape[i]);
  if (!ok) throw new GlimpseError(`gather: index shape ${shapeStr(index.shape)} must match input ${shapeStr(x.shape)} except along axis ${axis}`);
  const [outer, n, inner] = splitAt(x.shape, a);
  const m = index.shape[a]!;
  checkIndices(index, n, 'gather');
  const idx = index.data as Int32Array;
  const out = empty(x.dtype, index.shape);
  kernels(x.data).gather(x.data, outer, n, inner, idx, m, out.data);
  record('gather', [x], [out], ([g]) => {
    const gx = gradToAdd(x)!;
    kernels(x.data).scatterAdd(fdata(g!), outer, n, inner, idx, m, gx.data);
    return [gx.result];
  });
  return out;
}

import { record } from '../core/grad.js';
import { Tensor } from '../core/tensor.js';
import { GlimpseError, check } from '../util/errors.js';
import { normAxis, shapeStr, splitAt } from '../util/shape.js';
import { unsqueeze } from './shape.js';
import { empty, gradToWrite, kernels } from './util.js';

/** Copies a [outer, n, inner] block between tensors at an offset along the middle axis. */
function copyBlock(src: Tensor, srcStart: number, dst: Tensor, dstStart: number, axis: number, len: number): void {
  const [outer, srcN, inner] = splitAt(src.shape, axis);
  const dstN = dst.shape[axis]!;
  if (outer === 0 || len === 0 || inner === 0) return;
  kernels(src.data).copyStrided(
    src.data, srcStart * inner, [srcN * inner, 1],
    dst.data, dstStart * inner, [dstN * inner, 1],
    [outer, len * inner],
  );
}

/**
 * Joins tensors along an existing axis.
 * @example concat([h, c], -1) // [B, H] and [B, H] → [B, 2H]
 */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  check(tensors.length > 0, 'concat: needs at least one tensor');
  const first = tensors[0]!;
  const a = normAxis(axis, first.ndim, 'concat');
  let total = 0;
  tensors.forEach((t, i) => {
    if (t.dtype !== first.dtype) throw new GlimpseError(`concat: tensor ${i} is ${t.dtype} but tensor 0 is ${first.dtype}`);
    const ok = t.ndim === first.ndim && t.shape.every((d, j) => j === a || d === first.shape[j]);
    if (!ok) {
      throw new GlimpseError(`concat: tensor ${i} has shape ${shapeStr(t.shape)}, incompatible with tensor 0's ${shapeStr(first.shape)} along axis ${axis}`);
    }
    total += t.shape[a]!;
  });
  const shape = [...first.shape];
  shape[a] = total;
  const out = empty(first.dtype, shape);
  let at = 0;
  for (const t of tensors) {
    copyBlock(t, 0, out, at, a, t.shape[a]!);
    at += t.shape[a]!;
  }
  record('concat', tensors, [out], ([g]) => {
    let start = 0;
    return tensors.map((t) => {
      const len = t.shape[a]!;
      const piece = gradToWrite(t);
      if (piece) copyBlock(g!, start, new Tensor(piece.data, t.shape), 0, a, len);
      start += len;
      return piece && piece.result;
    });
  });
  return out;
}

/**
 * Joins same-shaped tensors along a new axis.
 * @example stack(steps, 1) // T × [B, H] → [B, T, H]
 */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  check(tensors.length > 0, 'stack: needs at least one tensor');
  const first = tensors[0]!;
  tensors.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.some((d, j) => d !== first.shape[j])) {
      throw new GlimpseError(`stack: tensor ${i} has shape ${shapeStr(t.shape)} but tensor 0 has ${shapeStr(first.shape)}`);
    }
  });
  const a = normAxis(axis, first.ndim + 1, 'stack');
  return concat(tensors.map((t) => unsqueeze(t, a)), a);
}

/**
 * Splits along `axis` into pieces of the given sizes (an array), or of `size` each (a number;
 * the last piece may be smaller).
 * @example split(gates, 4 * H / 4, 1) // i, f, g, o
 */
export function split(x: Tensor, sizes: number | readonly number[], axis = 0): Tensor[] {
  const a = normAxis(axis, x.ndim, 'split');
  const n = x.shape[a]!;
  let list: number[];
  if (typeof sizes === 'number') {
    check(Number.isInteger(sizes) && sizes > 0, `split: piece size must be a positive integer, got ${sizes}`);
    list = [];
    for (let s = 0; s < n; s += sizes) list.push(Math.min(sizes, n - s));
  } else {
    list = [...sizes];
    const sum = list.reduce((p, q) => p + q, 0);
    check(list.every((s) => Number.isInteger(s) && s >= 0) && sum === n, () =>
      `split: sizes ${shapeStr(list)} must be non-negative integers summing to ${n} (dim ${axis} of ${shapeStr(x.shape)})`);
  }
  const outs: Tensor[] = [];
  let start = 0;
  for (const len of list) {
    const shape = [...x.shape];
    shape[a] = len;
    const piece = empty(x.dtype, shape);
    copyBlock(x, start, piece, 0, a, len);
    outs.push(piece);
    start += len;
  }
  record('split', [x], outs, (grads) => {
    const gx = gradToWrite(x)!;
    const gxt = new Tensor(gx.data, x.shape);
    let at = 0;
    grads.forEach((g, i) => {
      // A piece nobody used keeps its zeros (a written buffer starts as zeros).
      if (g) copyBlock(g, 0, gxt, at, a, list[i]!);
      at += list[i]!;
    });
    return [gx.result];
  });
  return outs;
}

/** Splits into `chunks` equal pieces along `axis` (the size must divide evenly). */
export function chunk(x: Tensor, chunks: number, axis = 0): Tensor[] {
  const a = normAxis(axis, x.ndim, 'chunk');
  const n = x.shape[a]!;
  check(Number.isInteger(chunks) && chunks > 0 && n % chunks === 0, () =>
    `chunk: dim ${axis} of ${shapeStr(x.shape)} (size ${n}) does not split into ${chunks} equal chunks`);
  return split(x, n / chunks, a);
}

export { copyBlock };

import type { GemmParams } from '../backend/backend.js';
import { record } from '../core/grad.js';
import { Tensor } from '../core/tensor.js';
import { GlimpseError } from '../util/errors.js';
import { broadcastShapes, shapeStr, sizeOf } from '../util/shape.js';
import { expand, reshape, squeeze, unsqueeze } from './shape.js';
import { type GradBuffer, empty, fdata, gradToAdd, kernels, requireSameFloat } from './util.js';

/** GemmParams with defaults (one matrix, no transposes, overwrite); written out, as it runs per call. */
function gemmParams(p: Partial<GemmParams> & Pick<GemmParams, 'm' | 'n' | 'k'>): GemmParams {
  return {
    batch: p.batch ?? 1, m: p.m, n: p.n, k: p.k, transA: p.transA ?? false, transB: p.transB ?? false,
    strideA: p.strideA ?? 0, strideB: p.strideB ?? 0, strideC: p.strideC ?? 0, accumulate: p.accumulate ?? false,
  };
}

/**
 * Matrix product with PyTorch's rules: 1-D operands are promoted (and the added dim removed),
 * leading batch dims broadcast. With `transposeB`, b holds Bᵀ ([..., n, k]) and the product is
 * a·bᵀ without copying a transpose (attention scores q·kᵀ). The backward never materialises a
 * transpose either: it runs the NT/TN GEMM variants.
 *
 * @example
 * matmul(x, w)                           // [B, T, H] @ [H, V] → [B, T, V]
 * matmul(q, k, { transposeB: true })     // [B, nh, T, hd] @ [B, nh, S, hd]ᵀ → [B, nh, T, S]
 */
export function matmul(a: Tensor, b: Tensor, options: { transposeB?: boolean } = {}): Tensor {
  const tB = options.transposeB ?? false;
  requireSameFloat(a, b, 'matmul');
  if (a.ndim === 0 || b.ndim === 0) throw new GlimpseError(`matmul: operands must have at least 1 dim, got ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`);
  if (tB && b.ndim < 2) throw new GlimpseError(`matmul: transposeB needs b with at least 2 dims, got ${shapeStr(b.shape)}`);
  if (a.ndim === 1 && b.ndim === 1) return reshape(matmul(unsqueeze(a, 0), unsqueeze(b, 1)), []);
  if (a.ndim === 1) return squeeze(matmul(unsqueeze(a, 0), b, options), -2);
  if (b.ndim === 1) return squeeze(matmul(a, unsqueeze(b, 1)), -1);
  const [m, k] = a.shape.slice(-2) as [number, number];
  const [bRows, bCols] = b.shape.slice(-2) as [number, number];
  const [k2, n] = tB ? [bCols, bRows] : [bRows, bCols];
  if (k !== k2) {
    throw new GlimpseError(`matmul: inner dimensions differ: ${shapeStr(a.shape)} @ ${shapeStr(b.shape)}${tB ? 'ᵀ' : ''} (${k} vs ${k2})`);
  }
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const batchShape = broadcastShapes(aBatch, bBatch, 'matmul');
  const batch = sizeOf(batchShape);
  // An operand whose batch dims are all 1 (or absent) is shared by every batch (stride 0);
  // one with a partial broadcast is expanded first.
  const shared = (s: readonly number[]): boolean => sizeOf(s) === 1;
  const full = (s: readonly number[]): boolean => sizeOf(s) === batch;
  const A = shared(aBatch) || full(aBatch) ? a : expand(a, [...batchShape, m, k]);
  const B = shared(bBatch) || full(bBatch) ? b : expand(b, [...batchShape, bRows, bCols]);
  const strideA = shared(aBatch) && batch > 1 ? 0 : m * k;
  const strideB = shared(bBatch) && batch > 1 ? 0 : k * n;
  const out = empty(a.dtype, [...batchShape, m, n]);
  const kern = kernels(fdata(a));
  // A batch of A's against one shared B is one product with batch·m rows (x [B, T, K] @ W [K, N]).
  const fold = strideB === 0 && strideA !== 0;
  if (fold) kern.gemm(gemmParams({ m: batch * m, n, k, transB: tB }), fdata(A), fdata(B), fdata(out));
  else kern.gemm(gemmParams({ batch, m, n, k, transB: tB, strideA, strideB, strideC: m * n }), fdata(A), fdata(B), fdata(out));
  record('matmul', [A, B], [out], ([g]) => {
    const gd = fdata(g!);
    // Both gradients accumulate into the engine's sums (or a parameter's .grad) when they can.
    let gA: GradBuffer | null = null;
    let gB: GradBuffer | null = null;
    if (A.requiresGrad) {
      // dA = dC · op(B)ᵀ: NT on B as stored [k, n]; NN on Bᵀ stored [n, k].
      gA = gradToAdd(A)!;
      if (strideA === 0) {
        for (let i = 0; i < batch; i++) {
          kern.gemm(gemmParams({ m, n: k, k: n, transB: !tB, accumulate: true }), gd.subarray(i * m * n), fdata(B).subarray(i * strideB), gA.data);
        }
      } else if (fold) {
        kern.gemm(gemmParams({ m: batch * m, n: k, k: n, transB: !tB, accumulate: true }), gd, fdata(B), gA.data);
      } else {
        kern.gemm(gemmParams({ batch, m, n: k, k: n, transB: !tB, strideA: m * n, strideB, strideC: m * k, accumulate: true }), gd, fdata(B), gA.data);
      }
    }
    if (B.requiresGrad) {
      // dB = Aᵀ · dC (B stored [k, n]) or dCᵀ · A (Bᵀ stored [n, k]); a B shared by every batch
      // sums over them in one GEMM whose inner size is batch·m.
      const [x, y, rowsOut, colsOut] = tB ? [gd, fdata(A), n, k] : [fdata(A), gd, k, n];
      const [sx, sy] = tB ? [m * n, strideA] : [strideA, m * n];
      gB = gradToAdd(B)!;
      if (strideB === 0) {
        if (strideA === 0) {
          for (let i = 0; i < batch; i++) {
            kern.gemm(gemmParams({ m: rowsOut, n: colsOut, k: m, transA: true, accumulate: true }), x.subarray(i * sx), y.subarray(i * sy), gB.data);
          }
        } else {
          kern.gemm(gemmParams({ m: rowsOut, n: colsOut, k: batch * m, transA: true, accumulate: true }), x, y, gB.data);
        }
      } else {
        kern.gemm(gemmParams({ batch, m: rowsOut, n: colsOut, k: m, transA: true, strideA: sx, strideB: sy, strideC: k * n, accumulate: true }), x, y, gB.data);
      }
    }
    return [gA && gA.result, gB && gB.result];
  });
  return out;
}

/**
 * y = x·Wᵀ + b over the last dim of x, with PyTorch's weight layout W [out, in]. Fused: the
 * bias is written first and the GEMM accumulates onto it; the backward is three kernel calls.
 *
 * @example linear(x, w, b) // x [B, T, in], w [out, in], b [out] → [B, T, out]
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  requireSameFloat(x, weight, 'linear');
  if (weight.ndim !== 2) throw new GlimpseError(`linear: weight must be [out, in], got ${shapeStr(weight.shape)}`);
  const [outF, inF] = weight.shape as [number, number];
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inF) {
    throw new GlimpseError(`linear: input ${shapeStr(x.shape)} does not end in in_features ${inF} (weight ${shapeStr(weight.shape)})`);
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== outF)) {
    throw new GlimpseError(`linear: bias must be [${outF}], got ${shapeStr(bias.shape)}`);
  }
  const rows = x.size / inF;
  const out = empty(x.dtype, [...x.shape.slice(0, -1), outF]);
  const od = fdata(out);
  const kern = kernels(fdata(x));
  if (bias) {
    kern.copyStrided(bias.data, 0, [0, 1], od, 0, [outF, 1], [rows, outF]);
  }
  kern.gemm(gemmParams({ m: rows, n: outF, k: inF, transB: true, accumulate: bias !== null }), fdata(x), fdata(weight), od);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  record('linear', inputs, [out], ([g]) => {
    const gd = fdata(g!);
    // Every gradient accumulates straight into a parameter's .grad or the engine's sum when it can.
    const gx = gradToAdd(x);
    const gw = gradToAdd(weight);
    const gb = bias ? gradToAdd(bias) : null;
    if (gx) kern.gemm(gemmParams({ m: rows, n: inF, k: outF, accumulate: true }), gd, fdata(weight), gx.data);
    if (gw) kern.gemm(gemmParams({ m: outF, n: inF, k: rows, transA: true, accumulate: true }), gd, fdata(x), gw.data);
    if (gb) kern.sumAxis(gd, 1, rows, outF, gb.data, true);
    return [gx && gx.result, gw && gw.result, gb && gb.result];
  });
  return out;
}

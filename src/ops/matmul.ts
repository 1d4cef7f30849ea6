import type { GemmParams } from '../backend/backend.js';
import { record } from '../core/grad.js';
import { Tensor } from '../core/tensor.js';
import { GlimpseError } from '../util/errors.js';
import { broadcastShapes, shapeStr, sizeOf } from '../util/shape.js';
import { expand, reshape, squeeze, unsqueeze } from './shape.js';
import { empty, fdata, kernels, requireSameFloat, sumTo } from './util.js';

const gemmDefaults = { batch: 1, transA: false, transB: false, strideA: 0, strideB: 0, strideC: 0, accumulate: false };

function gemmParams(p: Partial<GemmParams> & Pick<GemmParams, 'm' | 'n' | 'k'>): GemmParams {
  return { ...gemmDefaults, ...p };
}

/**
 * Matrix product with PyTorch's rules: 1-D operands are promoted (and the added dim removed),
 * leading batch dims broadcast. The backward never materialises a transpose (it runs the NT/TN
 * GEMM variants).
 *
 * @example
 * matmul(x, w)        // [B, T, H] @ [H, V] → [B, T, V]
 * matmul(q, transpose(k)) // [B, nh, T, hd] @ [B, nh, hd, T]
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  requireSameFloat(a, b, 'matmul');
  if (a.ndim === 0 || b.ndim === 0) throw new GlimpseError(`matmul: operands must have at least 1 dim, got ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`);
  if (a.ndim === 1 && b.ndim === 1) return reshape(matmul(unsqueeze(a, 0), unsqueeze(b, 1)), []);
  if (a.ndim === 1) return squeeze(matmul(unsqueeze(a, 0), b), -2);
  if (b.ndim === 1) return squeeze(matmul(a, unsqueeze(b, 1)), -1);
  const [m, k] = a.shape.slice(-2) as [number, number];
  const [k2, n] = b.shape.slice(-2) as [number, number];
  if (k !== k2) throw new GlimpseError(`matmul: inner dimensions differ: ${shapeStr(a.shape)} @ ${shapeStr(b.shape)} (${k} vs ${k2})`);
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const batchShape = broadcastShapes(aBatch, bBatch, 'matmul');
  const batch = sizeOf(batchShape);
  // An operand whose batch dims are all 1 (or absent) is shared by every batch (stride 0);
  // one with a partial broadcast is expanded first.
  const shared = (s: readonly number[]): boolean => sizeOf(s) === 1;
  const full = (s: readonly number[]): boolean => sizeOf(s) === batch;
  const A = shared(aBatch) || full(aBatch) ? a : expand(a, [...batchShape, m, k]);
  const B = shared(bBatch) || full(bBatch) ? b : expand(b, [...batchShape, k, n]);
  const strideA = shared(aBatch) && batch > 1 ? 0 : m * k;
  const strideB = shared(bBatch) && batch > 1 ? 0 : k * n;
  const out = empty(a.dtype, [...batchShape, m, n]);
  const kern = kernels(fdata(a));
  kern.gemm(gemmParams({ batch, m, n, k, strideA, strideB, strideC: m * n }), fdata(A), fdata(B), fdata(out));
  record('matmul', [A, B], [out], ([g]) => {
    const gd = fdata(g!);
    let gA: Tensor | null = null;
    let gB: Tensor | null = null;
    if (A.requiresGrad) {
      // dA = dC · Bᵀ
      if (strideA === 0) {
        gA = empty(a.dtype, A.shape);
        for (let i = 0; i < batch; i++) {
          kern.gemm(gemmParams({ m, n: k, k: n, transB: true, accumulate: true }), gd.subarray(i * m * n), fdata(B).subarray(i * strideB), fdata(gA));
        }
      } else {
        gA = empty(a.dtype, [...batchShape, m, k]);
        kern.gemm(gemmParams({ batch, m, n: k, k: n, transB: true, strideA: m * n, strideB, strideC: m * k }), gd, fdata(B), fdata(gA));
        gA = reshapeTo(gA, A.shape);
      }
    }
    if (B.requiresGrad) {
      // dB = Aᵀ · dC; a B shared by all batches sums over them in one GEMM ([batch·m, k]ᵀ · [batch·m, n]).
      if (strideB === 0) {
        gB = empty(a.dtype, B.shape);
        const rows = strideA === 0 ? m : batch * m;
        if (strideA === 0) {
          for (let i = 0; i < batch; i++) {
            kern.gemm(gemmParams({ m: k, n, k: m, transA: true, accumulate: true }), fdata(A), gd.subarray(i * m * n), fdata(gB));
          }
        } else {
          kern.gemm(gemmParams({ m: k, n, k: rows, transA: true }), fdata(A), gd, fdata(gB));
        }
      } else {
        gB = empty(a.dtype, [...batchShape, k, n]);
        kern.gemm(gemmParams({ batch, m: k, n, k: m, transA: true, strideA, strideB: m * n, strideC: k * n }), fdata(A), gd, fdata(gB));
        gB = reshapeTo(gB, B.shape);
      }
    }
    return [gA, gB];
  });
  return out;
}

function reshapeTo(t: Tensor, shape: readonly number[]): Tensor {
  return sizeOf(shape) === t.size ? new Tensor(t.data, shape) : sumTo(t, shape);
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
    let gx: Tensor | null = null;
    let gw: Tensor | null = null;
    let gb: Tensor | null = null;
    if (x.requiresGrad) {
      gx = empty(x.dtype, x.shape);
      kern.gemm(gemmParams({ m: rows, n: inF, k: outF }), gd, fdata(weight), fdata(gx));
    }
    if (weight.requiresGrad) {
      gw = empty(x.dtype, weight.shape);
      kern.gemm(gemmParams({ m: outF, n: inF, k: rows, transA: true }), gd, fdata(x), fdata(gw));
    }
    if (bias?.requiresGrad) {
      gb = empty(x.dtype, bias.shape);
      kern.sumAxis(gd, 1, rows, outF, fdata(gb), false);
    }
    return [gx, gw, gb];
  });
  return out;
}

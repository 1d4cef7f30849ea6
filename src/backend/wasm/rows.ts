/**
 * Row-wise kernels on wasm: softmax / log-softmax and cross-entropy, forward and backward;
 * plus the elementwise activations, axis sums and the fused Adam step. Each copies its inputs
 * into the arena, runs (split over rows / ranges when large), and copies the outputs back.
 */
import type { AdamParams, FloatArray } from '../backend.js';
import { type Runtime, f32 } from './runtime.js';
import { THRESHOLDS } from './thresholds.js';

/**
 * Chunks for an elementwise kernel over n elements: elements per chunk (a multiple of 4, for
 * SIMD) and the count; one chunk (run on the caller) when small or single-threaded.
 */
function elementChunks(rt: Runtime, n: number): { per: number; count: number } {
  const per = rt.threads > 1 && n >= THRESHOLDS.parallelElements ? Math.max(4, Math.ceil(n / (4 * rt.threads) / 4) * 4) : Math.max(n, 1);
  return { per, count: Math.ceil(n / per) };
}

/** Chunks for `rows` rows of `n`: rows per chunk and the count (1 chunk when small). */
function rowChunks(rt: Runtime, rows: number, n: number): { rpc: number; count: number } {
  if (rows === 0) return { rpc: 1, count: 0 };
  if (rt.threads <= 1 || rows * n < THRESHOLDS.parallelElements) return { rpc: rows, count: 1 };
  const count = Math.min(rows, 4 * rt.threads);
  const rpc = Math.ceil(rows / count);
  return { rpc, count: Math.ceil(rows / rpc) };
}

export function softmax(rt: Runtime, x: FloatArray, rows: number, n: number, out: FloatArray, log: boolean): void {
  const ar = rt.arena;
  ar.reset();
  const size = rows * n;
  const px = ar.put(x.subarray(0, size));
  const { rpc, count } = rowChunks(rt, rows, n);
  rt.run('softmax_chunk', rt.desc([px, px, rows, n, log ? 1 : 0, rpc]), count);
  ar.get(px, out.subarray(0, size));
}

export function softmaxBackward(rt: Runtime, y: FloatArray, gy: FloatArray, rows: number, n: number, gx: FloatArray, log: boolean): void {
  const ar = rt.arena;
  ar.reset();
  const size = rows * n;
  const py = ar.put(y.subarray(0, size));
  const pg = ar.put(gy.subarray(0, size));
  const { rpc, count } = rowChunks(rt, rows, n);
  rt.run('softmax_bwd_chunk', rt.desc([py, pg, pg, rows, n, log ? 1 : 0, rpc]), count);
  ar.get(pg, gx.subarray(0, size));
}

export function crossEntropy(
  rt: Runtime, logits: FloatArray, target: Int32Array, rows: number, n: number,
  ignoreIndex: number, smoothing: number, loss: FloatArray, lse: FloatArray,
): void {
  const ar = rt.arena;
  ar.reset();
  const px = ar.put(logits.subarray(0, rows * n));
  const pt = ar.put(target.subarray(0, rows));
  const pl = ar.allocF32(rows);
  const ps = ar.allocF32(rows);
  const { rpc, count } = rowChunks(rt, rows, n);
  rt.run('ce_chunk', rt.desc([px, pt, rows, n, ignoreIndex, f32(smoothing), pl, ps, rpc]), count);
  ar.get(pl, loss.subarray(0, rows));
  ar.get(ps, lse.subarray(0, rows));
}

export function crossEntropyBackward(
  rt: Runtime, logits: FloatArray, lse: FloatArray, target: Int32Array, rows: number, n: number,
  ignoreIndex: number, smoothing: number, gLoss: FloatArray, gLogits: FloatArray,
): void {
  const ar = rt.arena;
  ar.reset();
  const px = ar.put(logits.subarray(0, rows * n));
  const ps = ar.put(lse.subarray(0, rows));
  const pt = ar.put(target.subarray(0, rows));
  const pg = ar.put(gLoss.subarray(0, rows));
  const { rpc, count } = rowChunks(rt, rows, n);
  rt.run('ce_bwd_chunk', rt.desc([px, ps, pt, rows, n, ignoreIndex, f32(smoothing), pg, px, rpc]), count);
  ar.get(px, gLogits.subarray(0, rows * n));
}

/** Activation codes of assembly/activation.ts. */
export const UNARY_CODES = { exp: 0, tanh: 1, sigmoid: 2, gelu: 3 } as const;
/** Activations whose backward runs in wasm: those that need f′(x) from x, not from y. */
export const UNARY_BACKWARD_CODES = { gelu: 3 } as const;

export function unary(rt: Runtime, code: number, x: FloatArray, out: FloatArray): void {
  const ar = rt.arena;
  ar.reset();
  const n = x.length;
  const px = ar.put(x);
  const { per, count } = elementChunks(rt, n);
  rt.run('unary_chunk', rt.desc([code, px, px, n, per]), count);
  ar.get(px, out.subarray(0, n));
}

/** gx = gy·f′(x) for an activation of UNARY_BACKWARD_CODES. */
export function unaryBackward(rt: Runtime, code: number, x: FloatArray, gy: FloatArray, gx: FloatArray): void {
  const ar = rt.arena;
  ar.reset();
  const n = gy.length;
  const px = ar.put(x.subarray(0, n));
  const pg = ar.put(gy);
  const { per, count } = elementChunks(rt, n);
  rt.run('unary_bwd_chunk', rt.desc([code, px, pg, pg, n, per]), count);
  ar.get(pg, gx.subarray(0, n));
}

export function sumAxis(rt: Runtime, x: FloatArray, outer: number, n: number, inner: number, out: FloatArray, accumulate: boolean): void {
  const ar = rt.arena;
  ar.reset();
  const px = ar.put(x.subarray(0, outer * n * inner));
  const po = accumulate ? ar.put(out.subarray(0, outer * inner)) : ar.allocF32(outer * inner);
  rt.k.sum_axis(px, outer, n, inner, po, accumulate ? 1 : 0, ar.alloc(inner * 8));
  ar.get(po, out.subarray(0, outer * inner));
}

export function adam(rt: Runtime, param: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray, p: AdamParams): void {
  const ar = rt.arena;
  ar.reset();
  const n = param.length;
  const pp = ar.put(param);
  const pg = ar.put(grad.subarray(0, n));
  const pm = ar.put(m.subarray(0, n));
  const pv = ar.put(v.subarray(0, n));
  const { per, count } = elementChunks(rt, n);
  const desc = rt.desc([
    pp, pg, pm, pv, n, per, f32(p.beta1), f32(p.beta2), f32(p.eps), f32(p.stepSize), f32(p.bc2Sqrt), f32(p.weightDecay), f32(p.decayFactor),
    f32(1 - p.beta1), f32(1 - p.beta2),
  ]);
  rt.run('adam_chunk', desc, count);
  ar.get(pp, param);
  ar.get(pm, m.subarray(0, n));
  ar.get(pv, v.subarray(0, n));
}

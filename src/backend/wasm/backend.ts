/**
 * The WebAssembly backend. Kernels with arithmetic to speed up run in wasm: GEMM, the fused
 * recurrent and attention layers, the transcendental row kernels (softmax, cross-entropy,
 * exp/tanh/sigmoid), axis sums and Adam. Each call copies its operands into the arena and its
 * results back, so each family runs in wasm from the size where that copy is repaid. Measured
 * per call on the 2-core dev VM (reference → wasm): gemm 4³ 0.22 → 0.45 µs, 8³ 0.79 → 0.46 µs,
 * 32³ 53 → 3.4 µs; tanh 64 0.70 → 0.40 µs, 1024 11 → 3.8 µs; softmax 1×64 0.91 → 0.54 µs;
 * sum 16×64 1.5 → 0.7 µs; Adam 1,024 3.6 → 3.0 µs, 1 M 5.4 → 2.0 ms. Everything else is
 * memory-bound either way (copies, gathers and embedding lookups, where, add/mul, axpy,
 * compare, layer norm): wasm would do the same work plus the round trip, so those stay on the
 * reference kernels. float64 data always goes to the reference backend.
 */
import type { Backend, FloatArray, UnaryOp } from '../backend.js';
import { refBackend } from '../ref/backend.js';
import { sdpaBackward, sdpaForward } from './attention.js';
import { extent, gemmOnArena } from './gemm.js';
import { gruBackward, gruForward, lstmBackward, lstmForward } from './rnn.js';
import * as rows from './rows.js';
import { getRuntime } from './runtime.js';
import { THRESHOLDS } from './thresholds.js';

export { THRESHOLDS };

const is64 = (a: FloatArray): boolean => a instanceof Float64Array;

const WASM_UNARY: Partial<Record<UnaryOp, number>> = rows.UNARY_CODES;
const WASM_UNARY_BACKWARD: Partial<Record<UnaryOp, number>> = rows.UNARY_BACKWARD_CODES;

export const wasmBackend: Backend = {
  ...refBackend,
  name: 'wasm',

  unary(op, x, out, p0, p1) {
    const code = WASM_UNARY[op];
    if (code === undefined || is64(x) || x.length < THRESHOLDS.activation) return refBackend.unary(op, x, out, p0, p1);
    rows.unary(getRuntime(), code, x, out);
  },

  unaryBackward(op, x, y, gy, gx, p0, p1) {
    const code = WASM_UNARY_BACKWARD[op];
    if (code === undefined || is64(gy) || gy.length < THRESHOLDS.activation) return refBackend.unaryBackward(op, x, y, gy, gx, p0, p1);
    rows.unaryBackward(getRuntime(), code, x, gy, gx);
  },

  sumAxis(x, outer, n, inner, out, accumulate) {
    if (is64(x) || outer * n * inner < THRESHOLDS.sum) return refBackend.sumAxis(x, outer, n, inner, out, accumulate);
    rows.sumAxis(getRuntime(), x, outer, n, inner, out, accumulate);
  },

  softmax(x, r, n, out, log) {
    if (is64(x) || r * n < THRESHOLDS.rowElements) return refBackend.softmax(x, r, n, out, log);
    rows.softmax(getRuntime(), x, r, n, out, log);
  },

  softmaxBackward(y, gy, r, n, gx, log) {
    if (is64(y) || r * n < THRESHOLDS.rowElements) return refBackend.softmaxBackward(y, gy, r, n, gx, log);
    rows.softmaxBackward(getRuntime(), y, gy, r, n, gx, log);
  },

  crossEntropy(logits, target, r, n, ignoreIndex, smoothing, loss, lse) {
    if (is64(logits) || r * n < THRESHOLDS.rowElements) {
      return refBackend.crossEntropy(logits, target, r, n, ignoreIndex, smoothing, loss, lse);
    }
    rows.crossEntropy(getRuntime(), logits, target, r, n, ignoreIndex, smoothing, loss, lse);
  },

  crossEntropyBackward(logits, lse, target, r, n, ignoreIndex, smoothing, gLoss, gLogits) {
    if (is64(logits) || r * n < THRESHOLDS.rowElements) {
      return refBackend.crossEntropyBackward(logits, lse, target, r, n, ignoreIndex, smoothing, gLoss, gLogits);
    }
    rows.crossEntropyBackward(getRuntime(), logits, lse, target, r, n, ignoreIndex, smoothing, gLoss, gLogits);
  },

  gemm(p, a, b, c) {
    if (is64(a) || p.batch * p.m * p.n * p.k < THRESHOLDS.gemmMacs) return refBackend.gemm(p, a, b, c);
    const rt = getRuntime();
    const ar = rt.arena;
    ar.reset();
    const { batch, m, n, k } = p;
    const pa = ar.put(a.subarray(0, extent(batch, p.strideA, m * k)));
    const pb = ar.put(b.subarray(0, extent(batch, p.strideB, k * n)));
    const cn = extent(batch, p.strideC, m * n);
    const pc = p.accumulate || p.strideC > m * n ? ar.put(c.subarray(0, cn)) : ar.allocF32(cn);
    gemmOnArena(rt, p, { a: pa, b: pb, c: pc });
    ar.get(pc, c.subarray(0, cn));
  },

  adam(param, grad, m, v, p) {
    if (is64(param) || param.length < THRESHOLDS.adam) return refBackend.adam(param, grad, m, v, p);
    rows.adam(getRuntime(), param, grad, m, v, p);
  },

  lstmForward(p, x, wIh, wHh, bIh, bHh, h0, c0, lengths, out, hN, cN, ws) {
    if (is64(x)) return refBackend.lstmForward(p, x, wIh, wHh, bIh, bHh, h0, c0, lengths, out, hN, cN, ws);
    lstmForward(getRuntime(), p, x, wIh, wHh, bIh, bHh, h0, c0, lengths, out, hN, cN, ws);
  },

  lstmBackward(p, x, wIh, wHh, h0, c0, lengths, ws, gOut, gHN, gCN, gX, gWIh, gWHh, gBIh, gBHh, gH0, gC0) {
    if (is64(x)) return refBackend.lstmBackward(p, x, wIh, wHh, h0, c0, lengths, ws, gOut, gHN, gCN, gX, gWIh, gWHh, gBIh, gBHh, gH0, gC0);
    lstmBackward(getRuntime(), p, x, wIh, wHh, h0, c0, lengths, ws, gOut, gHN, gCN, gX, gWIh, gWHh, gBIh, gBHh, gH0, gC0);
  },

  gruForward(p, x, wIh, wHh, bIh, bHh, h0, lengths, out, hN, ws) {
    if (is64(x)) return refBackend.gruForward(p, x, wIh, wHh, bIh, bHh, h0, lengths, out, hN, ws);
    gruForward(getRuntime(), p, x, wIh, wHh, bIh, bHh, h0, lengths, out, hN, ws);
  },

  gruBackward(p, x, wIh, wHh, h0, lengths, ws, gOut, gHN, gX, gWIh, gWHh, gBIh, gBHh, gH0) {
    if (is64(x)) return refBackend.gruBackward(p, x, wIh, wHh, h0, lengths, ws, gOut, gHN, gX, gWIh, gWHh, gBIh, gBHh, gH0);
    gruBackward(getRuntime(), p, x, wIh, wHh, h0, lengths, ws, gOut, gHN, gX, gWIh, gWHh, gBIh, gBHh, gH0);
  },

  sdpaForward(p, q, k, v, keyPadding, attnMask, out, weights) {
    if (is64(q)) return refBackend.sdpaForward(p, q, k, v, keyPadding, attnMask, out, weights);
    sdpaForward(getRuntime(), p, q, k, v, keyPadding, attnMask, out, weights);
  },

  sdpaBackward(p, q, k, v, weights, gOut, gWeights, gQ, gK, gV) {
    if (is64(q)) return refBackend.sdpaBackward(p, q, k, v, weights, gOut, gWeights, gQ, gK, gV);
    sdpaBackward(getRuntime(), p, q, k, v, weights, gOut, gWeights, gQ, gK, gV);
  },
};

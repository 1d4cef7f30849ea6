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
import type { Backend, UnaryOp } from '../backend.js';
import { refBackend } from '../ref/backend.js';
import { type Routes, routed } from '../route.js';
import { sdpaBackward, sdpaForward } from './attention.js';
import { extent, gemmOnArena } from './gemm.js';
import { gruBackward, gruForward, lstmBackward, lstmForward } from './rnn.js';
import * as rows from './rows.js';
import { getRuntime } from './runtime.js';
import { THRESHOLDS } from './thresholds.js';

export { THRESHOLDS };

const WASM_UNARY: Partial<Record<UnaryOp, number>> = rows.UNARY_CODES;
const WASM_UNARY_BACKWARD: Partial<Record<UnaryOp, number>> = rows.UNARY_BACKWARD_CODES;

/** The kernels wasm runs; every other kernel is the reference one. */
type WasmKernel =
  | 'unary' | 'unaryBackward' | 'sumAxis' | 'softmax' | 'softmaxBackward' | 'crossEntropy' | 'crossEntropyBackward'
  | 'gemm' | 'adam' | 'lstmForward' | 'lstmBackward' | 'gruForward' | 'gruBackward' | 'sdpaForward' | 'sdpaBackward';

/**
 * When each wasm kernel hands its call to the reference: float64 data, and work below its
 * threshold (THRESHOLDS, read per call). The fused layers run in wasm at any size.
 */
const ROUTES: Routes<WasmKernel> = {
  unary: { data: (_op, x) => x, size: (_op, x) => x.length, min: () => THRESHOLDS.activation, takes: (op) => WASM_UNARY[op] !== undefined },
  unaryBackward: {
    data: (_op, _x, _y, gy) => gy, size: (_op, _x, _y, gy) => gy.length, min: () => THRESHOLDS.activation,
    takes: (op) => WASM_UNARY_BACKWARD[op] !== undefined,
  },
  sumAxis: { data: (x) => x, size: (_x, outer, n, inner) => outer * n * inner, min: () => THRESHOLDS.sum },
  softmax: { data: (x) => x, size: (_x, r, n) => r * n, min: () => THRESHOLDS.rowElements },
  softmaxBackward: { data: (y) => y, size: (_y, _gy, r, n) => r * n, min: () => THRESHOLDS.rowElements },
  crossEntropy: { data: (logits) => logits, size: (_l, _t, r, n) => r * n, min: () => THRESHOLDS.rowElements },
  crossEntropyBackward: { data: (logits) => logits, size: (_l, _lse, _t, r, n) => r * n, min: () => THRESHOLDS.rowElements },
  gemm: { data: (_p, a) => a, size: (p) => p.batch * p.m * p.n * p.k, min: () => THRESHOLDS.gemmMacs },
  adam: { data: (param) => param, size: (param) => param.length, min: () => THRESHOLDS.adam },
  lstmForward: { data: (_p, a) => a.x },
  lstmBackward: { data: (_p, a) => a.x },
  gruForward: { data: (_p, a) => a.x },
  gruBackward: { data: (_p, a) => a.x },
  sdpaForward: { data: (_p, a) => a.q },
  sdpaBackward: { data: (_p, a) => a.q },
};

/** The wasm kernels proper, for the float32 calls their routes let through. */
const fast: Pick<Backend, WasmKernel> = {
  unary: (op, x, out) => rows.unary(getRuntime(), WASM_UNARY[op]!, x, out),
  unaryBackward: (op, x, _y, gy, gx) => rows.unaryBackward(getRuntime(), WASM_UNARY_BACKWARD[op]!, x, gy, gx),
  sumAxis: (x, outer, n, inner, out, accumulate) => rows.sumAxis(getRuntime(), x, outer, n, inner, out, accumulate),
  softmax: (x, r, n, out, log) => rows.softmax(getRuntime(), x, r, n, out, log),
  softmaxBackward: (y, gy, r, n, gx, log) => rows.softmaxBackward(getRuntime(), y, gy, r, n, gx, log),
  crossEntropy: (logits, target, r, n, ignoreIndex, smoothing, loss, lse) =>
    rows.crossEntropy(getRuntime(), logits, target, r, n, ignoreIndex, smoothing, loss, lse),
  crossEntropyBackward: (logits, lse, target, r, n, ignoreIndex, smoothing, gLoss, gLogits) =>
    rows.crossEntropyBackward(getRuntime(), logits, lse, target, r, n, ignoreIndex, smoothing, gLoss, gLogits),

  gemm(p, a, b, c) {
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

  adam: (param, grad, m, v, p) => rows.adam(getRuntime(), param, grad, m, v, p),
  lstmForward: (p, a) => lstmForward(getRuntime(), p, a),
  lstmBackward: (p, a) => lstmBackward(getRuntime(), p, a),
  gruForward: (p, a) => gruForward(getRuntime(), p, a),
  gruBackward: (p, a) => gruBackward(getRuntime(), p, a),
  sdpaForward: (p, a) => sdpaForward(getRuntime(), p, a),
  sdpaBackward: (p, a) => sdpaBackward(getRuntime(), p, a),
};

export const wasmBackend: Backend = {
  ...refBackend,
  name: 'wasm',
  ...routed(ROUTES, fast),
};

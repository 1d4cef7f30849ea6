import type {
  AdamParams, AnyArray, Backend, BinaryOp, Broadcast, CompareOp, FloatArray, GemmParams, RnnParams, RnnWorkspace,
  SdpaParams, UnaryOp,
} from '../backend.js';
import { refBackend } from '../ref/backend.js';
import type { NativeAddon } from './addon.js';

// Op codes: the order of the enums in native/src/kernels.h. Typed tables, so a new op without a
// code fails to compile.
const UNARY: Record<UnaryOp, number> = {
  neg: 0, exp: 1, log: 2, sqrt: 3, tanh: 4, sigmoid: 5, relu: 6, abs: 7, pow: 8, clamp: 9, affine: 10, gelu: 11,
};
const BINARY: Record<BinaryOp, number> = { add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6 };
const COMPARE: Record<CompareOp, number> = { eq: 0, ne: 1, lt: 2, le: 3, gt: 4, ge: 5, and: 6, or: 7 };

/**
 * Below this many elements an elementwise kernel stays in JavaScript: a Node-API call costs
 * ~100–150 ns, what a JS loop spends on ~64 multiply-adds or ~16 tanh/exp (measured on the
 * 2-core EPYC of PROTOCOL.md).
 */
const SMALL_DEFAULT = 64;
const SMALL_TRANSCENDENTAL = 16;
const TRANSCENDENTAL: ReadonlySet<UnaryOp> = new Set(['exp', 'log', 'tanh', 'sigmoid', 'pow', 'gelu']);

const f64 = (a: AnyArray): boolean => a instanceof Float64Array;
const F = (a: FloatArray): Float32Array => a as Float32Array;

/**
 * One reusable buffer for shapes and strides: filled per call, never reallocated for ranks up
 * to 8 (so the hot path allocates nothing).
 */
let meta = new Int32Array(1 + 8 * 4);
function metaBuffer(n: number): Int32Array {
  if (meta.length < n) meta = new Int32Array(n);
  return meta;
}

function packBroadcast(bc: Broadcast | null): Int32Array | null {
  if (bc === null) return null;
  const nd = bc.shape.length;
  const m = metaBuffer(1 + nd * (1 + bc.strides.length));
  m[0] = nd;
  for (let d = 0; d < nd; d++) m[1 + d] = bc.shape[d]!;
  bc.strides.forEach((s, k) => {
    for (let d = 0; d < nd; d++) m[1 + nd * (1 + k) + d] = s[d]!;
  });
  return m;
}

export interface NativeBackendOptions {
  /**
   * Elementwise calls on fewer elements than this run the reference kernel instead (0: always
   * native, as the parity tests want).
   */
  small?: number;
}

/** The native backend over a loaded addon. Float64 arrays (gradient checks) go to the reference. */
export function createNativeBackend(addon: NativeAddon, options: NativeBackendOptions = {}): Backend {
  const ref = refBackend;
  const SMALL = options.small ?? SMALL_DEFAULT;
  const smallUnary = (op: UnaryOp): number => options.small ?? (TRANSCENDENTAL.has(op) ? SMALL_TRANSCENDENTAL : SMALL_DEFAULT);
  const backend: Backend = {
    name: 'native',

    copyStrided(src, srcOffset, srcStrides, dst, dstOffset, dstStrides, shape) {
      const nd = shape.length;
      if (f64(src) || f64(dst) || Object.getPrototypeOf(src) !== Object.getPrototypeOf(dst) || nd === 0 || nd > 30) {
        ref.copyStrided(src, srcOffset, srcStrides, dst, dstOffset, dstStrides, shape);
        return;
      }
      let size = 1;
      for (const d of shape) size *= d;
      if (size < SMALL) {
        ref.copyStrided(src, srcOffset, srcStrides, dst, dstOffset, dstStrides, shape);
        return;
      }
      const m = metaBuffer(1 + 3 * nd);
      m[0] = nd;
      for (let d = 0; d < nd; d++) {
        m[1 + d] = shape[d]!;
        m[1 + nd + d] = srcStrides[d]!;
        m[1 + 2 * nd + d] = dstStrides[d]!;
      }
      addon.copyStrided(src as Float32Array, srcOffset, dst as Float32Array, dstOffset, m);
    },

    unary(op, x, out, p0, p1) {
      if (f64(x) || out.length < smallUnary(op)) ref.unary(op, x, out, p0, p1);
      else addon.unary(UNARY[op], F(x), F(out), p0, p1);
    },
    unaryBackward(op, x, y, gy, gx, p0, p1) {
      if (f64(gy) || gy.length < smallUnary(op) || x.length < gy.length || y.length < gy.length) ref.unaryBackward(op, x, y, gy, gx, p0, p1);
      else addon.unaryBackward(UNARY[op], F(x), F(y), F(gy), F(gx), p0, p1);
    },
    binary(op, a, b, out, bc) {
      if (f64(a) || out.length < SMALL) ref.binary(op, a, b, out, bc);
      else addon.binary(BINARY[op], F(a), F(b), F(out), packBroadcast(bc));
    },
    binaryBackward(op, a, b, out, gy, ga, gb, bc) {
      if (f64(a) || gy.length < SMALL) ref.binaryBackward(op, a, b, out, gy, ga, gb, bc);
      else addon.binaryBackward(BINARY[op], F(a), F(b), F(out), F(gy), ga && F(ga), gb && F(gb), packBroadcast(bc));
    },
    compare(op, a, b, out, bc) {
      if (f64(a) || f64(b) || out.length < SMALL || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) ref.compare(op, a, b, out, bc);
      else addon.compare(COMPARE[op], a as Float32Array, b as Float32Array, out, packBroadcast(bc));
    },
    where(cond, a, b, out, bc) {
      const proto = Object.getPrototypeOf(out);
      if (f64(out) || out.length < SMALL || Object.getPrototypeOf(a) !== proto || Object.getPrototypeOf(b) !== proto) ref.where(cond, a, b, out, bc);
      else addon.where(cond, a as Float32Array, b as Float32Array, out as Float32Array, packBroadcast(bc));
    },
    maskScale(x, mask, scale, out) {
      if (f64(x) || x.length < SMALL) ref.maskScale(x, mask, scale, out);
      else addon.maskScale(F(x), mask, scale, F(out));
    },
    axpy(alpha, x, y) {
      if (f64(x) || x.length < SMALL) ref.axpy(alpha, x, y);
      else addon.axpy(alpha, F(x), F(y));
    },
    sumSquares(x) {
      return f64(x) || x.length < SMALL ? ref.sumSquares(x) : addon.sumSquares(F(x));
    },

    sumAxis(x, outer, n, inner, out, accumulate) {
      if (f64(x) || outer * n * inner < SMALL) ref.sumAxis(x, outer, n, inner, out, accumulate);
      else addon.sumAxis(F(x), outer, n, inner, F(out), accumulate);
    },
    maxAxis(x, outer, n, inner, out, arg) {
      if (f64(x) || outer * n * inner < SMALL) ref.maxAxis(x, outer, n, inner, out, arg);
      else addon.maxAxis(F(x), outer, n, inner, F(out), arg);
    },

    softmax(x, rows, n, out, log) {
      if (f64(x)) ref.softmax(x, rows, n, out, log);
      else addon.softmax(F(x), rows, n, F(out), log);
    },
    softmaxBackward(y, gy, rows, n, gx, log) {
      if (f64(y)) ref.softmaxBackward(y, gy, rows, n, gx, log);
      else addon.softmaxBackward(F(y), F(gy), rows, n, F(gx), log);
    },
    crossEntropy(logits, target, rows, n, ignoreIndex, smoothing, loss, lse) {
      if (f64(logits)) ref.crossEntropy(logits, target, rows, n, ignoreIndex, smoothing, loss, lse);
      else addon.crossEntropy(F(logits), target, rows, n, ignoreIndex, smoothing, F(loss), F(lse));
    },
    crossEntropyBackward(logits, lse, target, rows, n, ignoreIndex, smoothing, gLoss, gLogits) {
      if (f64(logits)) ref.crossEntropyBackward(logits, lse, target, rows, n, ignoreIndex, smoothing, gLoss, gLogits);
      else addon.crossEntropyBackward(F(logits), F(lse), target, rows, n, ignoreIndex, smoothing, F(gLoss), F(gLogits));
    },

    gemm(p: GemmParams, a, b, c) {
      if (f64(a)) {
        ref.gemm(p, a, b, c);
        return;
      }
      addon.gemm(p.batch, p.m, p.n, p.k, p.transA, p.transB, p.strideA, p.strideB, p.strideC, p.accumulate, F(a), F(b), F(c));
    },

    indexSelect(x, outer, n, inner, idx, out) {
      if (f64(x) || Object.getPrototypeOf(x) !== Object.getPrototypeOf(out)) ref.indexSelect(x, outer, n, inner, idx, out);
      else addon.indexSelect(x as Float32Array, outer, n, inner, idx, out as Float32Array);
    },
    indexAdd(g, outer, n, inner, idx, gx, skip) {
      if (f64(g)) ref.indexAdd(g, outer, n, inner, idx, gx, skip);
      else addon.indexAdd(F(g), outer, n, inner, idx, F(gx), skip);
    },
    gather(x, outer, n, inner, idx, m, out) {
      if (f64(x) || Object.getPrototypeOf(x) !== Object.getPrototypeOf(out)) ref.gather(x, outer, n, inner, idx, m, out);
      else addon.gather(x as Float32Array, outer, n, inner, idx, m, out as Float32Array);
    },
    scatterAdd(g, outer, n, inner, idx, m, gx) {
      if (f64(g)) ref.scatterAdd(g, outer, n, inner, idx, m, gx);
      else addon.scatterAdd(F(g), outer, n, inner, idx, m, F(gx));
    },

    layerNorm(x, gamma, beta, rows, n, eps, y, mean, rstd) {
      if (f64(x)) ref.layerNorm(x, gamma, beta, rows, n, eps, y, mean, rstd);
      else addon.layerNorm(F(x), gamma && F(gamma), beta && F(beta), rows, n, eps, F(y), F(mean), F(rstd));
    },
    layerNormBackward(x, gamma, mean, rstd, gy, rows, n, gx, gGamma, gBeta) {
      if (f64(x)) ref.layerNormBackward(x, gamma, mean, rstd, gy, rows, n, gx, gGamma, gBeta);
      else addon.layerNormBackward(F(x), gamma && F(gamma), F(mean), F(rstd), F(gy), rows, n, gx && F(gx), gGamma && F(gGamma), gBeta && F(gBeta));
    },

    adam(param, grad, m, v, p: AdamParams) {
      if (f64(param) || param.length < SMALL) ref.adam(param, grad, m, v, p);
      else addon.adam(F(param), F(grad), F(m), F(v), p.beta1, p.beta2, p.eps, p.stepSize, p.bc2Sqrt, p.weightDecay, p.decayFactor);
    },

    lstmForward(p: RnnParams, x, wIh, wHh, bIh, bHh, h0, c0, lengths, out, hN, cN, ws: RnnWorkspace) {
      if (f64(x)) {
        ref.lstmForward(p, x, wIh, wHh, bIh, bHh, h0, c0, lengths, out, hN, cN, ws);
        return;
      }
      addon.lstmForward(p.T, p.B, p.I, p.H, p.reverse, F(x), F(wIh), F(wHh), bIh && F(bIh), bHh && F(bHh), F(h0), F(c0),
        lengths, F(out), F(hN), F(cN), F(ws.gates), F(ws.cs), F(ws.hs));
    },
    lstmBackward(p, x, wIh, wHh, h0, c0, lengths, ws, gOut, gHN, gCN, gX, gWIh, gWHh, gBIh, gBHh, gH0, gC0) {
      if (f64(x)) {
        ref.lstmBackward(p, x, wIh, wHh, h0, c0, lengths, ws, gOut, gHN, gCN, gX, gWIh, gWHh, gBIh, gBHh, gH0, gC0);
        return;
      }
      addon.lstmBackward(p.T, p.B, p.I, p.H, p.reverse, F(x), F(wIh), F(wHh), F(h0), F(c0), lengths,
        F(ws.gates), F(ws.cs), F(ws.hs), gOut && F(gOut), gHN && F(gHN), gCN && F(gCN), gX && F(gX),
        gWIh && F(gWIh), gWHh && F(gWHh), gBIh && F(gBIh), gBHh && F(gBHh), gH0 && F(gH0), gC0 && F(gC0));
    },
    gruForward(p, x, wIh, wHh, bIh, bHh, h0, lengths, out, hN, ws) {
      if (f64(x)) {
        ref.gruForward(p, x, wIh, wHh, bIh, bHh, h0, lengths, out, hN, ws);
        return;
      }
      addon.gruForward(p.T, p.B, p.I, p.H, p.reverse, F(x), F(wIh), F(wHh), bIh && F(bIh), bHh && F(bHh), F(h0),
        lengths, F(out), F(hN), F(ws.gates), F(ws.hs));
    },
    gruBackward(p, x, wIh, wHh, h0, lengths, ws, gOut, gHN, gX, gWIh, gWHh, gBIh, gBHh, gH0) {
      if (f64(x)) {
        ref.gruBackward(p, x, wIh, wHh, h0, lengths, ws, gOut, gHN, gX, gWIh, gWHh, gBIh, gBHh, gH0);
        return;
      }
      addon.gruBackward(p.T, p.B, p.I, p.H, p.reverse, F(x), F(wIh), F(wHh), F(h0), lengths, F(ws.gates), F(ws.hs),
        gOut && F(gOut), gHN && F(gHN), gX && F(gX), gWIh && F(gWIh), gWHh && F(gWHh), gBIh && F(gBIh),
        gBHh && F(gBHh), gH0 && F(gH0));
    },

    sdpaForward(p: SdpaParams, q, k, v, keyPadding, attnMask, out, weights) {
      if (f64(q)) {
        ref.sdpaForward(p, q, k, v, keyPadding, attnMask, out, weights);
        return;
      }
      addon.sdpaForward(p.bh, p.heads, p.tq, p.tk, p.d, p.dv, p.scale, p.causal, F(q), F(k), F(v), keyPadding, attnMask, F(out), F(weights));
    },
    sdpaBackward(p, q, k, v, weights, gOut, gWeights, gQ, gK, gV) {
      if (f64(q)) {
        ref.sdpaBackward(p, q, k, v, weights, gOut, gWeights, gQ, gK, gV);
        return;
      }
      addon.sdpaBackward(p.bh, p.heads, p.tq, p.tk, p.d, p.dv, p.scale, p.causal, F(q), F(k), F(v), F(weights), F(gOut),
        gWeights && F(gWeights), gQ && F(gQ), gK && F(gK), gV && F(gV));
    },
  };
  return backend;
}

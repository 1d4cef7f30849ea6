import type { AnyArray, Backend, BinaryOp, Broadcast, CompareOp, FloatArray, UnaryOp } from '../backend.js';
import { type KernelName, type Routes, routed } from '../route.js';
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

/** Same element type (a kernel that copies or selects needs it). */
const same = (a: AnyArray, b: AnyArray): boolean => Object.getPrototypeOf(a) === Object.getPrototypeOf(b);
const F = (a: FloatArray): Float32Array => a as Float32Array;
const opt = (a: FloatArray | null): Float32Array | null => a && F(a);

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

/**
 * When each native kernel hands its call to the reference: float64 data, elementwise work
 * below SMALL (transcendental unary ops from 16 elements), mixed element types. GEMM, softmax,
 * cross-entropy, indexing, layer norm and the fused layers are native at any size.
 */
function nativeRoutes(options: NativeBackendOptions): Routes<KernelName> {
  const SMALL = options.small ?? SMALL_DEFAULT;
  const small = (): number => SMALL;
  const smallUnary = (op: UnaryOp): number => options.small ?? (TRANSCENDENTAL.has(op) ? SMALL_TRANSCENDENTAL : SMALL_DEFAULT);
  return {
    copyStrided: {
      data: (src) => src, size: (_s, _so, _ss, _d, _do, _ds, shape) => shape.reduce((n, d) => n * d, 1), min: small,
      takes: (src, _so, _ss, dst, _do, _ds, shape) => same(src, dst) && shape.length > 0 && shape.length <= 30,
    },
    unary: { data: (_op, x) => x, size: (_op, _x, out) => out.length, min: smallUnary },
    unaryBackward: {
      data: (_op, _x, _y, gy) => gy, size: (_op, _x, _y, gy) => gy.length, min: smallUnary,
      takes: (_op, x, y, gy) => x.length >= gy.length && y.length >= gy.length,
    },
    binary: { data: (_op, a) => a, size: (_op, _a, _b, out) => out.length, min: small },
    binaryBackward: { data: (_op, a) => a, size: (_op, _a, _b, _out, gy) => gy.length, min: small },
    compare: { data: (_op, a) => a, size: (_op, _a, _b, out) => out.length, min: small, takes: (_op, a, b) => same(a, b) },
    where: { data: (_c, _a, _b, out) => out, size: (_c, _a, _b, out) => out.length, min: small, takes: (_c, a, b, out) => same(a, out) && same(b, out) },
    maskScale: { data: (x) => x, size: (x) => x.length, min: small },
    axpy: { data: (_alpha, x) => x, size: (_alpha, x) => x.length, min: small },
    sumSquares: { data: (x) => x, size: (x) => x.length, min: small },
    sumAxis: { data: (x) => x, size: (_x, outer, n, inner) => outer * n * inner, min: small },
    maxAxis: { data: (x) => x, size: (_x, outer, n, inner) => outer * n * inner, min: small },
    softmax: { data: (x) => x },
    softmaxBackward: { data: (y) => y },
    crossEntropy: { data: (logits) => logits },
    crossEntropyBackward: { data: (logits) => logits },
    gemm: { data: (_p, a) => a },
    indexSelect: { data: (x) => x, takes: (x, _o, _n, _i, _idx, out) => same(x, out) },
    indexAdd: { data: (g) => g },
    gather: { data: (x) => x, takes: (x, _o, _n, _i, _idx, _m, out) => same(x, out) },
    scatterAdd: { data: (g) => g },
    layerNorm: { data: (x) => x },
    layerNormBackward: { data: (x) => x },
    adam: { data: (param) => param, size: (param) => param.length, min: small },
    lstmForward: { data: (_p, a) => a.x },
    lstmBackward: { data: (_p, a) => a.x },
    gruForward: { data: (_p, a) => a.x },
    gruBackward: { data: (_p, a) => a.x },
    sdpaForward: { data: (_p, a) => a.q },
    sdpaBackward: { data: (_p, a) => a.q },
  };
}

/** The addon's kernels, for the float32 calls their routes let through. */
function nativeKernels(addon: NativeAddon): Omit<Backend, 'name'> {
  return {
    copyStrided(src, srcOffset, srcStrides, dst, dstOffset, dstStrides, shape) {
      const nd = shape.length;
      const m = metaBuffer(1 + 3 * nd);
      m[0] = nd;
      for (let d = 0; d < nd; d++) {
        m[1 + d] = shape[d]!;
        m[1 + nd + d] = srcStrides[d]!;
        m[1 + 2 * nd + d] = dstStrides[d]!;
      }
      addon.copyStrided(src as Float32Array, srcOffset, dst as Float32Array, dstOffset, m);
    },

    unary: (op, x, out, p0, p1) => addon.unary(UNARY[op], F(x), F(out), p0, p1),
    unaryBackward: (op, x, y, gy, gx, p0, p1) => addon.unaryBackward(UNARY[op], F(x), F(y), F(gy), F(gx), p0, p1),
    binary: (op, a, b, out, bc) => addon.binary(BINARY[op], F(a), F(b), F(out), packBroadcast(bc)),
    binaryBackward: (op, a, b, out, gy, ga, gb, bc) =>
      addon.binaryBackward(BINARY[op], F(a), F(b), F(out), F(gy), ga && F(ga), gb && F(gb), packBroadcast(bc)),
    compare: (op, a, b, out, bc) => addon.compare(COMPARE[op], a as Float32Array, b as Float32Array, out, packBroadcast(bc)),
    where: (cond, a, b, out, bc) => addon.where(cond, a as Float32Array, b as Float32Array, out as Float32Array, packBroadcast(bc)),
    maskScale: (x, mask, scale, out) => addon.maskScale(F(x), mask, scale, F(out)),
    axpy: (alpha, x, y) => addon.axpy(alpha, F(x), F(y)),
    sumSquares: (x) => addon.sumSquares(F(x)),

    sumAxis: (x, outer, n, inner, out, accumulate) => addon.sumAxis(F(x), outer, n, inner, F(out), accumulate),
    maxAxis: (x, outer, n, inner, out, arg) => addon.maxAxis(F(x), outer, n, inner, F(out), arg),

    softmax: (x, rows, n, out, log) => addon.softmax(F(x), rows, n, F(out), log),
    softmaxBackward: (y, gy, rows, n, gx, log) => addon.softmaxBackward(F(y), F(gy), rows, n, F(gx), log),
    crossEntropy: (logits, target, rows, n, ignoreIndex, smoothing, loss, lse) =>
      addon.crossEntropy(F(logits), target, rows, n, ignoreIndex, smoothing, F(loss), F(lse)),
    crossEntropyBackward: (logits, lse, target, rows, n, ignoreIndex, smoothing, gLoss, gLogits) =>
      addon.crossEntropyBackward(F(logits), F(lse), target, rows, n, ignoreIndex, smoothing, F(gLoss), F(gLogits)),

    gemm: (p, a, b, c) =>
      addon.gemm(p.batch, p.m, p.n, p.k, p.transA, p.transB, p.strideA, p.strideB, p.strideC, p.accumulate, F(a), F(b), F(c)),

    indexSelect: (x, outer, n, inner, idx, out) => addon.indexSelect(x as Float32Array, outer, n, inner, idx, out as Float32Array),
    indexAdd: (g, outer, n, inner, idx, gx, skip) => addon.indexAdd(F(g), outer, n, inner, idx, F(gx), skip),
    gather: (x, outer, n, inner, idx, m, out) => addon.gather(x as Float32Array, outer, n, inner, idx, m, out as Float32Array),
    scatterAdd: (g, outer, n, inner, idx, m, gx) => addon.scatterAdd(F(g), outer, n, inner, idx, m, F(gx)),

    layerNorm: (x, gamma, beta, rows, n, eps, y, mean, rstd) =>
      addon.layerNorm(F(x), gamma && F(gamma), beta && F(beta), rows, n, eps, F(y), F(mean), F(rstd)),
    layerNormBackward: (x, gamma, mean, rstd, gy, rows, n, gx, gGamma, gBeta) =>
      addon.layerNormBackward(F(x), gamma && F(gamma), F(mean), F(rstd), F(gy), rows, n, gx && F(gx), gGamma && F(gGamma), gBeta && F(gBeta)),

    adam: (param, grad, m, v, p) =>
      addon.adam(F(param), F(grad), F(m), F(v), p.beta1, p.beta2, p.eps, p.stepSize, p.bc2Sqrt, p.weightDecay, p.decayFactor),

    // The addon's own signatures stay positional (native/src/bind_fused.cc reads them by index).
    lstmForward: (p, a) =>
      addon.lstmForward(p.T, p.B, p.I, p.H, p.reverse, F(a.x), F(a.wIh), F(a.wHh), opt(a.bIh), opt(a.bHh),
        F(a.h0), F(a.c0), a.lengths, F(a.out), F(a.hN), F(a.cN), F(a.ws.gates), F(a.ws.cs), F(a.ws.hs)),
    lstmBackward: (p, a) =>
      addon.lstmBackward(p.T, p.B, p.I, p.H, p.reverse, F(a.x), F(a.wIh), F(a.wHh), F(a.h0), F(a.c0), a.lengths,
        F(a.ws.gates), F(a.ws.cs), F(a.ws.hs), opt(a.gOut), opt(a.gHN), opt(a.gCN), opt(a.gX),
        opt(a.gWIh), opt(a.gWHh), opt(a.gBIh), opt(a.gBHh), opt(a.gH0), opt(a.gC0)),
    gruForward: (p, a) =>
      addon.gruForward(p.T, p.B, p.I, p.H, p.reverse, F(a.x), F(a.wIh), F(a.wHh), opt(a.bIh), opt(a.bHh), F(a.h0),
        a.lengths, F(a.out), F(a.hN), F(a.ws.gates), F(a.ws.hs)),
    gruBackward: (p, a) =>
      addon.gruBackward(p.T, p.B, p.I, p.H, p.reverse, F(a.x), F(a.wIh), F(a.wHh), F(a.h0), a.lengths, F(a.ws.gates), F(a.ws.hs),
        opt(a.gOut), opt(a.gHN), opt(a.gX), opt(a.gWIh), opt(a.gWHh), opt(a.gBIh), opt(a.gBHh), opt(a.gH0)),

    sdpaForward: (p, a) =>
      addon.sdpaForward(p.bh, p.heads, p.tq, p.tk, p.d, p.dv, p.scale, p.causal, F(a.q), F(a.k), F(a.v),
        a.keyPadding, a.attnMask, F(a.out), F(a.weights)),
    sdpaBackward: (p, a) =>
      addon.sdpaBackward(p.bh, p.heads, p.tq, p.tk, p.d, p.dv, p.scale, p.causal, F(a.q), F(a.k), F(a.v), F(a.weights), F(a.gOut),
        opt(a.gWeights), opt(a.gQ), opt(a.gK), opt(a.gV)),
  };
}

/** The native backend over a loaded addon. Float64 arrays (gradient checks) go to the reference. */
export function createNativeBackend(addon: NativeAddon, options: NativeBackendOptions = {}): Backend {
  return { name: 'native', ...routed(nativeRoutes(options), nativeKernels(addon)) };
}

/**
 * The shape of the native addon (native/src/addon.cc): one function per kernel with positional
 * arguments, typed arrays passed by reference (no copies), `null` for an absent optional array.
 */
type F32 = Float32Array;
type I32 = Int32Array;
type U8 = Uint8Array;
type Elem = Float32Array | Int32Array | Uint8Array;

export interface NativeInfo {
  /** Micro-kernel family in use: 'avx512', 'avx2', 'neon' or 'generic'. */
  isa: string;
  threads: number;
  napiVersion: number;
}

export interface NativeAddon {
  info(): NativeInfo;
  setThreads(n: number): void;
  /** 0 generic, 1 avx2, 2 avx512, 3 neon (never above what the CPU runs); returns the family now in use. */
  setIsa(isa: number): string;
  /** Measured FMA throughput of the active kernel family on `threads` pool threads, GFLOP/s (0: no probe). */
  fmaPeak(threads: number): number;
  gemm(batch: number, m: number, n: number, k: number, transA: boolean, transB: boolean,
    strideA: number, strideB: number, strideC: number, accumulate: boolean, a: F32, b: F32, c: F32): void;
  /** meta = [nd, shape…, srcStrides…, dstStrides…]. */
  copyStrided(src: Elem, srcOffset: number, dst: Elem, dstOffset: number, meta: I32): void;
  unary(op: number, x: F32, out: F32, p0: number, p1: number): void;
  unaryBackward(op: number, x: F32, y: F32, gy: F32, gx: F32, p0: number, p1: number): void;
  /** bc = [nd, shape…, strides of each operand…] or null. */
  binary(op: number, a: F32, b: F32, out: F32, bc: I32 | null): void;
  binaryBackward(op: number, a: F32, b: F32, out: F32, gy: F32, ga: F32 | null, gb: F32 | null, bc: I32 | null): void;
  compare(op: number, a: Elem, b: Elem, out: U8, bc: I32 | null): void;
  where(cond: U8, a: Elem, b: Elem, out: Elem, bc: I32 | null): void;
  maskScale(x: F32, mask: U8, scale: number, out: F32): void;
  axpy(alpha: number, x: F32, y: F32): void;
  sumSquares(x: F32): number;
  sumAxis(x: F32, outer: number, n: number, inner: number, out: F32, accumulate: boolean): void;
  maxAxis(x: F32, outer: number, n: number, inner: number, out: F32, arg: I32 | null): void;
  softmax(x: F32, rows: number, n: number, out: F32, log: boolean): void;
  softmaxBackward(y: F32, gy: F32, rows: number, n: number, gx: F32, log: boolean): void;
  crossEntropy(logits: F32, target: I32, rows: number, n: number, ignoreIndex: number, smoothing: number, loss: F32, lse: F32): void;
  crossEntropyBackward(logits: F32, lse: F32, target: I32, rows: number, n: number, ignoreIndex: number, smoothing: number, gLoss: F32, gLogits: F32): void;
  indexSelect(x: Elem, outer: number, n: number, inner: number, idx: I32, out: Elem): void;
  indexAdd(g: F32, outer: number, n: number, inner: number, idx: I32, gx: F32, skip: number): void;
  gather(x: Elem, outer: number, n: number, inner: number, idx: I32, m: number, out: Elem): void;
  scatterAdd(g: F32, outer: number, n: number, inner: number, idx: I32, m: number, gx: F32): void;
  layerNorm(x: F32, gamma: F32 | null, beta: F32 | null, rows: number, n: number, eps: number, y: F32, mean: F32, rstd: F32): void;
  layerNormBackward(x: F32, gamma: F32 | null, mean: F32, rstd: F32, gy: F32, rows: number, n: number,
    gx: F32 | null, gGamma: F32 | null, gBeta: F32 | null): void;
  adam(param: F32, grad: F32, m: F32, v: F32, beta1: number, beta2: number, eps: number, stepSize: number,
    bc2Sqrt: number, weightDecay: number, decayFactor: number): void;
  lstmForward(T: number, B: number, I: number, H: number, reverse: boolean, x: F32, wIh: F32, wHh: F32,
    bIh: F32 | null, bHh: F32 | null, h0: F32, c0: F32, lengths: I32 | null, out: F32, hN: F32, cN: F32,
    gates: F32, cs: F32, hs: F32): void;
  lstmBackward(T: number, B: number, I: number, H: number, reverse: boolean, x: F32, wIh: F32, wHh: F32,
    h0: F32, c0: F32, lengths: I32 | null, gates: F32, cs: F32, hs: F32,
    gOut: F32 | null, gHN: F32 | null, gCN: F32 | null, gX: F32 | null, gWIh: F32 | null, gWHh: F32 | null,
    gBIh: F32 | null, gBHh: F32 | null, gH0: F32 | null, gC0: F32 | null): void;
  gruForward(T: number, B: number, I: number, H: number, reverse: boolean, x: F32, wIh: F32, wHh: F32,
    bIh: F32 | null, bHh: F32 | null, h0: F32, lengths: I32 | null, out: F32, hN: F32, gates: F32, hs: F32): void;
  gruBackward(T: number, B: number, I: number, H: number, reverse: boolean, x: F32, wIh: F32, wHh: F32,
    h0: F32, lengths: I32 | null, gates: F32, hs: F32, gOut: F32 | null, gHN: F32 | null,
    gX: F32 | null, gWIh: F32 | null, gWHh: F32 | null, gBIh: F32 | null, gBHh: F32 | null, gH0: F32 | null): void;
  sdpaForward(bh: number, heads: number, tq: number, tk: number, d: number, dv: number, scale: number, causal: boolean,
    q: F32, k: F32, v: F32, keyPadding: U8 | null, attnMask: U8 | null, out: F32, weights: F32): void;
  sdpaBackward(bh: number, heads: number, tq: number, tk: number, d: number, dv: number, scale: number, causal: boolean,
    q: F32, k: F32, v: F32, weights: F32, gOut: F32, gWeights: F32 | null, gQ: F32 | null, gK: F32 | null, gV: F32 | null): void;
}

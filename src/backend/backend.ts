/**
 * The kernel interface. Every op in `src/ops` computes through these functions and nothing
 * else, so a backend (plain TypeScript `ref`, WebAssembly, native) swaps kernels without
 * touching ops. Kernels are pure functions of typed arrays and sizes: they allocate no tensors,
 * know nothing of autodiff, and write only into the arrays named as outputs.
 *
 * Conventions:
 * - Arrays are dense, row-major, and may be `subarray` views (offset 0 means the view's start).
 * - `F` arrays are Float32Array, or Float64Array on the reference backend (gradient checks run in
 *   float64). Fast backends only see float32: ops send float64 work to the reference backend.
 * - "write" outputs are overwritten; "accumulate" outputs are added to (`+=`).
 * - Index arrays are Int32Array; masks are Uint8Array (0/1).
 */

export type FloatArray = Float32Array | Float64Array;
export type AnyArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** Unary elementwise operations. `p0`, `p1` are the op's scalar parameters where it has any. */
export type UnaryOp =
  | 'neg'
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'tanh'
  | 'sigmoid'
  | 'relu'
  | 'abs'
  /** x ** p0 */
  | 'pow'
  /** min(max(x, p0), p1) */
  | 'clamp'
  /** x * p0 + p1 */
  | 'affine'
  /** x·Φ(x), Φ the standard normal CDF (exact GELU, erf form, as torch.nn.functional.gelu) */
  | 'gelu';

/** Binary elementwise operations with broadcasting. */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum';

/** Comparisons: the result is a 0/1 Uint8Array. `and`/`or` treat nonzero as true. */
export type CompareOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'and' | 'or';

/**
 * How the operands of a broadcasting kernel map onto the output: the output shape and, per
 * operand, its strides in output index space (0 along broadcast dims). `null` in a kernel call
 * means every operand already has the output's shape (the fast path).
 */
export interface Broadcast {
  shape: readonly number[];
  strides: readonly (readonly number[])[];
}

/** Batched matrix product C[b] (+)= op(A[b]) · op(B[b]), op = transpose when the flag is set. */
export interface GemmParams {
  batch: number;
  /** Rows of op(A) and of C. */
  m: number;
  /** Columns of op(B) and of C. */
  n: number;
  /** Columns of op(A) = rows of op(B). */
  k: number;
  /** A[b] is stored k×m (instead of m×k). */
  transA: boolean;
  /** B[b] is stored n×k (instead of k×n). */
  transB: boolean;
  /**
   * Elements between consecutive batch matrices; 0 broadcasts one matrix to every batch. For C,
   * 0 sums every product into one matrix (`accumulate` then says whether the sum adds to C).
   */
  strideA: number;
  strideB: number;
  strideC: number;
  /** Add into C instead of overwriting it. */
  accumulate: boolean;
}

/**
 * Sizes of a recurrent layer over a time-major sequence: x is [T, B, I], states are [B, H].
 * With `reverse` the recurrence runs t = T-1 … 0.
 */
export interface RnnParams {
  T: number;
  B: number;
  I: number;
  H: number;
  reverse: boolean;
}

/**
 * What a recurrent forward saves for its backward, all indexed by time t (not by processing
 * order). For a sequence b with lengths[b] ≤ t the step is inactive: the state is carried
 * unchanged, so hs/cs hold the carried state and its gates are 0.
 * - LSTM: gates [T, B, 4H] activated (i, f, g, o); cs [T, B, H] cell after step t; hs [T, B, H].
 * - GRU:  gates [T, B, 4H] = (r, z, n, W_hn·h + b_hn); cs unused (length 0); hs [T, B, H].
 */
export interface RnnWorkspace {
  gates: FloatArray;
  cs: FloatArray;
  hs: FloatArray;
}

/** Scaled dot-product attention over `bh` = batch × heads independent (Tq × Tk) problems. */
export interface SdpaParams {
  /** batch × heads. */
  bh: number;
  /** Heads per batch element (maps a problem index to its key-padding row: b = index / heads). */
  heads: number;
  tq: number;
  tk: number;
  /** Query/key feature size. */
  d: number;
  /** Value feature size. */
  dv: number;
  /** Multiplies Q·Kᵀ (usually 1/√d). */
  scale: number;
  /** Exclude key j > query i. */
  causal: boolean;
}

/**
 * What the LSTM and GRU forwards share (shapes as in {@link RnnParams}; G = 4H for the LSTM,
 * 3H for the GRU): inputs x [T, B, I], W_ih [G, I], W_hh [G, H], biases [G] or null, h0 [B, H],
 * lengths [B] or null (all T); outputs out [T, B, H], hN [B, H] and the saved workspace.
 */
export interface RnnForwardArgs {
  x: FloatArray;
  wIh: FloatArray;
  wHh: FloatArray;
  bIh: FloatArray | null;
  bHh: FloatArray | null;
  h0: FloatArray;
  lengths: Int32Array | null;
  out: FloatArray;
  hN: FloatArray;
  ws: RnnWorkspace;
}

/** The LSTM forward also carries the cell state: c0 in, cN [B, H] out. */
export interface LstmForwardArgs extends RnnForwardArgs {
  c0: FloatArray;
  cN: FloatArray;
}

export type GruForwardArgs = RnnForwardArgs;

/**
 * What the LSTM and GRU backwards share: the forward's inputs and workspace, the upstream
 * gradients of out and hN (null = 0), and the gradients wanted (null = not needed).
 */
export interface RnnBackwardArgs {
  x: FloatArray;
  wIh: FloatArray;
  wHh: FloatArray;
  h0: FloatArray;
  lengths: Int32Array | null;
  ws: RnnWorkspace;
  gOut: FloatArray | null;
  gHN: FloatArray | null;
  /** Written. */
  gX: FloatArray | null;
  /** Accumulated (+=). */
  gWIh: FloatArray | null;
  /** Accumulated (+=). */
  gWHh: FloatArray | null;
  /** Accumulated (+=). */
  gBIh: FloatArray | null;
  /** Accumulated (+=). */
  gBHh: FloatArray | null;
  /** Written. */
  gH0: FloatArray | null;
}

/** The LSTM backward also takes c0 and the upstream gradient of cN, and gives gC0 (written). */
export interface LstmBackwardArgs extends RnnBackwardArgs {
  c0: FloatArray;
  gCN: FloatArray | null;
  gC0: FloatArray | null;
}

export type GruBackwardArgs = RnnBackwardArgs;

/** Operands of the attention forward (shapes in {@link Backend.sdpaForward}); masks may be null. */
export interface SdpaForwardArgs {
  q: FloatArray;
  k: FloatArray;
  v: FloatArray;
  keyPadding: Uint8Array | null;
  attnMask: Uint8Array | null;
  out: FloatArray;
  weights: FloatArray;
}

/** Operands of the attention backward: the forward's inputs and weights, upstream and wanted gradients. */
export interface SdpaBackwardArgs {
  q: FloatArray;
  k: FloatArray;
  v: FloatArray;
  weights: FloatArray;
  gOut: FloatArray;
  gWeights: FloatArray | null;
  gQ: FloatArray | null;
  gK: FloatArray | null;
  gV: FloatArray | null;
}

/** Hyper-parameters of one Adam/AdamW update, bias corrections folded in (computed in float64). */
export interface AdamParams {
  beta1: number;
  beta2: number;
  eps: number;
  /** lr / (1 - beta1^t). */
  stepSize: number;
  /** sqrt(1 - beta2^t). */
  bc2Sqrt: number;
  /** Adam's L2 term: g ← g + weightDecay·p before the moments (0 for AdamW). */
  weightDecay: number;
  /** AdamW's decoupled decay: p ← p·decayFactor first (1 for Adam). */
  decayFactor: number;
}

export interface Backend {
  readonly name: BackendName;

  // ---- memory movement -------------------------------------------------------------------
  /** dst[dstOffset + Σ i_d·dstStrides[d]] = src[srcOffset + Σ i_d·srcStrides[d]] over `shape`. */
  copyStrided(
    src: AnyArray, srcOffset: number, srcStrides: readonly number[],
    dst: AnyArray, dstOffset: number, dstStrides: readonly number[],
    shape: readonly number[],
  ): void;

  // ---- elementwise -----------------------------------------------------------------------
  /** out = f(x). */
  unary(op: UnaryOp, x: FloatArray, out: FloatArray, p0: number, p1: number): void;
  /** gx = gy · f′(x); `y` = f(x) from the forward (the derivative of exp, tanh, sigmoid, sqrt uses it). */
  unaryBackward(op: UnaryOp, x: FloatArray, y: FloatArray, gy: FloatArray, gx: FloatArray, p0: number, p1: number): void;
  /** out = a ∘ b. */
  binary(op: BinaryOp, a: FloatArray, b: FloatArray, out: FloatArray, bc: Broadcast | null): void;
  /**
   * Elementwise partial derivatives at output shape (the caller sums them back to the operand
   * shapes): ga = gy·∂out/∂a, gb = gy·∂out/∂b; either may be null when not needed.
   */
  binaryBackward(
    op: BinaryOp, a: FloatArray, b: FloatArray, out: FloatArray, gy: FloatArray,
    ga: FloatArray | null, gb: FloatArray | null, bc: Broadcast | null,
  ): void;
  /** out = a ⋚ b as 0/1. */
  compare(op: CompareOp, a: AnyArray, b: AnyArray, out: Uint8Array, bc: Broadcast | null): void;
  /** out = cond ? a : b (broadcast strides in the order cond, a, b). */
  where(cond: Uint8Array, a: AnyArray, b: AnyArray, out: AnyArray, bc: Broadcast | null): void;
  /** out = x · mask · scale (dropout with a precomputed keep-mask). */
  maskScale(x: FloatArray, mask: Uint8Array, scale: number, out: FloatArray): void;
  /** y += alpha · x. */
  axpy(alpha: number, x: FloatArray, y: FloatArray): void;
  /** Σ x² in float64. */
  sumSquares(x: FloatArray): number;

  // ---- reductions over one axis of an [outer, n, inner] view -------------------------------
  /** out[o, i] (+)= Σ_j x[o, j, i]. */
  sumAxis(x: FloatArray, outer: number, n: number, inner: number, out: FloatArray, accumulate: boolean): void;
  /** out[o, i] = max_j x[o, j, i]; arg[o, i] = first j attaining it (if arg is given). */
  maxAxis(x: FloatArray, outer: number, n: number, inner: number, out: FloatArray, arg: Int32Array | null): void;

  // ---- softmax family over the last axis of [rows, n] -----------------------------------------
  /**
   * out = softmax(x) or log_softmax(x) per row, stable (max subtracted). A row that is all -∞
   * (fully masked) gives 0 for softmax and -∞ for log_softmax, never NaN.
   */
  softmax(x: FloatArray, rows: number, n: number, out: FloatArray, log: boolean): void;
  /** gx from y = (log_)softmax(x) and gy. */
  softmaxBackward(y: FloatArray, gy: FloatArray, rows: number, n: number, gx: FloatArray, log: boolean): void;
  /**
   * Per-row cross-entropy of logits [rows, n] against target classes:
   * loss[r] = (1-ε)(-log p[r, t_r]) + ε·mean_c(-log p[r, c]), 0 where t_r = ignoreIndex;
   * lse[r] = logsumexp of the row (saved for the backward).
   */
  crossEntropy(
    logits: FloatArray, target: Int32Array, rows: number, n: number,
    ignoreIndex: number, smoothing: number, loss: FloatArray, lse: FloatArray,
  ): void;
  /** gLogits[r] = gLoss[r] · ∂loss[r]/∂logits[r] (0 for ignored rows). */
  crossEntropyBackward(
    logits: FloatArray, lse: FloatArray, target: Int32Array, rows: number, n: number,
    ignoreIndex: number, smoothing: number, gLoss: FloatArray, gLogits: FloatArray,
  ): void;

  // ---- matrix products --------------------------------------------------------------------
  gemm(p: GemmParams, a: FloatArray, b: FloatArray, c: FloatArray): void;

  // ---- indexing on an [outer, n, inner] view -------------------------------------------------
  /** out[o, j, i] = x[o, idx[j], i] for j < idx.length (embedding lookup: outer = 1). */
  indexSelect(x: AnyArray, outer: number, n: number, inner: number, idx: Int32Array, out: AnyArray): void;
  /** gx[o, idx[j], i] += g[o, j, i], skipping j where idx[j] == skip (the padding row). */
  indexAdd(g: FloatArray, outer: number, n: number, inner: number, idx: Int32Array, gx: FloatArray, skip: number): void;
  /** out[o, j, i] = x[o, idx[o, j, i], i] with idx [outer, m, inner] (torch.gather). */
  gather(x: AnyArray, outer: number, n: number, inner: number, idx: Int32Array, m: number, out: AnyArray): void;
  /** gx[o, idx[o, j, i], i] += g[o, j, i] (the backward of gather). */
  scatterAdd(g: FloatArray, outer: number, n: number, inner: number, idx: Int32Array, m: number, gx: FloatArray): void;

  // ---- normalisation ------------------------------------------------------------------------
  /** y = (x - mean)·rstd·γ + β over the last axis of [rows, n]; saves mean and rstd per row. */
  layerNorm(
    x: FloatArray, gamma: FloatArray | null, beta: FloatArray | null, rows: number, n: number, eps: number,
    y: FloatArray, mean: FloatArray, rstd: FloatArray,
  ): void;
  /** gx (write); gGamma, gBeta (accumulate) when given. */
  layerNormBackward(
    x: FloatArray, gamma: FloatArray | null, mean: FloatArray, rstd: FloatArray, gy: FloatArray, rows: number, n: number,
    gx: FloatArray | null, gGamma: FloatArray | null, gBeta: FloatArray | null,
  ): void;

  // ---- optimizers (in place) ------------------------------------------------------------------
  adam(param: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray, p: AdamParams): void;

  // ---- fused recurrent layers (see RnnParams, RnnWorkspace, LstmForwardArgs …) ------------------
  /**
   * One LSTM layer over a sequence (gate order i, f, g, o): the input projection of all steps is
   * one GEMM; each step adds h_{t-1}·W_hhᵀ. out [T, B, H] is 0 where t ≥ lengths[b]; hN, cN
   * [B, H] are the states at each sequence's last real step. lengths may be null (all T).
   */
  lstmForward(p: RnnParams, a: LstmForwardArgs): void;
  /**
   * Backward of {@link lstmForward}. Upstream grads may be null (treated as 0). gX, gH0, gC0 are
   * written; gWIh, gWHh, gBIh, gBHh are accumulated (weight grads over all steps as one GEMM each).
   */
  lstmBackward(p: RnnParams, a: LstmBackwardArgs): void;
  /** One GRU layer (gate order r, z, n; n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))). */
  gruForward(p: RnnParams, a: GruForwardArgs): void;
  /** Backward of {@link gruForward}, with the same write / accumulate rules as the LSTM's. */
  gruBackward(p: RnnParams, a: GruBackwardArgs): void;

  // ---- fused scaled dot-product attention --------------------------------------------------------
  /**
   * weights = softmax(scale·Q·Kᵀ + M), out = weights·V, for q [bh, tq, d], k [bh, tk, d],
   * v [bh, tk, dv]. M is -∞ where causal (j > i), keyPadding[b, j] = 1 ([bh/heads, tk]) or
   * attnMask[i, j] = 1 ([tq, tk]). A fully masked row gets weights 0 and output 0.
   */
  sdpaForward(p: SdpaParams, a: SdpaForwardArgs): void;
  /**
   * gQ, gK, gV from the saved weights, gOut and optionally gWeights, each accumulated (+=) when
   * given: a decoder attending to the same keys at every step sums their gradient in one buffer.
   * Two of them may be the same array (keys that are also the values): both sums go into it.
   */
  sdpaBackward(p: SdpaParams, a: SdpaBackwardArgs): void;
}

/** Names of the backends. `js` is the plain TypeScript reference. */
export type BackendName = 'js' | 'wasm' | 'native';

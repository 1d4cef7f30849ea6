// Fused scaled dot-product attention, one (batch, head) problem per chunk: the products run
// through the packed GEMM on the calling thread, the mask and softmax in between. With a
// causal mask each product runs in 32-row blocks and skips what lies above the diagonal
// (about 3/8 of the work at T = 128).
import { at, flt, int, ptr } from './desc';
import { SERIAL_KC, SERIAL_MC, SERIAL_NC, SERIAL_SCRATCH, gemmBlock } from './gemm';
import { softmaxRow } from './softmax';

/** Rows per block of a causal product: small, so little of the masked triangle is computed. */
const CAUSAL_ROWS: i32 = 32;
/** Up to this many queries a problem skips the GEMM (a decoder step: packing costs more than the products). */
const FEW_QUERIES: i32 = 4;

/** Which part of a causal product can be nonzero for row block [i0, i0+rows) (j ≤ i lives there). */
namespace Causal {
  export const NONE = 0;
  /** Only columns j < i0+rows (S = Q·Kᵀ, dP = dO·Vᵀ). */
  export const COLS = 1;
  /** Only k < i0+rows (O = P·V, dQ = dS·K). */
  export const K_BELOW = 2;
  /** Only k ≥ i0 (dV = Pᵀ·dO, dK = dSᵀ·Q: row j gets queries i ≥ j). */
  export const K_FROM = 3;
}

/** C (m × n) (+)= op(A)·op(B) on one thread, skipping what the causal mask zeroes. */
function product(
  m: i32, n: i32, k: i32, a: usize, rsA: i32, csA: i32, b: usize, rsB: i32, csB: i32,
  c: usize, ldc: i32, causal: i32, scratch: usize, accumulate: bool = false,
): void {
  const mc = causal == Causal.NONE ? SERIAL_MC : CAUSAL_ROWS;
  for (let i0 = 0; i0 < m; i0 += mc) {
    const rows = min(mc, m - i0);
    let nn = n;
    let k0 = 0;
    let k1 = k;
    if (causal == Causal.COLS) nn = min(n, i0 + rows);
    else if (causal == Causal.K_BELOW) k1 = min(k, i0 + rows);
    else if (causal == Causal.K_FROM) k0 = min(k, i0);
    // Shifting the bases by k0 makes the product start at p = k0.
    const ak = a + <usize>(k0 * csA) * 4;
    const bk = b + <usize>(k0 * rsB) * 4;
    for (let j0 = 0; j0 < nn; j0 += SERIAL_NC) {
      gemmBlock(ak, rsA, csA, bk, rsB, csB, false, n, c, ldc, i0, rows, j0, min(SERIAL_NC, nn - j0), k1 - k0, SERIAL_KC, accumulate, scratch, SERIAL_MC, SERIAL_NC);
    }
  }
}

/** Columns of row i that can be nonzero: all, or j ≤ i under the causal mask. */
@inline function rowLimit(causal: bool, i: i32, tk: i32): i32 {
  return causal ? min(tk, i + 1) : tk;
}

/** Σ a[i]·b[i] over n floats. */
function dot(a: usize, b: usize, n: i32): f32 {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    s0 = f32x4.add(s0, f32x4.mul(v128.load(at(a, i)), v128.load(at(b, i))));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(at(a, i + 4)), v128.load(at(b, i + 4))));
  }
  for (; i + 4 <= n; i += 4) s0 = f32x4.add(s0, f32x4.mul(v128.load(at(a, i)), v128.load(at(b, i))));
  const s = f32x4.add(s0, s1);
  let r: f32 = (f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1)) + (f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3));
  for (; i < n; i++) r += load<f32>(at(a, i)) * load<f32>(at(b, i));
  return r;
}

/** y[0:n] += alpha·x[0:n]. */
function axpy(alpha: f32, x: usize, y: usize, n: i32): void {
  const av = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(y, i), f32x4.add(v128.load(at(y, i)), f32x4.mul(av, v128.load(at(x, i)))));
  for (; i < n; i++) store<f32>(at(y, i), load<f32>(at(y, i)) + alpha * load<f32>(at(x, i)));
}

/** Forward of one problem with few queries: each score a dot product, each output row a sum of axpys. */
function fewQueriesForward(
  tq: i32, tk: i32, d: i32, dv: i32, scale: f32, causal: bool, q: usize, k: usize, v: usize, pad: usize, am: usize,
  out: usize, w: usize,
): void {
  for (let i = 0; i < tq; i++) {
    const row = at(w, i * tk);
    const qi = at(q, i * d);
    const oi = at(out, i * dv);
    const lim = rowLimit(causal, i, tk);
    for (let j = 0; j < lim; j++) {
      const masked = (pad && load<u8>(pad + <usize>j)) || (am && load<u8>(am + <usize>(i * tk + j)));
      store<f32>(at(row, j), masked ? -Infinity : dot(qi, at(k, j * d), d) * scale);
    }
    softmaxRow(row, row, lim, false);
    if (lim < tk) memory.fill(at(row, lim), 0, <usize>(tk - lim) << 2);
    memory.fill(oi, 0, <usize>dv << 2);
    for (let j = 0; j < lim; j++) axpy(load<f32>(at(row, j)), at(v, j * dv), oi, dv);
  }
}

/** Backward of one problem with few queries, accumulating into gQ, gK, gV (0 when not wanted). */
function fewQueriesBackward(
  tq: i32, tk: i32, d: i32, dv: i32, scale: f32, causal: bool, q: usize, k: usize, v: usize, p: usize, gOut: usize,
  gw: usize, gQ: usize, gK: usize, gV: usize, dS: usize,
): void {
  for (let i = 0; i < tq; i++) {
    const pr = at(p, i * tk);
    const go = at(gOut, i * dv);
    const lim = rowLimit(causal, i, tk);
    // dV_j += P_ij · dO_i
    if (gV) for (let j = 0; j < lim; j++) axpy(load<f32>(at(pr, j)), go, at(gV, j * dv), dv);
    if (!gQ && !gK) continue;
    // dP_ij = dO_i·V_j (+ dWeights);  dS = P ⊙ (dP − Σ dP ⊙ P)·scale
    let s: f32 = 0;
    for (let j = 0; j < lim; j++) {
      let dp = dot(go, at(v, j * dv), dv);
      if (gw) dp += load<f32>(at(gw, i * tk + j));
      store<f32>(at(dS, j), dp);
      s += dp * load<f32>(at(pr, j));
    }
    for (let j = 0; j < lim; j++) store<f32>(at(dS, j), load<f32>(at(pr, j)) * (load<f32>(at(dS, j)) - s) * scale);
    // dQ_i += Σ_j dS_ij K_j;  dK_j += dS_ij Q_i
    if (gQ) for (let j = 0; j < lim; j++) axpy(load<f32>(at(dS, j)), at(k, j * d), at(gQ, i * d), d);
    if (gK) for (let j = 0; j < lim; j++) axpy(load<f32>(at(dS, j)), at(q, i * d), at(gK, j * d), d);
  }
}

/** row[0:n] *= s. */
function scaleRow(row: usize, n: i32, s: f32): void {
  const sv = f32x4.splat(s);
  let j = 0;
  for (; j + 4 <= n; j += 4) v128.store(at(row, j), f32x4.mul(v128.load(at(row, j)), sv));
  for (; j < n; j++) store<f32>(at(row, j), load<f32>(at(row, j)) * s);
}

// desc: Q, K, V, KEY_PADDING, ATTN_MASK, OUT, WEIGHTS, HEADS, TQ, TK, D, DV, SCALE(f32), CAUSAL, SCRATCH, SCRATCH_BYTES
export function sdpa_fwd_chunk(desc: usize, z: i32, tid: i32): void {
  const heads = int(desc, 7);
  const tq = int(desc, 8);
  const tk = int(desc, 9);
  const d = int(desc, 10);
  const dv = int(desc, 11);
  const scale = flt(desc, 12);
  const causal = int(desc, 13) != 0;
  const scratch = ptr(desc, 14) + <usize>tid * <usize>int(desc, 15);
  const q = at(ptr(desc, 0), z * tq * d);
  const k = at(ptr(desc, 1), z * tk * d);
  const v = at(ptr(desc, 2), z * tk * dv);
  const kpm = ptr(desc, 3);
  const am = ptr(desc, 4);
  const out = at(ptr(desc, 5), z * tq * dv);
  const w = at(ptr(desc, 6), z * tq * tk);
  const pad = kpm ? kpm + <usize>((z / heads) * tk) : 0;
  if (tq <= FEW_QUERIES) {
    fewQueriesForward(tq, tk, d, dv, scale, causal, q, k, v, pad, am, out, w);
    return;
  }
  const mode = causal ? Causal.COLS : Causal.NONE;
  // S = Q·Kᵀ
  product(tq, tk, d, q, d, 1, k, 1, d, w, tk, mode, scratch);
  for (let i = 0; i < tq; i++) {
    const row = at(w, i * tk);
    const lim = rowLimit(causal, i, tk);
    scaleRow(row, lim, scale);
    if (pad || am) {
      for (let j = 0; j < lim; j++) {
        if ((pad && load<u8>(pad + <usize>j)) || (am && load<u8>(am + <usize>(i * tk + j)))) store<f32>(at(row, j), -Infinity);
      }
    }
    // Keys past the causal limit get weight exactly 0 (as −∞ would); a fully masked row stays 0.
    softmaxRow(row, row, lim, false);
    if (lim < tk) memory.fill(at(row, lim), 0, <usize>(tk - lim) << 2);
  }
  // O = P·V
  product(tq, dv, tk, w, tk, 1, v, dv, 1, out, dv, causal ? Causal.K_BELOW : Causal.NONE, scratch);
}

// desc: Q, K, V, WEIGHTS, GOUT, GWEIGHTS, GQ, GK, GV, TQ, TK, D, DV, SCALE(f32), CAUSAL, SCRATCH, SCRATCH_BYTES
export function sdpa_bwd_chunk(desc: usize, z: i32, tid: i32): void {
  const tq = int(desc, 9);
  const tk = int(desc, 10);
  const d = int(desc, 11);
  const dv = int(desc, 12);
  const scale = flt(desc, 13);
  const causal = int(desc, 14) != 0;
  const scratch = ptr(desc, 15) + <usize>tid * <usize>int(desc, 16);
  const dS = scratch + <usize>SERIAL_SCRATCH * 4;
  const q = at(ptr(desc, 0), z * tq * d);
  const k = at(ptr(desc, 1), z * tk * d);
  const v = at(ptr(desc, 2), z * tk * dv);
  const p = at(ptr(desc, 3), z * tq * tk);
  const gOut = at(ptr(desc, 4), z * tq * dv);
  const gW = ptr(desc, 5);
  const gQ = ptr(desc, 6);
  const gK = ptr(desc, 7);
  const gV = ptr(desc, 8);
  if (tq <= FEW_QUERIES) {
    fewQueriesBackward(tq, tk, d, dv, scale, causal, q, k, v, p, gOut, gW ? at(gW, z * tq * tk) : 0,
      gQ ? at(gQ, z * tq * d) : 0, gK ? at(gK, z * tk * d) : 0, gV ? at(gV, z * tk * dv) : 0, dS);
    return;
  }
  const from = causal ? Causal.K_FROM : Causal.NONE;
  // dV += Pᵀ·dO (the gradients accumulate)
  if (gV) product(tk, dv, tq, p, 1, tk, gOut, dv, 1, at(gV, z * tk * dv), dv, from, scratch, true);
  if (!gQ && !gK) return;
  // dP = dO·Vᵀ (+ dWeights);  dS = P ⊙ (dP − rowsum(dP ⊙ P)) · scale
  product(tq, tk, dv, gOut, dv, 1, v, 1, dv, dS, tk, causal ? Causal.COLS : Causal.NONE, scratch);
  const gw = gW ? at(gW, z * tq * tk) : 0;
  for (let i = 0; i < tq; i++) {
    const row = at(dS, i * tk);
    const prow = at(p, i * tk);
    const grow = gw ? at(gw, i * tk) : 0;
    const lim = rowLimit(causal, i, tk);
    let acc = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= lim; j += 4) {
      let dp = v128.load(at(row, j));
      if (grow) {
        dp = f32x4.add(dp, v128.load(at(grow, j)));
        v128.store(at(row, j), dp);
      }
      acc = f32x4.add(acc, f32x4.mul(dp, v128.load(at(prow, j))));
    }
    let s: f32 = (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) + (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
    for (; j < lim; j++) {
      let dp = load<f32>(at(row, j));
      if (grow) {
        dp += load<f32>(at(grow, j));
        store<f32>(at(row, j), dp);
      }
      s += dp * load<f32>(at(prow, j));
    }
    const sv = f32x4.splat(s);
    const sc = f32x4.splat(scale);
    j = 0;
    for (; j + 4 <= lim; j += 4) {
      v128.store(at(row, j), f32x4.mul(f32x4.mul(v128.load(at(prow, j)), f32x4.sub(v128.load(at(row, j)), sv)), sc));
    }
    for (; j < lim; j++) store<f32>(at(row, j), load<f32>(at(prow, j)) * (load<f32>(at(row, j)) - s) * scale);
    if (lim < tk) memory.fill(at(row, lim), 0, <usize>(tk - lim) << 2);
  }
  // dQ += dS·K;  dK += dSᵀ·Q
  if (gQ) product(tq, d, tk, dS, tk, 1, k, d, 1, at(gQ, z * tq * d), d, causal ? Causal.K_BELOW : Causal.NONE, scratch, true);
  if (gK) product(tk, d, tq, dS, 1, tk, q, d, 1, at(gK, z * tk * d), d, from, scratch, true);
}

// Fused scaled dot-product attention, one (batch, head) problem per chunk: the products run
// through the packed GEMM on the calling thread, the mask and softmax in between. With a
// causal mask only the blocks on or below the diagonal are computed.
import { at, flt, int, ptr } from './desc';
import { SERIAL_KC, SERIAL_MC, SERIAL_NC, SERIAL_SCRATCH, gemmBlock } from './gemm';
import { softmaxRow } from './softmax';

/**
 * C (m × n) (+)= op(A)·op(B) on one thread; `causal` limits row block [i0, i0+rows) to
 * columns < i0+rows (limitCols) and/or to k < i0+rows (limitK), which is where j ≤ i lives.
 */
function product(
  m: i32, n: i32, k: i32, a: usize, rsA: i32, csA: i32, b: usize, rsB: i32, csB: i32,
  c: usize, ldc: i32, limitCols: bool, limitK: bool, scratch: usize,
): void {
  for (let i0 = 0; i0 < m; i0 += SERIAL_MC) {
    const rows = min(SERIAL_MC, m - i0);
    const nn = limitCols ? min(n, i0 + rows) : n;
    const kk = limitK ? min(k, i0 + rows) : k;
    for (let j0 = 0; j0 < nn; j0 += SERIAL_NC) {
      gemmBlock(a, rsA, csA, b, rsB, csB, false, n, c, ldc, i0, rows, j0, min(SERIAL_NC, nn - j0), kk, SERIAL_KC, false, scratch, SERIAL_MC, SERIAL_NC);
    }
  }
}

/** Columns of row i that can be nonzero: all, or j ≤ i under the causal mask. */
@inline function rowLimit(causal: bool, i: i32, tk: i32): i32 {
  return causal ? min(tk, i + 1) : tk;
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
  // S = Q·Kᵀ
  product(tq, tk, d, q, d, 1, k, 1, d, w, tk, causal, false, scratch);
  for (let i = 0; i < tq; i++) {
    const row = at(w, i * tk);
    const lim = rowLimit(causal, i, tk);
    for (let j = 0; j < tk; j++) {
      let masked = j >= lim;
      if (pad && load<u8>(pad + <usize>j)) masked = true;
      if (am && load<u8>(am + <usize>(i * tk + j))) masked = true;
      store<f32>(at(row, j), masked ? -Infinity : load<f32>(at(row, j)) * scale);
    }
    softmaxRow(row, row, tk, false);
  }
  // O = P·V
  product(tq, dv, tk, w, tk, 1, v, dv, 1, out, dv, false, causal, scratch);
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
  // dV = Pᵀ·dO
  if (gV) product(tk, dv, tq, p, 1, tk, gOut, dv, 1, at(gV, z * tk * dv), dv, false, false, scratch);
  if (!gQ && !gK) return;
  // dP = dO·Vᵀ (+ dWeights);  dS = P ⊙ (dP − rowsum(dP ⊙ P)) · scale
  product(tq, tk, dv, gOut, dv, 1, v, 1, dv, dS, tk, causal, false, scratch);
  const gw = gW ? at(gW, z * tq * tk) : 0;
  for (let i = 0; i < tq; i++) {
    const row = at(dS, i * tk);
    const prow = at(p, i * tk);
    const lim = rowLimit(causal, i, tk);
    let s: f32 = 0;
    for (let j = 0; j < lim; j++) {
      let dp = load<f32>(at(row, j));
      if (gw) dp += load<f32>(at(gw, i * tk + j));
      store<f32>(at(row, j), dp);
      s += dp * load<f32>(at(prow, j));
    }
    for (let j = 0; j < lim; j++) {
      store<f32>(at(row, j), load<f32>(at(prow, j)) * (load<f32>(at(row, j)) - s) * scale);
    }
    for (let j = lim; j < tk; j++) store<f32>(at(row, j), 0);
  }
  // dQ = dS·K;  dK = dSᵀ·Q
  if (gQ) product(tq, d, tk, dS, tk, 1, k, d, 1, at(gQ, z * tq * d), d, false, causal, scratch);
  if (gK) product(tk, d, tq, dS, 1, tk, q, d, 1, at(gK, z * tk * d), d, false, false, scratch);
}

// One time step of a fused LSTM / GRU layer as a chunked kernel: chunk c owns the batch rows
// [c·rpc, (c+1)·rpc) and does everything those rows need at this step, so a step is a single
// parallel job: forward = recurrent product of its rows (W_hh packed once per layer call) then
// the pointwise cell; backward = pointwise gradients, then dh_prev = dG_t·W_hh for its rows.
import { at, int, ptr } from './desc';
import { gemmBlock } from './gemm';
import { MR, NR } from './microkernel';
import { gruBwdRows, gruFwdRows, lstmBwdRows, lstmFwdRows, mergeDhRows } from './rnn';

const NC: i32 = 256;

/** C[b0:b1, 0:n] (+)= A[b0:b1, 0:k]·B with B prepacked (gemm_pack_b) and A row-major (lda = k). */
function rowsTimesPacked(a: usize, packed: usize, c: usize, n: i32, k: i32, kc: i32, b0: i32, rows: i32, accumulate: bool, scratch: usize, mc: i32): void {
  for (let j0 = 0; j0 < n; j0 += NC) {
    gemmBlock(a, k, 1, packed, 0, 0, true, n, c, n, b0, rows, j0, min(NC, n - j0), k, kc, accumulate, scratch, mc, NC);
  }
}

/** Floats of scratch a step chunk of `rpc` rows needs (as gemmBlock with mc = rpc, nc = NC). */
export function rnn_step_scratch(rpc: i32, kc: i32): i32 {
  return (rpc + NC) * kc + MR * NR;
}

@inline function rowRange(desc: usize, chunk: i32, B: i32, rpcSlot: i32): i32 {
  return min(B, chunk * int(desc, rpcSlot));
}

// desc: GATES_T, H_PREV, C_PREV, CS_T, HS_T, OUT_T, LENGTHS, T, B, H, PACKED, RPC, SCRATCH, SCRATCH_BYTES, KC
export function lstm_fwd_chunk(desc: usize, chunk: i32, tid: i32): void {
  const B = int(desc, 8);
  const H = int(desc, 9);
  const b0 = rowRange(desc, chunk, B, 11);
  const b1 = min(B, b0 + int(desc, 11));
  if (b1 <= b0) return;
  const gates = ptr(desc, 0);
  const hPrev = ptr(desc, 1);
  const scratch = ptr(desc, 12) + <usize>tid * <usize>int(desc, 13);
  rowsTimesPacked(hPrev, ptr(desc, 10), gates, 4 * H, H, int(desc, 14), b0, b1 - b0, true, scratch, int(desc, 11));
  lstmFwdRows(gates, ptr(desc, 2), hPrev, ptr(desc, 3), ptr(desc, 4), ptr(desc, 5), ptr(desc, 6), int(desc, 7), b0, b1, H);
}

// desc: GATES_T, CS_T, C_PREV, DH, DC, GOUT_T, DG_T, LENGTHS, T, B, H, PACKED, DH_PREV, RPC, SCRATCH, SCRATCH_BYTES, KC
export function lstm_bwd_chunk(desc: usize, chunk: i32, tid: i32): void {
  const B = int(desc, 9);
  const H = int(desc, 10);
  const b0 = rowRange(desc, chunk, B, 13);
  const b1 = min(B, b0 + int(desc, 13));
  if (b1 <= b0) return;
  const dh = ptr(desc, 3);
  const dG = ptr(desc, 6);
  const lengths = ptr(desc, 7);
  const t = int(desc, 8);
  const dhPrev = ptr(desc, 12);
  const scratch = ptr(desc, 14) + <usize>tid * <usize>int(desc, 15);
  lstmBwdRows(ptr(desc, 0), ptr(desc, 1), ptr(desc, 2), dh, ptr(desc, 4), ptr(desc, 5), dG, lengths, t, b0, b1, H);
  rowsTimesPacked(dG, ptr(desc, 11), dhPrev, H, 4 * H, int(desc, 16), b0, b1 - b0, false, scratch, int(desc, 13));
  mergeDhRows(dh, dhPrev, lengths, t, b0, b1, H, false);
}

// desc: GI_T, GH, H_PREV, GATES_T, HS_T, OUT_T, LENGTHS, T, B, H, PACKED, B_HH, RPC, SCRATCH, SCRATCH_BYTES, KC
export function gru_fwd_chunk(desc: usize, chunk: i32, tid: i32): void {
  const B = int(desc, 8);
  const H = int(desc, 9);
  const b0 = rowRange(desc, chunk, B, 12);
  const b1 = min(B, b0 + int(desc, 12));
  if (b1 <= b0) return;
  const G3 = 3 * H;
  const gh = ptr(desc, 1);
  const hPrev = ptr(desc, 2);
  const bHh = ptr(desc, 11);
  // gh rows = b_hh, then += h_prev·W_hhᵀ
  for (let b = b0; b < b1; b++) {
    if (bHh) memory.copy(at(gh, b * G3), bHh, <usize>G3 << 2);
    else memory.fill(at(gh, b * G3), 0, <usize>G3 << 2);
  }
  const scratch = ptr(desc, 13) + <usize>tid * <usize>int(desc, 14);
  rowsTimesPacked(hPrev, ptr(desc, 10), gh, G3, H, int(desc, 15), b0, b1 - b0, true, scratch, int(desc, 12));
  gruFwdRows(ptr(desc, 0), gh, hPrev, ptr(desc, 3), ptr(desc, 4), ptr(desc, 5), ptr(desc, 6), int(desc, 7), b0, b1, H);
}

// desc: GATES_T, H_PREV, DH, GOUT_T, DGI_T, DGH_T, LENGTHS, T, B, H, PACKED, DH_PREV, RPC, SCRATCH, SCRATCH_BYTES, KC
export function gru_bwd_chunk(desc: usize, chunk: i32, tid: i32): void {
  const B = int(desc, 8);
  const H = int(desc, 9);
  const b0 = rowRange(desc, chunk, B, 12);
  const b1 = min(B, b0 + int(desc, 12));
  if (b1 <= b0) return;
  const dh = ptr(desc, 2);
  const dGh = ptr(desc, 5);
  const lengths = ptr(desc, 6);
  const t = int(desc, 7);
  const dhPrev = ptr(desc, 11);
  const scratch = ptr(desc, 13) + <usize>tid * <usize>int(desc, 14);
  gruBwdRows(ptr(desc, 0), ptr(desc, 1), dh, ptr(desc, 3), ptr(desc, 4), dGh, lengths, t, b0, b1, H);
  rowsTimesPacked(dGh, ptr(desc, 10), dhPrev, H, 3 * H, int(desc, 15), b0, b1 - b0, false, scratch, int(desc, 12));
  mergeDhRows(dh, dhPrev, lengths, t, b0, b1, H, true);
}

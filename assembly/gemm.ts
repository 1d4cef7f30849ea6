// Packed, cache-blocked SIMD GEMM: C[b] (+)= op(A[b]) · op(B[b]).
//
// BLIS-style: for each kc-deep slice, a block of B (kc × nc) is packed into NR-wide panels
// ([kc][NR], contiguous) and a block of A (mc × kc) into MR-high panels ([kc][MR]); an MR×NR
// micro-kernel keeps C's tile in 12 SIMD registers for the whole slice. Transposes are just
// different strides while packing, so NN / NT / TN never materialise a transpose.
//
// Work is cut into chunks (batch, row block, column block); the TypeScript side hands chunk
// numbers to threads. A chunk reads its parameters from a descriptor in memory (see GemmDesc)
// and uses only its thread's scratch area, so chunks run in any order on any thread.

import { at, int, ptr } from './desc';
import { MR, NR, microKernel } from './microkernel';

/** Field offsets (i32 slots) of a GEMM descriptor written by src/backend/wasm/gemm.ts. */
export namespace GemmDesc {
  export const BATCH = 0;
  export const M = 1;
  export const N = 2;
  export const K = 3;
  // Element strides of A (row i, col p) and B (row p, col j) of the *logical* op(A), op(B).
  export const RS_A = 4;
  export const CS_A = 5;
  export const RS_B = 6;
  export const CS_B = 7;
  export const LDC = 8;
  export const STRIDE_A = 9;
  export const STRIDE_B = 10;
  export const STRIDE_C = 11;
  export const ACCUMULATE = 12;
  export const A_PTR = 13;
  export const B_PTR = 14;
  export const C_PTR = 15;
  export const MC = 16;
  export const NC = 17;
  export const KC = 18;
  export const M_BLOCKS = 19;
  export const N_BLOCKS = 20;
  export const SCRATCH = 21;
  export const SCRATCH_BYTES = 22;
  /** 1: B_PTR holds B already packed by packB (all of K, all of N; STRIDE_B then counts packed floats). */
  export const B_PACKED = 23;
  export const SIZE = 24;
}

/** Packs rows [i0, i0+rows) × cols [p0, p0+kc) of op(A) into MR-high panels, zero-padded. */
function packA(a: usize, rs: i32, cs: i32, i0: i32, rows: i32, p0: i32, kc: i32, dst: usize): void {
  for (let ip = 0; ip < rows; ip += MR) {
    const h = min(MR, rows - ip);
    const panel = dst + <usize>(ip * kc) * 4;
    if (h == MR && cs == 1) {
      // Row-major A: each panel row is contiguous in p.
      for (let r = 0; r < MR; r++) {
        const src = at(a, (i0 + ip + r) * rs + p0);
        for (let p = 0; p < kc; p++) store<f32>(panel + <usize>(p * MR + r) * 4, load<f32>(src + (<usize>p << 2)));
      }
    } else if (h == MR && rs == 1) {
      // Transposed A: MR consecutive rows are contiguous for each p.
      for (let p = 0; p < kc; p++) {
        const src = at(a, (p0 + p) * cs + i0 + ip);
        const dst = panel + <usize>(p * MR) * 4;
        if (MR == 2) store<u64>(dst, load<u64>(src));
        else if (MR == 4) v128.store(dst, v128.load(src));
        else for (let r = 0; r < MR; r++) store<f32>(dst + (<usize>r << 2), load<f32>(src + (<usize>r << 2)));
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < MR; r++) {
          const v: f32 = r < h ? load<f32>(at(a, (i0 + ip + r) * rs + (p0 + p) * cs)) : 0;
          store<f32>(panel + <usize>(p * MR + r) * 4, v);
        }
      }
    }
  }
}

/** Packs rows [p0, p0+kc) × cols [j0, j0+cols) of op(B) into NR-wide panels, zero-padded. */
function packB(b: usize, rs: i32, cs: i32, p0: i32, kc: i32, j0: i32, cols: i32, dst: usize): void {
  for (let jp = 0; jp < cols; jp += NR) {
    const w = min(NR, cols - jp);
    const panel = dst + <usize>(jp * kc) * 4;
    if (w == NR && cs == 1) {
      for (let p = 0; p < kc; p++) {
        const src = at(b, (p0 + p) * rs + j0 + jp);
        const out = panel + <usize>(p * NR) * 4;
        for (let q = 0; q < NR; q += 4) v128.store(out + (<usize>q << 2), v128.load(src + (<usize>q << 2)));
      }
    } else if (w == NR && rs == 1) {
      // B stored transposed (n × k, e.g. a weight W[out, in]): each column is contiguous in p.
      for (let c = 0; c < NR; c++) {
        const src = at(b, (j0 + jp + c) * cs + p0);
        for (let p = 0; p < kc; p++) store<f32>(panel + <usize>(p * NR + c) * 4, load<f32>(src + (<usize>p << 2)));
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let c = 0; c < NR; c++) {
          const v: f32 = c < w ? load<f32>(at(b, (p0 + p) * rs + (j0 + jp + c) * cs)) : 0;
          store<f32>(panel + <usize>(p * NR + c) * 4, v);
        }
      }
    }
  }
}

/**
 * Packs all of op(B) (k × n) for reuse across calls, in the layout gemm_chunk reads when
 * B_PACKED is set: kc-slices one after another, each slice its NR-wide panels.
 * Size: ceil(n / NR)·NR·k floats.
 */
export function gemm_pack_b(b: usize, rs: i32, cs: i32, k: i32, n: i32, kc: i32, dst: usize): void {
  const npad = ((n + NR - 1) / NR) * NR;
  for (let p0 = 0; p0 < k; p0 += kc) {
    const kcb = min(kc, k - p0);
    packB(b, rs, cs, p0, kcb, 0, n, dst + <usize>(p0 * npad) * 4);
  }
}

/** C tile = 0 where a product has k = 0 and C is overwritten. */
function zeroBlock(c: usize, ldc: i32, i0: i32, rows: i32, j0: i32, cols: i32): void {
  for (let i = 0; i < rows; i++) memory.fill(at(c, (i0 + i) * ldc + j0), 0, <usize>cols * 4);
}

/**
 * C[i0:i0+rows, j0:j0+cols] (+)= op(A)[i0:, :] · op(B)[:, j0:] over all of k, in kc slices.
 * `packedB` ≠ 0: B was packed whole by gemm_pack_b (row count n → npad). Scratch must hold
 * (mc + nc)·kc + MR·NR floats for rows ≤ mc, cols ≤ nc.
 */
export function gemmBlock(
  a: usize, rsA: i32, csA: i32, b: usize, rsB: i32, csB: i32, prepacked: bool, n: i32,
  c: usize, ldc: i32, i0: i32, rows: i32, j0: i32, cols: i32, k: i32, kc: i32, accumulate: bool,
  scratch: usize, mc: i32, nc: i32,
): void {
  if (rows <= 0 || cols <= 0) return;
  if (k == 0) {
    if (!accumulate) zeroBlock(c, ldc, i0, rows, j0, cols);
    return;
  }
  const npad = ((n + NR - 1) / NR) * NR;
  const packedA = scratch;
  const packedBOwn = scratch + <usize>(mc * kc) * 4;
  const edge = packedBOwn + <usize>(nc * kc) * 4;
  for (let p0 = 0; p0 < k; p0 += kc) {
    const kcb = min(kc, k - p0);
    let packedB = packedBOwn;
    if (prepacked) packedB = b + <usize>(p0 * npad + j0 * kcb) * 4;
    else packB(b, rsB, csB, p0, kcb, j0, cols, packedB);
    packA(a, rsA, csA, i0, rows, p0, kcb, packedA);
    const add = accumulate || p0 > 0;
    for (let jp = 0; jp < cols; jp += NR) {
      const w = min(NR, cols - jp);
      const pb = packedB + <usize>(jp * kcb) * 4;
      for (let ip = 0; ip < rows; ip += MR) {
        const h = min(MR, rows - ip);
        const pa = packedA + <usize>(ip * kcb) * 4;
        const ct = at(c, (i0 + ip) * ldc + j0 + jp);
        if (h == MR && w == NR) {
          microKernel(kcb, pa, pb, ct, ldc, add);
        } else {
          // Edge tile: compute the full tile into scratch, then move the valid part.
          microKernel(kcb, pa, pb, edge, NR, false);
          for (let i = 0; i < h; i++) {
            for (let j = 0; j < w; j++) {
              const dst = ct + <usize>(i * ldc + j) * 4;
              const v = load<f32>(edge + <usize>(i * NR + j) * 4);
              store<f32>(dst, add ? load<f32>(dst) + v : v);
            }
          }
        }
      }
    }
  }
}

/** Block sizes for products computed whole on one thread (inside fused kernels). */
export const SERIAL_MC: i32 = 96;
export const SERIAL_NC: i32 = 256;
export const SERIAL_KC: i32 = 256;
/** Scratch floats gemmSerial needs. */
export const SERIAL_SCRATCH: i32 = (SERIAL_MC + SERIAL_NC) * SERIAL_KC + MR * NR;

/** C (m × n, leading dim ldc) (+)= op(A)·op(B), all on the calling thread. */
export function gemmSerial(
  m: i32, n: i32, k: i32, a: usize, rsA: i32, csA: i32, b: usize, rsB: i32, csB: i32,
  c: usize, ldc: i32, accumulate: bool, scratch: usize,
): void {
  for (let i0 = 0; i0 < m; i0 += SERIAL_MC) {
    for (let j0 = 0; j0 < n; j0 += SERIAL_NC) {
      gemmBlock(a, rsA, csA, b, rsB, csB, false, n, c, ldc, i0, min(SERIAL_MC, m - i0), j0, min(SERIAL_NC, n - j0),
        k, SERIAL_KC, accumulate, scratch, SERIAL_MC, SERIAL_NC);
    }
  }
}

/** Runs chunk `chunk` (batch, row block, column block) of the GEMM described at `desc` on thread `tid`. */
export function gemm_chunk(desc: usize, chunk: i32, tid: i32): void {
  const mc = int(desc, GemmDesc.MC);
  const nc = int(desc, GemmDesc.NC);
  const mBlocks = int(desc, GemmDesc.M_BLOCKS);
  const nBlocks = int(desc, GemmDesc.N_BLOCKS);
  const perBatch = mBlocks * nBlocks;
  const bi = chunk / perBatch;
  const r = chunk - bi * perBatch;
  const mb = r / nBlocks;
  const nb = r - mb * nBlocks;
  const m = int(desc, GemmDesc.M);
  const n = int(desc, GemmDesc.N);
  const i0 = mb * mc;
  const j0 = nb * nc;
  const a = at(ptr(desc, GemmDesc.A_PTR), bi * int(desc, GemmDesc.STRIDE_A));
  const b = at(ptr(desc, GemmDesc.B_PTR), bi * int(desc, GemmDesc.STRIDE_B));
  const c = at(ptr(desc, GemmDesc.C_PTR), bi * int(desc, GemmDesc.STRIDE_C));
  const scratch = ptr(desc, GemmDesc.SCRATCH) + <usize>tid * <usize>int(desc, GemmDesc.SCRATCH_BYTES);
  gemmBlock(
    a, int(desc, GemmDesc.RS_A), int(desc, GemmDesc.CS_A), b, int(desc, GemmDesc.RS_B), int(desc, GemmDesc.CS_B),
    int(desc, GemmDesc.B_PACKED) != 0, n, c, int(desc, GemmDesc.LDC), i0, min(mc, m - i0), j0, min(nc, n - j0),
    int(desc, GemmDesc.K), int(desc, GemmDesc.KC), int(desc, GemmDesc.ACCUMULATE) != 0, scratch, mc, nc,
  );
}

/**
 * GEMM on the wasm kernels: chooses block sizes and the chunk grid, writes the descriptor read
 * by assembly/gemm.ts (slot order = GemmDesc there) and runs it on the pool. Also used by the
 * fused recurrent kernels on arrays that already live in the arena.
 */
import type { GemmParams } from '../backend.js';
import type { Runtime } from './runtime.js';
import { THRESHOLDS } from './thresholds.js';

/** Micro-tile of assembly/microkernel.ts. */
export const MR = 2;
export const NR = 16;

/**
 * Depth of a packed slice: all of k when it is modest, else 512 (fewer passes over C; 256, 384
 * and 512 measured within 2 % of each other at 1024³).
 */
export function kcFor(k: number): number {
  return k <= 768 ? Math.max(k, 1) : 512;
}

/** Floats gemm_pack_b writes for an op(B) of k × n. */
export function packedSize(k: number, n: number): number {
  return Math.ceil(n / NR) * NR * k;
}

interface Plan {
  mc: number;
  nc: number;
  kc: number;
  mBlocks: number;
  nBlocks: number;
  inline: boolean;
}

function plan(batch: number, m: number, n: number, k: number, threads: number, nAlign: number): Plan {
  const kc = kcFor(k);
  let mc = 96;
  let nc = 256;
  const macs = batch * m * n * k;
  const inline = threads <= 1 || macs < THRESHOLDS.parallelMacs;
  if (!inline) {
    // Enough chunks that every thread has work and the last ones do not straggle.
    const chunks = (): number => batch * Math.ceil(m / mc) * Math.ceil(n / nc);
    const target = 3 * threads;
    while (chunks() < target && nc > 64 && n > 64) nc /= 2;
    while (chunks() < target && mc > 24 && m > 24) mc /= 2;
  }
  mc = Math.max(MR, Math.min(mc, Math.ceil(m / MR) * MR));
  nc = Math.max(nAlign, Math.min(nc, Math.ceil(n / nAlign) * nAlign));
  return { mc, nc, kc, mBlocks: Math.ceil(m / mc), nBlocks: Math.ceil(n / nc), inline };
}

/** Where the operands of a product live in the arena. `bPacked`: B was packed by gemm_pack_b. */
export interface GemmOperands {
  a: number;
  b: number;
  c: number;
  bPacked?: boolean;
  /** Leading dimension of C (default n). */
  ldc?: number;
}

/** C (+)= op(A)·op(B) on arena addresses, over all threads. */
export function gemmOnArena(rt: Runtime, p: GemmParams, ops: GemmOperands): void {
  const { batch, m, n, k } = p;
  if (batch === 0 || m === 0 || n === 0) return;
  if (batch > 1 && p.strideC === 0) {
    // Products summed into one shared C run one after another, in batch order: chunks of
    // different batches on different threads would race on the same C blocks.
    for (let i = 0; i < batch; i++) {
      const one = { ...p, batch: 1, accumulate: p.accumulate || i > 0 };
      gemmOnArena(rt, one, { ...ops, a: ops.a + i * p.strideA * 4, b: ops.b + i * p.strideB * 4 });
    }
    return;
  }
  const pl = plan(batch, m, n, k, rt.threads, NR);
  const scratchFloats = (pl.mc + pl.nc) * pl.kc + MR * NR;
  const threads = pl.inline ? 1 : rt.threads;
  const scratch = rt.arena.allocF32(scratchFloats * threads);
  // Element strides of op(A) (row i, col q) and op(B) (row q, col j).
  const [rsA, csA] = p.transA ? [1, m] : [k, 1];
  const [rsB, csB] = p.transB ? [1, k] : [n, 1];
  const desc = rt.desc([
    batch, m, n, k, rsA, csA, rsB, csB, ops.ldc ?? n, p.strideA, p.strideB, p.strideC, p.accumulate ? 1 : 0,
    ops.a, ops.b, ops.c, pl.mc, pl.nc, pl.kc, pl.mBlocks, pl.nBlocks, scratch, scratchFloats * 4, ops.bPacked ? 1 : 0,
  ]);
  rt.run('gemm_chunk', desc, batch * pl.mBlocks * pl.nBlocks, pl.inline);
}

/** Packs op(B) (k × n; transB: stored n × k) once for many products with B_PACKED; returns its address. */
export function packB(rt: Runtime, b: number, transB: boolean, k: number, n: number): number {
  const dst = rt.arena.allocF32(packedSize(k, n));
  const [rs, cs] = transB ? [1, k] : [n, 1];
  rt.k.gemm_pack_b(b, rs, cs, k, n, kcFor(k), dst);
  return dst;
}

/** Elements of an operand the product reads: one matrix, or `batch` of them `stride` apart. */
export function extent(batch: number, stride: number, size: number): number {
  return batch <= 1 || stride === 0 ? size : (batch - 1) * stride + size;
}

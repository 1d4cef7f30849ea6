/**
 * Fused LSTM / GRU layers on wasm, cuDNN-style: the input projection of all T steps is one
 * GEMM; each step is one parallel job over blocks of batch rows (assembly/rnn_step.ts) that
 * runs only the recurrent product (W_hh packed once per call, reused by every step) and the
 * SIMD pointwise cell; the backward computes the weight gradients as one GEMM over all steps. Everything stays in the arena for the whole call; the workspace
 * (RnnWorkspace, time-indexed) is copied out for the backward.
 */
import type {
  FloatArray, GemmParams, GruBackwardArgs, GruForwardArgs, LstmBackwardArgs, LstmForwardArgs, RnnParams,
} from '../backend.js';
import { MR, gemmOnArena, kcFor, packB } from './gemm.js';
import type { ChunkedKernel, Runtime } from './runtime.js';
import { THRESHOLDS } from './thresholds.js';

const base: GemmParams = {
  batch: 1, m: 0, n: 0, k: 0, transA: false, transB: false, strideA: 0, strideB: 0, strideC: 0, accumulate: false,
};

const timeOf = (p: RnnParams, s: number): number => (p.reverse ? p.T - 1 - s : s);

/**
 * A step job: the descriptor (rewritten per step), rows per chunk and chunk count. Rows are
 * split into about two blocks per thread, each a multiple of the micro-tile height.
 */
class StepJob {
  readonly desc: number;
  readonly rpc: number;
  readonly count: number;
  readonly inline: boolean;
  readonly scratch: number;
  readonly scratchBytes: number;

  constructor(private readonly rt: Runtime, private readonly kernel: ChunkedKernel, slots: number, B: number, macsPerStep: number, kc: number) {
    this.inline = rt.threads <= 1 || macsPerStep < THRESHOLDS.parallelMacs || B < 2;
    const chunks = this.inline ? 1 : Math.min(2 * rt.threads, Math.ceil(B / MR));
    this.rpc = Math.max(MR, Math.ceil(Math.ceil(B / chunks) / MR) * MR);
    this.count = Math.max(1, Math.ceil(B / this.rpc));
    this.scratchBytes = rt.k.rnn_step_scratch(this.rpc, kc) * 4;
    this.scratch = rt.arena.alloc(this.scratchBytes * (this.inline ? 1 : rt.threads));
    this.desc = rt.arena.alloc(slots * 4);
  }

  /** Writes the step's slots and runs it. */
  run(slots: readonly number[]): void {
    const i32 = this.rt.arena.i32;
    const base = this.desc >>> 2;
    for (let i = 0; i < slots.length; i++) i32[base + i] = slots[i]!;
    this.rt.run(this.kernel, this.desc, this.count, this.inline);
  }
}

/** Address of the state before processing step s: the initial state, or the one after step s−1. */
function prevAddr(p: RnnParams, s: number, init: number, seq: number): number {
  return s === 0 ? init : seq + timeOf(p, s - 1) * p.B * p.H * 4;
}

function putOpt(rt: Runtime, a: FloatArray | null, n: number): number {
  return a ? rt.arena.put(a.subarray(0, n)) : 0;
}

/** x·W_ihᵀ + biases for all T·B rows at once, into `dst` [T·B, g]. */
function project(rt: Runtime, p: RnnParams, g: number, x: number, w: number, b1: number, b2: number, dst: number): void {
  const rows = p.T * p.B;
  rt.k.fill_rows(dst, rows, g, b1, b2);
  gemmOnArena(rt, { ...base, m: rows, n: g, k: p.I, transB: true, accumulate: true }, { a: x, b: w, c: dst });
}

/** Stacks the state before every step as [T, B, H], time-indexed (the A of the W_hh gradient). */
function stackPrev(rt: Runtime, p: RnnParams, init: number, seq: number): number {
  const n = p.B * p.H;
  const dst = rt.arena.allocF32(p.T * n);
  for (let s = 0; s < p.T; s++) rt.arena.move(dst + timeOf(p, s) * n * 4, prevAddr(p, s, init, seq), n);
  return dst;
}

/** Weight and bias gradients (accumulated) from the pre-activation gradients of all steps. */
function weightGrads(
  rt: Runtime, p: RnnParams, g: number, dGi: number, dGh: number, x: number, hPrev: () => number,
  gWIh: FloatArray | null, gWHh: FloatArray | null, gBIh: FloatArray | null, gBHh: FloatArray | null,
): void {
  const ar = rt.arena;
  const rows = p.T * p.B;
  const tn = { ...base, transA: true, accumulate: true };
  if (gWIh) {
    const pw = ar.put(gWIh.subarray(0, g * p.I));
    gemmOnArena(rt, { ...tn, m: g, n: p.I, k: rows }, { a: dGi, b: x, c: pw });
    ar.get(pw, gWIh.subarray(0, g * p.I));
  }
  if (gWHh) {
    const pw = ar.put(gWHh.subarray(0, g * p.H));
    gemmOnArena(rt, { ...tn, m: g, n: p.H, k: rows }, { a: dGh, b: hPrev(), c: pw });
    ar.get(pw, gWHh.subarray(0, g * p.H));
  }
  for (const [grad, src] of [[gBIh, dGi], [gBHh, dGh]] as const) {
    if (!grad) continue;
    const pb = ar.put(grad.subarray(0, g));
    rt.k.sum_axis(src, 1, rows, g, pb, 1, ar.alloc(g * 8));
    ar.get(pb, grad.subarray(0, g));
  }
}

export function lstmForward(rt: Runtime, p: RnnParams, a: LstmForwardArgs): void {
  const { x, wIh, wHh, bIh, bHh, h0, c0, lengths, out, hN, cN, ws } = a;
  const { T, B, I, H } = p;
  const G = 4 * H;
  const n = B * H;
  const ar = rt.arena;
  ar.reset();
  const px = ar.put(x.subarray(0, T * B * I));
  const pwi = ar.put(wIh.subarray(0, G * I));
  const pwh = ar.put(wHh.subarray(0, G * H));
  const pb1 = putOpt(rt, bIh, G);
  const pb2 = putOpt(rt, bHh, G);
  const ph0 = ar.put(h0.subarray(0, n));
  const pc0 = ar.put(c0.subarray(0, n));
  const plen = lengths ? ar.put(lengths.subarray(0, B)) : 0;
  const gates = ar.allocF32(T * B * G);
  const cs = ar.allocF32(T * n);
  const hs = ar.allocF32(T * n);
  const po = ar.allocF32(T * n);
  project(rt, p, G, px, pwi, pb1, pb2, gates);
  const packed = packB(rt, pwh, true, H, G); // op(B) = W_hhᵀ, shared by every step
  const kc = kcFor(H);
  const job = new StepJob(rt, 'lstm_fwd_chunk', 15, B, B * G * H, kc);
  for (let s = 0; s < T; s++) {
    const t = timeOf(p, s);
    job.run([
      gates + t * B * G * 4, prevAddr(p, s, ph0, hs), prevAddr(p, s, pc0, cs), cs + t * n * 4, hs + t * n * 4, po + t * n * 4,
      plen, t, B, H, packed, job.rpc, job.scratch, job.scratchBytes, kc,
    ]);
  }
  ar.get(gates, ws.gates.subarray(0, T * B * G));
  ar.get(cs, ws.cs.subarray(0, T * n));
  ar.get(hs, ws.hs.subarray(0, T * n));
  ar.get(po, out.subarray(0, T * n));
  ar.get(prevAddr(p, T, ph0, hs), hN.subarray(0, n));
  ar.get(prevAddr(p, T, pc0, cs), cN.subarray(0, n));
}

export function lstmBackward(rt: Runtime, p: RnnParams, a: LstmBackwardArgs): void {
  const { x, wIh, wHh, h0, c0, lengths, ws, gOut, gHN, gCN, gX, gWIh, gWHh, gBIh, gBHh, gH0, gC0 } = a;
  const { T, B, I, H } = p;
  const G = 4 * H;
  const n = B * H;
  const ar = rt.arena;
  ar.reset();
  const px = ar.put(x.subarray(0, T * B * I));
  const pwi = ar.put(wIh.subarray(0, G * I));
  const pwh = ar.put(wHh.subarray(0, G * H));
  const ph0 = ar.put(h0.subarray(0, n));
  const pc0 = ar.put(c0.subarray(0, n));
  const plen = lengths ? ar.put(lengths.subarray(0, B)) : 0;
  const gates = ar.put(ws.gates.subarray(0, T * B * G));
  const cs = ar.put(ws.cs.subarray(0, T * n));
  const hs = ar.put(ws.hs.subarray(0, T * n));
  const pgo = putOpt(rt, gOut, T * n);
  const dG = ar.allocF32(T * B * G);
  const dh = gHN ? ar.put(gHN.subarray(0, n)) : ar.zerosF32(n);
  const dc = gCN ? ar.put(gCN.subarray(0, n)) : ar.zerosF32(n);
  const dhPrev = ar.allocF32(n);
  const packed = packB(rt, pwh, false, G, H); // op(B) = W_hh [4H, H]
  const kc = kcFor(G);
  const job = new StepJob(rt, 'lstm_bwd_chunk', 17, B, B * G * H, kc);
  for (let s = T - 1; s >= 0; s--) {
    const t = timeOf(p, s);
    job.run([
      gates + t * B * G * 4, cs + t * n * 4, prevAddr(p, s, pc0, cs), dh, dc, pgo ? pgo + t * n * 4 : 0, dG + t * B * G * 4,
      plen, t, B, H, packed, dhPrev, job.rpc, job.scratch, job.scratchBytes, kc,
    ]);
  }
  if (gH0) ar.get(dh, gH0.subarray(0, n));
  if (gC0) ar.get(dc, gC0.subarray(0, n));
  if (gX) {
    const pgx = ar.allocF32(T * B * I);
    gemmOnArena(rt, { ...base, m: T * B, n: I, k: G }, { a: dG, b: pwi, c: pgx });
    ar.get(pgx, gX.subarray(0, T * B * I));
  }
  weightGrads(rt, p, G, dG, dG, px, () => stackPrev(rt, p, ph0, hs), gWIh, gWHh, gBIh, gBHh);
}

export function gruForward(rt: Runtime, p: RnnParams, a: GruForwardArgs): void {
  const { x, wIh, wHh, bIh, bHh, h0, lengths, out, hN, ws } = a;
  const { T, B, I, H } = p;
  const G3 = 3 * H;
  const G4 = 4 * H;
  const n = B * H;
  const ar = rt.arena;
  ar.reset();
  const px = ar.put(x.subarray(0, T * B * I));
  const pwi = ar.put(wIh.subarray(0, G3 * I));
  const pwh = ar.put(wHh.subarray(0, G3 * H));
  const pb1 = putOpt(rt, bIh, G3);
  const pb2 = putOpt(rt, bHh, G3);
  const ph0 = ar.put(h0.subarray(0, n));
  const plen = lengths ? ar.put(lengths.subarray(0, B)) : 0;
  const gi = ar.allocF32(T * B * G3);
  const gh = ar.allocF32(B * G3);
  const gates = ar.allocF32(T * B * G4);
  const hs = ar.allocF32(T * n);
  const po = ar.allocF32(T * n);
  project(rt, p, G3, px, pwi, pb1, 0, gi);
  const packed = packB(rt, pwh, true, H, G3);
  const kc = kcFor(H);
  const job = new StepJob(rt, 'gru_fwd_chunk', 16, B, B * G3 * H, kc);
  for (let s = 0; s < T; s++) {
    const t = timeOf(p, s);
    job.run([
      gi + t * B * G3 * 4, gh, prevAddr(p, s, ph0, hs), gates + t * B * G4 * 4, hs + t * n * 4, po + t * n * 4,
      plen, t, B, H, packed, pb2, job.rpc, job.scratch, job.scratchBytes, kc,
    ]);
  }
  ar.get(gates, ws.gates.subarray(0, T * B * G4));
  ar.get(hs, ws.hs.subarray(0, T * n));
  ar.get(po, out.subarray(0, T * n));
  ar.get(prevAddr(p, T, ph0, hs), hN.subarray(0, n));
}

export function gruBackward(rt: Runtime, p: RnnParams, a: GruBackwardArgs): void {
  const { x, wIh, wHh, h0, lengths, ws, gOut, gHN, gX, gWIh, gWHh, gBIh, gBHh, gH0 } = a;
  const { T, B, I, H } = p;
  const G3 = 3 * H;
  const G4 = 4 * H;
  const n = B * H;
  const ar = rt.arena;
  ar.reset();
  const px = ar.put(x.subarray(0, T * B * I));
  const pwi = ar.put(wIh.subarray(0, G3 * I));
  const pwh = ar.put(wHh.subarray(0, G3 * H));
  const ph0 = ar.put(h0.subarray(0, n));
  const plen = lengths ? ar.put(lengths.subarray(0, B)) : 0;
  const gates = ar.put(ws.gates.subarray(0, T * B * G4));
  const hs = ar.put(ws.hs.subarray(0, T * n));
  const pgo = putOpt(rt, gOut, T * n);
  const dGi = ar.allocF32(T * B * G3);
  const dGh = ar.allocF32(T * B * G3);
  const dh = gHN ? ar.put(gHN.subarray(0, n)) : ar.zerosF32(n);
  const dhPrev = ar.allocF32(n);
  const packed = packB(rt, pwh, false, G3, H);
  const kc = kcFor(G3);
  const job = new StepJob(rt, 'gru_bwd_chunk', 16, B, B * G3 * H, kc);
  for (let s = T - 1; s >= 0; s--) {
    const t = timeOf(p, s);
    job.run([
      gates + t * B * G4 * 4, prevAddr(p, s, ph0, hs), dh, pgo ? pgo + t * n * 4 : 0, dGi + t * B * G3 * 4, dGh + t * B * G3 * 4,
      plen, t, B, H, packed, dhPrev, job.rpc, job.scratch, job.scratchBytes, kc,
    ]);
  }
  if (gH0) ar.get(dh, gH0.subarray(0, n));
  if (gX) {
    const pgx = ar.allocF32(T * B * I);
    gemmOnArena(rt, { ...base, m: T * B, n: I, k: G3 }, { a: dGi, b: pwi, c: pgx });
    ar.get(pgx, gX.subarray(0, T * B * I));
  }
  weightGrads(rt, p, G3, dGi, dGh, px, () => stackPrev(rt, p, ph0, hs), gWIh, gWHh, gBIh, gBHh);
}

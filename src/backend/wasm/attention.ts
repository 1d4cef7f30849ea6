/**
 * Fused scaled dot-product attention on wasm: one (batch, head) problem per chunk, spread over
 * the pool; inside a chunk, Q·Kᵀ, the masked softmax and P·V (and the four backward products)
 * run through the packed GEMM on one thread (assembly/attention.ts).
 */
import type { SdpaBackwardArgs, SdpaForwardArgs, SdpaParams } from '../backend.js';
import { type Runtime, f32 } from './runtime.js';
import { THRESHOLDS } from './thresholds.js';

/** Floats of GEMM scratch a chunk needs (SERIAL_SCRATCH in assembly/gemm.ts). */
const SERIAL_SCRATCH = (96 + 256) * 256 + 2 * 16;

function inline(rt: Runtime, p: SdpaParams): boolean {
  return rt.threads <= 1 || p.bh < 2 || p.bh * p.tq * p.tk * (p.d + p.dv) < THRESHOLDS.parallelMacs;
}

export function sdpaForward(rt: Runtime, p: SdpaParams, a: SdpaForwardArgs): void {
  const { q, k, v, keyPadding, attnMask, out, weights } = a;
  const { bh, tq, tk, d, dv } = p;
  const ar = rt.arena;
  ar.reset();
  const pq = ar.put(q.subarray(0, bh * tq * d));
  const pk = ar.put(k.subarray(0, bh * tk * d));
  // Keys that are also the values (Luong attention over the encoder states) go in once.
  const pv = v === k && d === dv ? pk : ar.put(v.subarray(0, bh * tk * dv));
  const pkpm = keyPadding ? ar.put(keyPadding.subarray(0, (p.heads > 0 ? bh / p.heads : 0) * tk)) : 0;
  const pam = attnMask ? ar.put(attnMask.subarray(0, tq * tk)) : 0;
  const po = ar.allocF32(bh * tq * dv);
  const pw = ar.allocF32(bh * tq * tk);
  const one = inline(rt, p);
  const scratchBytes = SERIAL_SCRATCH * 4;
  const scratch = ar.alloc(scratchBytes * (one ? 1 : rt.threads));
  const desc = rt.desc([pq, pk, pv, pkpm, pam, po, pw, p.heads, tq, tk, d, dv, f32(p.scale), p.causal ? 1 : 0, scratch, scratchBytes]);
  rt.run('sdpa_fwd_chunk', desc, bh, one);
  ar.get(po, out.subarray(0, bh * tq * dv));
  ar.get(pw, weights.subarray(0, bh * tq * tk));
}

export function sdpaBackward(rt: Runtime, p: SdpaParams, a: SdpaBackwardArgs): void {
  const { q, k, v, weights, gOut, gWeights, gQ, gK, gV } = a;
  const { bh, tq, tk, d, dv } = p;
  const ar = rt.arena;
  ar.reset();
  const pq = ar.put(q.subarray(0, bh * tq * d));
  const pk = ar.put(k.subarray(0, bh * tk * d));
  // Keys that are also the values (Luong attention over the encoder states) go in once.
  const pv = v === k && d === dv ? pk : ar.put(v.subarray(0, bh * tk * dv));
  const pw = ar.put(weights.subarray(0, bh * tq * tk));
  const pgo = ar.put(gOut.subarray(0, bh * tq * dv));
  const pgw = gWeights ? ar.put(gWeights.subarray(0, bh * tq * tk)) : 0;
  // The kernel accumulates: the gradients so far go in with the operands. Keys that are also the
  // values (Luong dot attention) share one gradient array, and so one arena copy.
  const pgq = gQ ? ar.put(gQ.subarray(0, bh * tq * d)) : 0;
  const pgk = gK ? (gK === gQ ? pgq : ar.put(gK.subarray(0, bh * tk * d))) : 0;
  const pgv = gV ? (gV === gQ ? pgq : gV === gK ? pgk : ar.put(gV.subarray(0, bh * tk * dv))) : 0;
  const one = inline(rt, p);
  const scratchBytes = (SERIAL_SCRATCH + tq * tk) * 4;
  const scratch = ar.alloc(scratchBytes * (one ? 1 : rt.threads));
  const desc = rt.desc([pq, pk, pv, pw, pgo, pgw, pgq, pgk, pgv, tq, tk, d, dv, f32(p.scale), p.causal ? 1 : 0, scratch, scratchBytes]);
  rt.run('sdpa_bwd_chunk', desc, bh, one);
  if (gQ) ar.get(pgq, gQ.subarray(0, bh * tq * d));
  if (gK && gK !== gQ) ar.get(pgk, gK.subarray(0, bh * tk * d));
  if (gV && gV !== gQ && gV !== gK) ar.get(pgv, gV.subarray(0, bh * tk * dv));
}

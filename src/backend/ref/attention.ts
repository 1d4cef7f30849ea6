import type { SdpaBackwardArgs, SdpaForwardArgs, SdpaParams } from '../backend.js';
import { gemm } from './gemm.js';
import { softmax } from './softmax.js';

function excluded(p: SdpaParams, keyPadding: Uint8Array | null, attnMask: Uint8Array | null, z: number, i: number, j: number): boolean {
  if (p.causal && j > i) return true;
  if (keyPadding && keyPadding[Math.floor(z / p.heads) * p.tk + j]) return true;
  if (attnMask && attnMask[i * p.tk + j]) return true;
  return false;
}

export function sdpaForward(p: SdpaParams, a: SdpaForwardArgs): void {
  const { q, k, v, keyPadding, attnMask, out, weights } = a;
  const { bh, tq, tk, d, dv, scale } = p;
  // S = scale · Q Kᵀ for every problem at once, then mask, softmax, and O = P V.
  gemm({ batch: bh, m: tq, n: tk, k: d, transA: false, transB: true, strideA: tq * d, strideB: tk * d, strideC: tq * tk, accumulate: false }, q, k, weights);
  for (let z = 0; z < bh; z++) {
    for (let i = 0; i < tq; i++) {
      const row = (z * tq + i) * tk;
      for (let j = 0; j < tk; j++) {
        weights[row + j] = excluded(p, keyPadding, attnMask, z, i, j) ? -Infinity : weights[row + j]! * scale;
      }
    }
  }
  softmax(weights, bh * tq, tk, weights, false);
  gemm({ batch: bh, m: tq, n: dv, k: tk, transA: false, transB: false, strideA: tq * tk, strideB: tk * dv, strideC: tq * dv, accumulate: false }, weights, v, out);
}

export function sdpaBackward(p: SdpaParams, a: SdpaBackwardArgs): void {
  const { q, k, v, weights, gOut, gWeights, gQ, gK, gV } = a;
  const { bh, tq, tk, d, dv, scale } = p;
  const batch = { batch: bh, accumulate: true };
  // dV += Pᵀ dO
  if (gV) gemm({ ...batch, m: tk, n: dv, k: tq, transA: true, transB: false, strideA: tq * tk, strideB: tq * dv, strideC: tk * dv }, weights, gOut, gV);
  if (!gQ && !gK) return;
  // dP = dO Vᵀ (+ dWeights);  dS = P ⊙ (dP − rowsum(dP ⊙ P)) · scale
  const dS = weights instanceof Float64Array ? new Float64Array(bh * tq * tk) : new Float32Array(bh * tq * tk);
  gemm({ ...batch, accumulate: false, m: tq, n: tk, k: dv, transA: false, transB: true, strideA: tq * dv, strideB: tk * dv, strideC: tq * tk }, gOut, v, dS);
  for (let r = 0; r < bh * tq; r++) {
    const o = r * tk;
    let s = 0;
    for (let j = 0; j < tk; j++) {
      if (gWeights) dS[o + j]! += gWeights[o + j]!;
      s += dS[o + j]! * weights[o + j]!;
    }
    for (let j = 0; j < tk; j++) dS[o + j] = weights[o + j]! * (dS[o + j]! - s) * scale;
  }
  // dQ += dS K;  dK += dSᵀ Q
  if (gQ) gemm({ ...batch, m: tq, n: d, k: tk, transA: false, transB: false, strideA: tq * tk, strideB: tk * d, strideC: tq * d }, dS, k, gQ);
  if (gK) gemm({ ...batch, m: tk, n: d, k: tq, transA: true, transB: false, strideA: tq * tk, strideB: tq * d, strideC: tk * d }, dS, q, gK);
}

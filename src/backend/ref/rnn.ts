import type {
  FloatArray, GruBackwardArgs, GruForwardArgs, LstmBackwardArgs, LstmForwardArgs, RnnParams,
} from '../backend.js';
import { gemm } from './gemm.js';

// Reference LSTM / GRU layers over a time-major sequence, cuDNN-style: one GEMM for the input
// projection of every step, one small GEMM per step for the recurrence, and the weight
// gradients as one GEMM over all steps. Inactive steps (t ≥ lengths[b]) carry the state.

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function newLike(a: FloatArray, n: number): FloatArray {
  return a instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
}

const active = (lengths: Int32Array | null, b: number, t: number): boolean => lengths === null || t < lengths[b]!;

/** Time index of processing step s, and of the step processed just before it. */
function timeOf(p: RnnParams, s: number): number {
  return p.reverse ? p.T - 1 - s : s;
}

/** x·Wᵀ for all T·B rows at once: [T·B, I] × [G, I]ᵀ → [T·B, G], plus the bias rows. */
function project(x: FloatArray, w: FloatArray, bias1: FloatArray | null, bias2: FloatArray | null, rows: number, inF: number, g: number, out: FloatArray): void {
  gemm({ batch: 1, m: rows, n: g, k: inF, transA: false, transB: true, strideA: 0, strideB: 0, strideC: 0, accumulate: false }, x, w, out);
  if (bias1 || bias2) {
    for (let r = 0; r < rows; r++) {
      const o = r * g;
      for (let j = 0; j < g; j++) out[o + j]! += (bias1 ? bias1[j]! : 0) + (bias2 ? bias2[j]! : 0);
    }
  }
}

/** The state before time t: h0 at the first processed step, else the state after the previous one. */
function prevState(p: RnnParams, s: number, init: FloatArray, seq: FloatArray): FloatArray {
  if (s === 0) return init;
  const tp = timeOf(p, s - 1);
  const n = p.B * p.H;
  return seq.subarray(tp * n, tp * n + n);
}

/** Stacks the previous state of every step as [T, B, H] (for the weight-gradient GEMM). */
function stackPrev(p: RnnParams, init: FloatArray, seq: FloatArray): FloatArray {
  const n = p.B * p.H;
  const out = newLike(init, p.T * n);
  for (let s = 0; s < p.T; s++) out.set(prevState(p, s, init, seq), timeOf(p, s) * n);
  return out;
}

function weightGrads(
  p: RnnParams, g: number, dGi: FloatArray, dGh: FloatArray, x: FloatArray, hPrev: FloatArray,
  gWIh: FloatArray | null, gWHh: FloatArray | null, gBIh: FloatArray | null, gBHh: FloatArray | null,
): void {
  const rows = p.T * p.B;
  const base = { batch: 1, transA: true, transB: false, strideA: 0, strideB: 0, strideC: 0, accumulate: true };
  if (gWIh) gemm({ ...base, m: g, n: p.I, k: rows }, dGi, x, gWIh);
  if (gWHh) gemm({ ...base, m: g, n: p.H, k: rows }, dGh, hPrev, gWHh);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < g; j++) {
      if (gBIh) gBIh[j]! += dGi[r * g + j]!;
      if (gBHh) gBHh[j]! += dGh[r * g + j]!;
    }
  }
}

export function lstmForward(p: RnnParams, a: LstmForwardArgs): void {
  const { x, wIh, wHh, bIh, bHh, h0, c0, lengths, out, hN, cN, ws } = a;
  const { T, B, I, H } = p;
  const G = 4 * H;
  const gates = ws.gates;
  project(x, wIh, bIh, bHh, T * B, I, G, gates);
  for (let s = 0; s < T; s++) {
    const t = timeOf(p, s);
    const hp = prevState(p, s, h0, ws.hs);
    const cp = prevState(p, s, c0, ws.cs);
    const gt = gates.subarray(t * B * G, (t + 1) * B * G);
    gemm({ batch: 1, m: B, n: G, k: H, transA: false, transB: true, strideA: 0, strideB: 0, strideC: 0, accumulate: true }, hp, wHh, gt);
    for (let b = 0; b < B; b++) {
      const go = b * G;
      const so = t * B * H + b * H;
      if (!active(lengths, b, t)) {
        gt.fill(0, go, go + G);
        for (let j = 0; j < H; j++) {
          ws.cs[so + j] = cp[b * H + j]!;
          ws.hs[so + j] = hp[b * H + j]!;
          out[so + j] = 0;
        }
        continue;
      }
      for (let j = 0; j < H; j++) {
        const i = sigmoid(gt[go + j]!);
        const f = sigmoid(gt[go + H + j]!);
        const g = Math.tanh(gt[go + 2 * H + j]!);
        const o = sigmoid(gt[go + 3 * H + j]!);
        gt[go + j] = i;
        gt[go + H + j] = f;
        gt[go + 2 * H + j] = g;
        gt[go + 3 * H + j] = o;
        const c = f * cp[b * H + j]! + i * g;
        ws.cs[so + j] = c;
        const h = o * Math.tanh(ws.cs[so + j]!);
        ws.hs[so + j] = h;
        out[so + j] = ws.hs[so + j]!;
      }
    }
  }
  hN.set(prevState(p, T, h0, ws.hs));
  cN.set(prevState(p, T, c0, ws.cs));
}

export function lstmBackward(p: RnnParams, a: LstmBackwardArgs): void {
  const { x, wIh, wHh, h0, c0, lengths, ws, gOut, gHN, gCN, gX, gWIh, gWHh, gBIh, gBHh, gH0, gC0 } = a;
  const { T, B, I, H } = p;
  const G = 4 * H;
  const dG = newLike(x, T * B * G);
  const dh = newLike(x, B * H);
  const dc = newLike(x, B * H);
  const dhPrev = newLike(x, B * H);
  if (gHN) dh.set(gHN);
  if (gCN) dc.set(gCN);
  for (let s = T - 1; s >= 0; s--) {
    const t = timeOf(p, s);
    const cp = prevState(p, s, c0, ws.cs);
    const gt = ws.gates.subarray(t * B * G, (t + 1) * B * G);
    const dgt = dG.subarray(t * B * G, (t + 1) * B * G);
    for (let b = 0; b < B; b++) {
      if (!active(lengths, b, t)) continue; // dG stays 0; dh, dc pass through
      const go = b * G;
      const so = t * B * H + b * H;
      for (let j = 0; j < H; j++) {
        const i = gt[go + j]!;
        const f = gt[go + H + j]!;
        const g = gt[go + 2 * H + j]!;
        const o = gt[go + 3 * H + j]!;
        const tc = Math.tanh(ws.cs[so + j]!);
        const dhj = dh[b * H + j]! + (gOut ? gOut[so + j]! : 0);
        const dcj = dc[b * H + j]! + dhj * o * (1 - tc * tc);
        dgt[go + j] = dcj * g * i * (1 - i);
        dgt[go + H + j] = dcj * cp[b * H + j]! * f * (1 - f);
        dgt[go + 2 * H + j] = dcj * i * (1 - g * g);
        dgt[go + 3 * H + j] = dhj * tc * o * (1 - o);
        dc[b * H + j] = dcj * f;
      }
    }
    gemm({ batch: 1, m: B, n: H, k: G, transA: false, transB: false, strideA: 0, strideB: 0, strideC: 0, accumulate: false }, dgt, wHh, dhPrev);
    for (let b = 0; b < B; b++) {
      if (!active(lengths, b, t)) continue;
      for (let j = 0; j < H; j++) dh[b * H + j] = dhPrev[b * H + j]!;
    }
  }
  if (gH0) gH0.set(dh);
  if (gC0) gC0.set(dc);
  if (gX) gemm({ batch: 1, m: T * B, n: I, k: G, transA: false, transB: false, strideA: 0, strideB: 0, strideC: 0, accumulate: false }, dG, wIh, gX);
  const hPrev = gWHh ? stackPrev(p, h0, ws.hs) : dG;
  weightGrads(p, G, dG, dG, x, hPrev, gWIh, gWHh, gBIh, gBHh);
}

export function gruForward(p: RnnParams, a: GruForwardArgs): void {
  const { x, wIh, wHh, bIh, bHh, h0, lengths, out, hN, ws } = a;
  const { T, B, I, H } = p;
  const G3 = 3 * H;
  const G4 = 4 * H;
  const gi = newLike(x, T * B * G3);
  project(x, wIh, bIh, null, T * B, I, G3, gi);
  const gh = newLike(x, B * G3);
  for (let s = 0; s < T; s++) {
    const t = timeOf(p, s);
    const hp = prevState(p, s, h0, ws.hs);
    project(hp, wHh, bHh, null, B, H, G3, gh);
    for (let b = 0; b < B; b++) {
      const so = t * B * H + b * H;
      const wo = (t * B + b) * G4;
      if (!active(lengths, b, t)) {
        ws.gates.fill(0, wo, wo + G4);
        for (let j = 0; j < H; j++) {
          ws.hs[so + j] = hp[b * H + j]!;
          out[so + j] = 0;
        }
        continue;
      }
      const io = (t * B + b) * G3;
      const ho = b * G3;
      for (let j = 0; j < H; j++) {
        const r = sigmoid(gi[io + j]! + gh[ho + j]!);
        const z = sigmoid(gi[io + H + j]! + gh[ho + H + j]!);
        const hn = gh[ho + 2 * H + j]!;
        const n = Math.tanh(gi[io + 2 * H + j]! + r * hn);
        ws.gates[wo + j] = r;
        ws.gates[wo + H + j] = z;
        ws.gates[wo + 2 * H + j] = n;
        ws.gates[wo + 3 * H + j] = hn;
        ws.hs[so + j] = (1 - z) * n + z * hp[b * H + j]!;
        out[so + j] = ws.hs[so + j]!;
      }
    }
  }
  hN.set(prevState(p, T, h0, ws.hs));
}

export function gruBackward(p: RnnParams, a: GruBackwardArgs): void {
  const { x, wIh, wHh, h0, lengths, ws, gOut, gHN, gX, gWIh, gWHh, gBIh, gBHh, gH0 } = a;
  const { T, B, I, H } = p;
  const G3 = 3 * H;
  const G4 = 4 * H;
  const dGi = newLike(x, T * B * G3);
  const dGh = newLike(x, T * B * G3);
  const dh = newLike(x, B * H);
  const dhPrev = newLike(x, B * H);
  if (gHN) dh.set(gHN);
  for (let s = T - 1; s >= 0; s--) {
    const t = timeOf(p, s);
    const hp = prevState(p, s, h0, ws.hs);
    for (let b = 0; b < B; b++) {
      if (!active(lengths, b, t)) continue;
      const so = t * B * H + b * H;
      const wo = (t * B + b) * G4;
      const go = (t * B + b) * G3;
      for (let j = 0; j < H; j++) {
        const r = ws.gates[wo + j]!;
        const z = ws.gates[wo + H + j]!;
        const n = ws.gates[wo + 2 * H + j]!;
        const hn = ws.gates[wo + 3 * H + j]!;
        const dhj = dh[b * H + j]! + (gOut ? gOut[so + j]! : 0);
        const dn = dhj * (1 - z) * (1 - n * n); // through tanh
        const dz = dhj * (hp[b * H + j]! - n) * z * (1 - z);
        const dr = dn * hn * r * (1 - r);
        dGi[go + j] = dr;
        dGi[go + H + j] = dz;
        dGi[go + 2 * H + j] = dn;
        dGh[go + j] = dr;
        dGh[go + H + j] = dz;
        dGh[go + 2 * H + j] = dn * r;
        dh[b * H + j] = dhj * z; // the direct path; the W_hh path is added below
      }
    }
    const dght = dGh.subarray(t * B * G3, (t + 1) * B * G3);
    gemm({ batch: 1, m: B, n: H, k: G3, transA: false, transB: false, strideA: 0, strideB: 0, strideC: 0, accumulate: false }, dght, wHh, dhPrev);
    for (let b = 0; b < B; b++) {
      if (!active(lengths, b, t)) continue;
      for (let j = 0; j < H; j++) dh[b * H + j]! += dhPrev[b * H + j]!;
    }
  }
  if (gH0) gH0.set(dh);
  if (gX) gemm({ batch: 1, m: T * B, n: I, k: G3, transA: false, transB: false, strideA: 0, strideB: 0, strideC: 0, accumulate: false }, dGi, wIh, gX);
  const hPrev = gWHh ? stackPrev(p, h0, ws.hs) : dGh;
  weightGrads(p, G3, dGi, dGh, x, hPrev, gWIh, gWHh, gBIh, gBHh);
}

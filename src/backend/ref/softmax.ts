import type { FloatArray } from '../backend.js';

export function softmax(x: FloatArray, rows: number, n: number, out: FloatArray, log: boolean): void {
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    let max = -Infinity;
    for (let j = 0; j < n; j++) if (x[base + j]! > max) max = x[base + j]!;
    if (max === -Infinity) {
      // Fully masked row: weights 0 (log-weights -inf), never NaN.
      for (let j = 0; j < n; j++) out[base + j] = log ? -Infinity : 0;
      continue;
    }
    let sum = 0;
    for (let j = 0; j < n; j++) sum += Math.exp(x[base + j]! - max);
    if (log) {
      const lse = max + Math.log(sum);
      for (let j = 0; j < n; j++) out[base + j] = x[base + j]! - lse;
    } else {
      const inv = 1 / sum;
      for (let j = 0; j < n; j++) out[base + j] = Math.exp(x[base + j]! - max) * inv;
    }
  }
}

export function softmaxBackward(y: FloatArray, gy: FloatArray, rows: number, n: number, gx: FloatArray, log: boolean): void {
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    if (log) {
      // y = x - lse: gx = gy - softmax · Σ gy
      let s = 0;
      for (let j = 0; j < n; j++) s += gy[base + j]!;
      for (let j = 0; j < n; j++) {
        const yj = y[base + j]!;
        gx[base + j] = yj === -Infinity ? 0 : gy[base + j]! - Math.exp(yj) * s;
      }
    } else {
      // gx = y ⊙ (gy - Σ gy ⊙ y)
      let s = 0;
      for (let j = 0; j < n; j++) s += gy[base + j]! * y[base + j]!;
      for (let j = 0; j < n; j++) gx[base + j] = y[base + j]! * (gy[base + j]! - s);
    }
  }
}

export function crossEntropy(
  logits: FloatArray, target: Int32Array, rows: number, n: number,
  ignoreIndex: number, smoothing: number, loss: FloatArray, lse: FloatArray,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    let max = -Infinity;
    for (let j = 0; j < n; j++) if (logits[base + j]! > max) max = logits[base + j]!;
    let sum = 0;
    let total = 0;
    for (let j = 0; j < n; j++) {
      const v = logits[base + j]!;
      sum += Math.exp(v - max);
      total += v;
    }
    const l = max + Math.log(sum);
    lse[r] = l;
    const t = target[r]!;
    if (t === ignoreIndex) {
      loss[r] = 0;
      continue;
    }
    const nll = l - logits[base + t]!;
    // mean_c(-log p_c) = lse - mean_c(x_c)
    loss[r] = smoothing === 0 ? nll : (1 - smoothing) * nll + smoothing * (l - total / n);
  }
}

export function crossEntropyBackward(
  logits: FloatArray, lse: FloatArray, target: Int32Array, rows: number, n: number,
  ignoreIndex: number, smoothing: number, gLoss: FloatArray, gLogits: FloatArray,
): void {
  const uniform = smoothing / n;
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    const t = target[r]!;
    if (t === ignoreIndex) {
      for (let j = 0; j < n; j++) gLogits[base + j] = 0;
      continue;
    }
    const g = gLoss[r]!;
    const l = lse[r]!;
    // ∂/∂x_j = p_j - (1-ε)·[j = t] - ε/n
    for (let j = 0; j < n; j++) gLogits[base + j] = g * (Math.exp(logits[base + j]! - l) - uniform);
    gLogits[base + t]! -= g * (1 - smoothing);
  }
}

import type { FloatArray } from '../backend.js';

export function layerNorm(
  x: FloatArray, gamma: FloatArray | null, beta: FloatArray | null, rows: number, n: number, eps: number,
  y: FloatArray, mean: FloatArray, rstd: FloatArray,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    let s = 0;
    for (let j = 0; j < n; j++) s += x[base + j]!;
    const mu = s / n;
    let v = 0;
    for (let j = 0; j < n; j++) {
      const d = x[base + j]! - mu;
      v += d * d;
    }
    const rs = 1 / Math.sqrt(v / n + eps);
    mean[r] = mu;
    rstd[r] = rs;
    for (let j = 0; j < n; j++) {
      let o = (x[base + j]! - mu) * rs;
      if (gamma) o *= gamma[j]!;
      if (beta) o += beta[j]!;
      y[base + j] = o;
    }
  }
}

export function layerNormBackward(
  x: FloatArray, gamma: FloatArray | null, mean: FloatArray, rstd: FloatArray, gy: FloatArray, rows: number, n: number,
  gx: FloatArray | null, gGamma: FloatArray | null, gBeta: FloatArray | null,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    const mu = mean[r]!;
    const rs = rstd[r]!;
    // x̂ = (x - μ)·rstd;  g = gy·γ;  gx = rstd·(g - mean(g) - x̂·mean(g·x̂))
    let sg = 0;
    let sgx = 0;
    for (let j = 0; j < n; j++) {
      const xh = (x[base + j]! - mu) * rs;
      const g = gy[base + j]! * (gamma ? gamma[j]! : 1);
      sg += g;
      sgx += g * xh;
      if (gGamma) gGamma[j]! += gy[base + j]! * xh;
      if (gBeta) gBeta[j]! += gy[base + j]!;
    }
    if (!gx) continue;
    const mg = sg / n;
    const mgx = sgx / n;
    for (let j = 0; j < n; j++) {
      const xh = (x[base + j]! - mu) * rs;
      const g = gy[base + j]! * (gamma ? gamma[j]! : 1);
      gx[base + j] = rs * (g - mg - xh * mgx);
    }
  }
}

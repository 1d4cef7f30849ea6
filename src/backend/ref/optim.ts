import type { AdamParams, FloatArray } from '../backend.js';

/** One Adam/AdamW step in place, in PyTorch's order of operations. */
export function adam(param: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray, p: AdamParams): void {
  const { beta1, beta2, eps, stepSize, bc2Sqrt, weightDecay, decayFactor } = p;
  for (let i = 0; i < param.length; i++) {
    let w = param[i]!;
    if (decayFactor !== 1) w *= decayFactor;
    const g = weightDecay !== 0 ? grad[i]! + weightDecay * w : grad[i]!;
    const mi = beta1 * m[i]! + (1 - beta1) * g;
    const vi = beta2 * v[i]! + (1 - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    param[i] = w - (stepSize * m[i]!) / (Math.sqrt(v[i]!) / bc2Sqrt + eps);
  }
}

import type { Tensor } from '../core/tensor.js';
import { clipGradNorm as clipGradNorm2 } from '../ops/index.js';
import { check } from '../util/errors.js';

export interface ClipGradNormOptions {
  /** p of the norm: 2 (default), any p > 0, or Infinity (the largest |g|). */
  normType?: number;
}

/**
 * Scales the `.grad` of `params` in place so that their joint norm is at most `maxNorm`, as
 * PyTorch's clip_grad_norm_: coef = min(maxNorm / (norm + 1e-6), 1). Returns the norm before
 * clipping. The 2-norm runs on the backend kernel (`ops.clipGradNorm`).
 *
 * @example
 * loss.backward();
 * const norm = clipGradNorm(model.parameters(), 1.0);
 * opt.step();
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number, options: ClipGradNormOptions = {}): number {
  const p = options.normType ?? 2;
  check(p > 0, `clipGradNorm: normType must be positive (or Infinity), got ${p}`);
  if (p === 2) return clipGradNorm2(params, maxNorm);
  check(maxNorm > 0, `clipGradNorm: maxNorm must be positive, got ${maxNorm}`);
  const grads = [...params].flatMap((t) => (t.grad ? [t.grad.data as Float32Array | Float64Array] : []));
  let norm = 0;
  if (p === Infinity) {
    for (const g of grads) for (const x of g) norm = Math.max(norm, Math.abs(x));
  } else {
    for (const g of grads) for (const x of g) norm += Math.abs(x) ** p;
    norm **= 1 / p;
  }
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) for (const g of grads) for (let i = 0; i < g.length; i++) g[i]! *= coef;
  return norm;
}

/**
 * Clamps every gradient element of `params` to [−clipValue, clipValue] in place
 * (PyTorch's clip_grad_value_).
 * @example clipGradValue(model.parameters(), 5);
 */
export function clipGradValue(params: Iterable<Tensor>, clipValue: number): void {
  check(clipValue > 0, `clipGradValue: clipValue must be positive, got ${clipValue}`);
  for (const t of params) {
    if (!t.grad) continue;
    const g = t.grad.data as Float32Array | Float64Array;
    for (let i = 0; i < g.length; i++) g[i] = Math.min(clipValue, Math.max(-clipValue, g[i]!));
  }
}

import type { Tensor } from '../core/tensor.js';
import { check } from '../util/errors.js';
import { fdata, kernels } from './util.js';

/**
 * Scales the `.grad` of `params` in place so that their joint 2-norm is at most `maxNorm`
 * (PyTorch's clip_grad_norm_: coef = min(maxNorm / (norm + 1e-6), 1)). Returns the norm
 * measured before clipping. Parameters without a gradient are skipped.
 *
 * @example const norm = clipGradNorm(model.parameters(), 1.0);
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number): number {
  check(maxNorm > 0, `clipGradNorm: maxNorm must be positive, got ${maxNorm}`);
  const grads: Tensor[] = [];
  for (const p of params) if (p.grad) grads.push(p.grad);
  let sq = 0;
  for (const g of grads) sq += kernels(g.data).sumSquares(fdata(g));
  const norm = Math.sqrt(sq);
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) {
    for (const g of grads) kernels(g.data).unary('affine', fdata(g), fdata(g), coef, 0);
  }
  return norm;
}

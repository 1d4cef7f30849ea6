import { record } from '../core/grad.js';
import type { Tensor } from '../core/tensor.js';
import { GlimpseError } from '../util/errors.js';
import { shapeStr, sizeOf } from '../util/shape.js';
import { empty, fdata, gradToAdd, gradToWrite, kernels, requireFloat } from './util.js';

/**
 * Layer normalisation over the trailing `normalizedShape` dims (Ba et al. 2016):
 * y = (x − μ)/√(σ² + ε)·γ + β with the biased variance, as PyTorch.
 *
 * @example layerNorm(x, [H], gamma, beta) // x [B, T, H]
 */
export function layerNorm(
  x: Tensor, normalizedShape: readonly number[], weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5,
): Tensor {
  const xd = requireFloat(x, 'layerNorm');
  const k = normalizedShape.length;
  const tail = x.shape.slice(x.ndim - k);
  if (k === 0 || x.ndim < k || tail.some((d, i) => d !== normalizedShape[i])) {
    throw new GlimpseError(`layerNorm: input ${shapeStr(x.shape)} does not end in normalizedShape ${shapeStr(normalizedShape)}`);
  }
  for (const [name, p] of [['weight', weight], ['bias', bias]] as const) {
    if (p && (p.ndim !== k || p.shape.some((d, i) => d !== normalizedShape[i]))) {
      throw new GlimpseError(`layerNorm: ${name} must have shape ${shapeStr(normalizedShape)}, got ${shapeStr(p.shape)}`);
    }
  }
  const n = sizeOf(normalizedShape);
  const rows = n === 0 ? 0 : x.size / n;
  const out = empty(x.dtype, x.shape);
  const meanT = empty(x.dtype, [rows]);
  const rstdT = empty(x.dtype, [rows]);
  const kern = kernels(xd);
  const wd = weight ? fdata(weight) : null;
  kern.layerNorm(xd, wd, bias ? fdata(bias) : null, rows, n, eps, fdata(out), fdata(meanT), fdata(rstdT));
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  record('layerNorm', inputs, [out], ([g]) => {
    // gx is written, the parameter gradients accumulate (straight into .grad when they can).
    const gx = gradToWrite(x);
    const gw = weight ? gradToAdd(weight) : null;
    const gb = bias ? gradToAdd(bias) : null;
    kern.layerNormBackward(xd, wd, fdata(meanT), fdata(rstdT), fdata(g!), rows, n, gx && gx.data, gw && gw.data, gb && gb.data);
    return [gx && gx.result, ...(weight ? [gw && gw.result] : []), ...(bias ? [gb && gb.result] : [])];
  });
  return out;
}

import { record } from '../core/grad.js';
import { Tensor } from '../core/tensor.js';
import { normAxis } from '../util/shape.js';
import { transpose } from './shape.js';
import { empty, fdata, gradToWrite, kernels, requireFloat } from './util.js';

function softmaxLast(x: Tensor, log: boolean): Tensor {
  const xd = requireFloat(x, log ? 'logSoftmax' : 'softmax');
  const n = x.ndim === 0 ? 1 : x.shape[x.ndim - 1]!;
  const rows = n === 0 ? 0 : x.size / n;
  const out = empty(x.dtype, x.shape);
  const k = kernels(xd);
  k.softmax(xd, rows, n, fdata(out), log);
  record(log ? 'logSoftmax' : 'softmax', [x], [out], ([g]) => {
    const gx = gradToWrite(x)!;
    k.softmaxBackward(fdata(out), fdata(g!), rows, n, gx.data, log);
    return [gx.result];
  });
  return out;
}

function alongAxis(x: Tensor, axis: number, log: boolean): Tensor {
  const a = normAxis(axis, x.ndim, log ? 'logSoftmax' : 'softmax');
  if (x.ndim === 0 || a === x.ndim - 1) return softmaxLast(x, log);
  return transpose(softmaxLast(transpose(x, a, -1), log), a, -1);
}

/**
 * exp(x) / Σ exp(x) along `axis` (default last), stable. A slice that is all -∞ (fully
 * masked) gives zeros, never NaN.
 * @example softmax(maskedFill(scores, pad, -Infinity), -1)
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  return alongAxis(x, axis, false);
}

/** x - logsumexp(x) along `axis` (default last), stable. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return alongAxis(x, axis, true);
}

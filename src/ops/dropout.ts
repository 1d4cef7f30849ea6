import { record } from '../core/grad.js';
import type { Tensor } from '../core/tensor.js';
import { check } from '../util/errors.js';
import { type Rng, defaultRng } from '../util/rng.js';
import { empty, fdata, gradToWrite, kernels, requireFloat } from './util.js';

/**
 * Inverted dropout: zeroes each element with probability p and scales the rest by 1/(1-p), so
 * evaluation needs no rescaling. Identity when `training` is false or p = 0. The mask comes
 * from `rng` (default: the global generator), so runs repeat under a seed.
 *
 * @example dropout(h, 0.2, { training: model.training })
 */
export function dropout(x: Tensor, p: number, options: { training?: boolean; rng?: Rng } = {}): Tensor {
  check(p >= 0 && p < 1, `dropout: p must be in [0, 1), got ${p}`);
  const xd = requireFloat(x, 'dropout');
  if (!(options.training ?? true) || p === 0) return x;
  const mask = new Uint8Array(x.size);
  (options.rng ?? defaultRng()).fillKeepMask(mask, 1 - p);
  const scale = 1 / (1 - p);
  const out = empty(x.dtype, x.shape);
  const k = kernels(xd);
  k.maskScale(xd, mask, scale, fdata(out));
  record('dropout', [x], [out], ([g]) => {
    const gx = gradToWrite(x)!;
    k.maskScale(fdata(g!), mask, scale, gx.data);
    return [gx.result];
  });
  return out;
}

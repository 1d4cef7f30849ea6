import { tensor } from '../../core/create.js';
import { Tensor } from '../../core/tensor.js';
import { logicalNot, maskedFill, softmax } from '../../ops/index.js';
import { GlimpseError } from '../../util/errors.js';
import { shapeStr } from '../../util/shape.js';

// Two mask conventions meet in attention code, so every mask says which one it uses:
// - KEEP masks (Bahdanau/Luong modules): true = real token, attend to it.
// - PADDING / NOT-ALLOWED masks (ScaledDotProductAttention, MultiheadAttention; PyTorch's
//   key_padding_mask and boolean attn_mask): true = excluded.

function lengthList(lengths: Tensor | readonly number[], op: string): number[] {
  if (lengths instanceof Tensor) {
    if (lengths.ndim !== 1 || lengths.dtype !== 'int32') {
      throw new GlimpseError(`${op}: lengths must be a 1-D int32 tensor, got ${lengths.dtype} ${shapeStr(lengths.shape)}`);
    }
    return Array.from(lengths.data, Number);
  }
  return [...lengths];
}

function byLength(lengths: Tensor | readonly number[], maxLen: number, op: string, real: boolean): Tensor {
  const L = lengthList(lengths, op);
  for (const [b, n] of L.entries()) {
    if (!Number.isInteger(n) || n < 0 || n > maxLen) throw new GlimpseError(`${op}: lengths[${b}] = ${n} is outside [0, ${maxLen}]`);
  }
  const data = new Uint8Array(L.length * maxLen);
  L.forEach((n, b) => {
    for (let j = 0; j < maxLen; j++) data[b * maxLen + j] = (j < n) === real ? 1 : 0;
  });
  return tensor(data, { shape: [L.length, maxLen], dtype: 'bool' });
}

/**
 * KEEP mask from lengths: bool [B, S], true at real tokens (j < lengths[b]). The mask the
 * Bahdanau and Luong modules take.
 * @example lengthMask([3, 1], 4) // [[T, T, T, F], [T, F, F, F]]
 */
export function lengthMask(lengths: Tensor | readonly number[], maxLen: number): Tensor {
  return byLength(lengths, maxLen, 'lengthMask', true);
}

/**
 * PADDING mask from lengths: bool [B, S], true at padding (j ≥ lengths[b]). PyTorch's
 * key_padding_mask convention, taken by MultiheadAttention and ScaledDotProductAttention.
 * @example paddingMask([3, 1], 4) // [[F, F, F, T], [F, T, T, T]]
 */
export function paddingMask(lengths: Tensor | readonly number[], maxLen: number): Tensor {
  return byLength(lengths, maxLen, 'paddingMask', false);
}

/**
 * NOT-ALLOWED mask for decoder self-attention: bool [Tq, Tk], true where key j > query i
 * (PyTorch's boolean attn_mask convention).
 * @example causalMask(3) // [[F, T, T], [F, F, T], [F, F, F]]
 */
export function causalMask(tq: number, tk = tq): Tensor {
  const data = new Uint8Array(tq * tk);
  for (let i = 0; i < tq; i++) for (let j = i + 1; j < tk; j++) data[i * tk + j] = 1;
  return tensor(data, { shape: [tq, tk], dtype: 'bool' });
}

/**
 * softmax over the last axis where `keep` is true (KEEP convention; it broadcasts against
 * scores). Excluded entries get weight exactly 0; a row with nothing kept gets all zeros,
 * never NaN (the softmax kernel's policy for an all −∞ row).
 */
export function maskedSoftmax(scores: Tensor, keep: Tensor | null): Tensor {
  return softmax(keep ? maskedFill(scores, logicalNot(keep), -Infinity) : scores, -1);
}

import { Tensor } from '../../core/tensor.js';
import {
  add, maskedFill, matmul, mul, reshape, scaledDotProductAttention, softmax,
} from '../../ops/index.js';
import { GlimpseError } from '../../util/errors.js';
import { shapeStr } from '../../util/shape.js';

// Attention masks as PyTorch's nn.MultiheadAttention takes them: a bool mask (true = excluded)
// or a float mask added to the scores (0 = allowed, −∞ = excluded, anything else biases).
// Bool masks, and float masks holding only 0 and −∞ (generateSquareSubsequentMask's), run on
// the fused attention kernel; any other float mask, and 3-D per-head masks, on the composite
// softmax(q·kᵀ·scale + M)·v.

export interface HeadMasks {
  /** [Tq, Tk] or [B·nh, Tq, Tk], bool (true = excluded) or additive float. */
  attnMask?: Tensor | null;
  /** [B, Tk], bool (true = padding, excluded) or additive float. */
  keyPaddingMask?: Tensor | null;
  /** Also exclude key j > query i. */
  causal?: boolean;
}

/**
 * Checks a mask's shape and dtype against what the caller expects, naming the caller's
 * parameter: `Transformer: tgtMask must be [5, 5] (bool, true = excluded, or additive float), got [4, 4]`.
 */
export function checkMask(owner: string, name: string, mask: Tensor | null | undefined, shapes: readonly (readonly number[])[]): void {
  if (!mask) return;
  if (!(mask instanceof Tensor)) throw new GlimpseError(`${owner}: ${name} must be a Tensor, got ${typeof mask}`);
  const expected = shapes.map((s) => shapeStr(s)).join(' or ');
  if (mask.dtype !== 'bool' && mask.dtype !== 'float32' && mask.dtype !== 'float64') {
    throw new GlimpseError(`${owner}: ${name} must be bool (true = excluded) or an additive float mask ${expected}, got ${mask.dtype} ${shapeStr(mask.shape)}`);
  }
  const fits = shapes.some((s) => s.length === mask.ndim && s.every((d, i) => d === mask.shape[i]));
  if (!fits) throw new GlimpseError(`${owner}: ${name} must be ${expected} (bool, true = excluded, or additive float), got ${shapeStr(mask.shape)}`);
}

/** A bool mask equivalent to `mask` (itself, or a float mask of only 0 and −∞), else null. */
function asBoolMask(mask: Tensor): Tensor | null {
  if (mask.dtype === 'bool') return mask;
  const d = mask.data;
  const out = new Uint8Array(d.length);
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v === -Infinity) out[i] = 1;
    else if (v !== 0) return null;
  }
  return new Tensor(out, mask.shape);
}

/** The additive form of a mask in `dtype`: 0 where allowed, −∞ where a bool mask is true. */
function additive(mask: Tensor, like: Tensor): Tensor {
  if (mask.dtype === 'bool') return maskedFill(new Tensor(like.dtype === 'float64' ? new Float64Array(mask.size) : new Float32Array(mask.size), mask.shape), mask, -Infinity);
  if (mask.dtype === like.dtype) return mask;
  return new Tensor(like.dtype === 'float64' ? Float64Array.from(mask.data) : Float32Array.from(mask.data), mask.shape);
}

/**
 * Scaled dot-product attention per head with PyTorch's masks: q [B, nh, Tq, hd], k [B, nh, Tk, hd],
 * v [B, nh, Tk, hd] → output [B, nh, Tq, hd] and weights [B, nh, Tq, Tk]. Excluded keys get
 * weight exactly 0; a query with every key excluded gets weights 0 (never NaN).
 */
export function attendHeads(q: Tensor, k: Tensor, v: Tensor, masks: HeadMasks = {}): { output: Tensor; weights: Tensor } {
  const [B, nh, Tq, hd] = q.shape as [number, number, number, number];
  const Tk = k.shape[2]!;
  const am = masks.attnMask ?? null;
  const kpm = masks.keyPaddingMask ?? null;
  const amBool = am && am.ndim === 2 ? asBoolMask(am) : null;
  const kpmBool = kpm ? asBoolMask(kpm) : null;
  if ((!am || amBool) && (!kpm || kpmBool)) {
    return scaledDotProductAttention(q, k, v, { causal: masks.causal ?? false, attnMask: amBool, keyPaddingMask: kpmBool });
  }
  let scores = matmul(mul(q, 1 / Math.sqrt(hd)), k, { transposeB: true }); // [B, nh, Tq, Tk]
  if (masks.causal) {
    const c = new Uint8Array(Tq * Tk);
    for (let i = 0; i < Tq; i++) for (let j = i + 1; j < Tk; j++) c[i * Tk + j] = 1;
    scores = add(scores, additive(new Tensor(c, [Tq, Tk]), q));
  }
  if (am) scores = add(scores, am.ndim === 3 ? reshape(additive(am, q), [B, nh, Tq, Tk]) : additive(am, q));
  if (kpm) scores = add(scores, reshape(additive(kpm, q), [B, 1, 1, Tk]));
  const weights = softmax(scores, -1);
  return { output: matmul(weights, v), weights };
}

import type { SdpaParams } from '../backend/backend.js';
import { record } from '../core/grad.js';
import type { Tensor } from '../core/tensor.js';
import { GlimpseError } from '../util/errors.js';
import { shapeStr, sizeOf } from '../util/shape.js';
import { empty, fdata, gradToAdd, kernels, requireDtype, requireFloat } from './util.js';

export interface SdpaOptions {
  /** Exclude key j > query i (decoder self-attention). */
  causal?: boolean;
  /** bool [B, Tk], true = padding (excluded), as PyTorch's key_padding_mask. */
  keyPaddingMask?: Tensor | null;
  /** bool [Tq, Tk], true = not allowed, as PyTorch's boolean attn_mask. */
  attnMask?: Tensor | null;
  /** Multiplies Q·Kᵀ; default 1/√d. */
  scale?: number;
}

/**
 * Scaled dot-product attention (Vaswani et al. 2017), fused:
 * weights = softmax(Q·Kᵀ·scale + M), output = weights·V, for q [..., Tq, d], k [..., Tk, d],
 * v [..., Tk, dv] with equal leading dims (e.g. [B, nh, T, hd]). Masked positions get weight
 * exactly 0; a query whose keys are all masked gets weights 0 and output 0 (never NaN).
 * Returns both, so the weights can be drawn.
 *
 * @example
 * const { output, weights } = scaledDotProductAttention(q, k, v, { causal: true });
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, options: SdpaOptions = {}): { output: Tensor; weights: Tensor } {
  const op = 'scaledDotProductAttention';
  for (const [name, t] of [['q', q], ['k', k], ['v', v]] as const) {
    requireFloat(t, op, name);
    if (t.ndim < 2) throw new GlimpseError(`${op}: ${name} must be [..., T, d], got ${shapeStr(t.shape)}`);
    if (t.dtype !== q.dtype) throw new GlimpseError(`${op}: ${name} is ${t.dtype} but q is ${q.dtype}`);
  }
  const lead = q.shape.slice(0, -2);
  const [tq, d] = q.shape.slice(-2) as [number, number];
  const [tk, dk] = k.shape.slice(-2) as [number, number];
  const [tv, dv] = v.shape.slice(-2) as [number, number];
  const sameLead = (t: Tensor): boolean => t.ndim === q.ndim && t.shape.slice(0, -2).every((s, i) => s === lead[i]);
  if (!sameLead(k) || !sameLead(v) || dk !== d || tv !== tk) {
    throw new GlimpseError(`${op}: shapes do not fit: q ${shapeStr(q.shape)}, k ${shapeStr(k.shape)}, v ${shapeStr(v.shape)} (expected q [..., Tq, d], k [..., Tk, d], v [..., Tk, dv])`);
  }
  const bh = sizeOf(lead);
  const heads = q.ndim >= 4 ? q.shape[q.ndim - 3]! : 1;
  const batch = heads === 0 ? 0 : bh / heads;
  const kpm = options.keyPaddingMask ?? null;
  const am = options.attnMask ?? null;
  if (kpm) {
    requireDtype(kpm, ['bool'], op, 'keyPaddingMask');
    if (kpm.ndim !== 2 || kpm.shape[0] !== batch || kpm.shape[1] !== tk) {
      throw new GlimpseError(`${op}: keyPaddingMask must be [${batch}, ${tk}] (batch, keys), got ${shapeStr(kpm.shape)}`);
    }
  }
  if (am) {
    requireDtype(am, ['bool'], op, 'attnMask');
    if (am.ndim !== 2 || am.shape[0] !== tq || am.shape[1] !== tk) {
      throw new GlimpseError(`${op}: attnMask must be [${tq}, ${tk}] (queries, keys), got ${shapeStr(am.shape)}`);
    }
  }
  const p: SdpaParams = { bh, heads, tq, tk, d, dv, scale: options.scale ?? 1 / Math.sqrt(d), causal: options.causal ?? false };
  const output = empty(q.dtype, [...lead, tq, dv]);
  const weights = empty(q.dtype, [...lead, tq, tk]);
  const kern = kernels(q.data);
  kern.sdpaForward(p, {
    q: fdata(q), k: fdata(k), v: fdata(v), keyPadding: kpm ? (kpm.data as Uint8Array) : null, attnMask: am ? (am.data as Uint8Array) : null,
    out: fdata(output), weights: fdata(weights),
  });
  record(op, [q, k, v], [output, weights], ([gOut, gW]) => {
    // The kernel accumulates: keys and values read at every decoder step sum their gradients in place.
    const gq = gradToAdd(q);
    const gk = gradToAdd(k);
    const gv = gradToAdd(v);
    const go = gOut ?? empty(q.dtype, output.shape);
    kern.sdpaBackward(p, {
      q: fdata(q), k: fdata(k), v: fdata(v), weights: fdata(weights), gOut: fdata(go), gWeights: gW ? fdata(gW) : null,
      gQ: gq && gq.data, gK: gk && gk.data, gV: gv && gv.data,
    });
    return [gq && gq.result, gk && gk.result, gv && gv.result];
  });
  return { output, weights };
}

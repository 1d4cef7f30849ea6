import { record } from '../core/grad.js';
import { Tensor } from '../core/tensor.js';
import { GlimpseError, check } from '../util/errors.js';
import { shapeStr } from '../util/shape.js';
import { empty, fdata, gradToWrite, kernels, requireDtype, requireFloat } from './util.js';

export interface CrossEntropyOptions {
  /** Targets equal to this class are ignored (no loss, no gradient). Default -100, as PyTorch. */
  ignoreIndex?: number;
  /** ε of label smoothing: the target distribution is (1-ε)·onehot + ε/V. Default 0. */
  labelSmoothing?: number;
  /** 'mean' over non-ignored targets (default), 'sum', or 'none' (per-target losses). */
  reduction?: 'mean' | 'sum' | 'none';
}

/**
 * Cross-entropy of `logits` [..., V] (classes on the last dim) against integer `target` [...]
 * (the same leading shape), fused with a stable log-softmax. Matches PyTorch's
 * F.cross_entropy for 2-D logits, ignore_index and label_smoothing included.
 *
 * @example
 * const loss = crossEntropy(logits, targets, { ignoreIndex: PAD, labelSmoothing: 0.1 });
 */
export function crossEntropy(logits: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const op = 'crossEntropy';
  const ld = requireFloat(logits, op, 'logits');
  requireDtype(target, ['int32'], op, 'target');
  const ignoreIndex = options.ignoreIndex ?? -100;
  const eps = options.labelSmoothing ?? 0;
  const reduction = options.reduction ?? 'mean';
  check(eps >= 0 && eps <= 1, `${op}: labelSmoothing must be in [0, 1], got ${eps}`);
  check(['mean', 'sum', 'none'].includes(reduction), `${op}: reduction must be 'mean', 'sum' or 'none', got '${reduction}'`);
  check(logits.ndim >= 1, `${op}: logits must have a class dim, got a scalar`);
  const V = logits.shape[logits.ndim - 1]!;
  const lead = logits.shape.slice(0, -1);
  if (target.ndim !== lead.length || target.shape.some((d, i) => d !== lead[i])) {
    throw new GlimpseError(`${op}: target shape ${shapeStr(target.shape)} must equal the logits' shape without the class dim ${shapeStr(lead)} (logits ${shapeStr(logits.shape)})`);
  }
  const rows = target.size;
  const t = target.data as Int32Array;
  let valid = 0;
  for (let i = 0; i < rows; i++) {
    const c = t[i]!;
    if (c === ignoreIndex) continue;
    if (c < 0 || c >= V) throw new GlimpseError(`${op}: target ${c} at position ${i} is out of range for ${V} classes (ignoreIndex ${ignoreIndex})`);
    valid++;
  }
  const k = kernels(ld);
  const perRow = empty(logits.dtype, lead);
  const lse = empty(logits.dtype, [rows]);
  k.crossEntropy(ld, t, rows, V, ignoreIndex, eps, fdata(perRow), fdata(lse));
  let out: Tensor;
  if (reduction === 'none') out = perRow;
  else {
    let s = 0;
    const pd = fdata(perRow);
    for (let i = 0; i < rows; i++) s += pd[i]!;
    out = empty(logits.dtype, []);
    // Mean over zero targets is 0/0 = NaN, as in PyTorch.
    fdata(out)[0] = reduction === 'sum' ? s : s / valid;
  }
  record(op, [logits], [out], ([g]) => {
    const gRow = empty(logits.dtype, [rows]);
    const gd = fdata(g!);
    const grd = fdata(gRow);
    if (reduction === 'none') grd.set(gd);
    else grd.fill(reduction === 'sum' ? gd[0]! : gd[0]! / valid);
    const gl = gradToWrite(logits)!;
    k.crossEntropyBackward(ld, fdata(lse), t, rows, V, ignoreIndex, eps, grd, gl.data);
    return [gl.result];
  });
  return out;
}

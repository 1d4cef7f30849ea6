import type { FloatArray, RnnParams, RnnWorkspace } from '../backend/backend.js';
import { record } from '../core/grad.js';
import type { Tensor } from '../core/tensor.js';
import { GlimpseError } from '../util/errors.js';
import { shapeStr } from '../util/shape.js';
import { type GradBuffer, empty, fdata, gradToAdd, gradToWrite, kernels, requireDtype, requireFloat } from './util.js';

/** Options of a fused recurrent layer. */
export interface RecurrentOptions {
  /** int32 [B]: real length of each sequence (0…T); steps past it carry the state and output 0. */
  lengths?: Tensor | null;
  /** Run t = T-1 … 0 (the backward direction of a bidirectional layer). */
  reverse?: boolean;
}

interface Checked {
  p: RnnParams;
  lengths: Int32Array | null;
}

function checkLayer(
  op: string, gates: number, x: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor | null, bHh: Tensor | null,
  states: readonly Tensor[], options: RecurrentOptions,
): Checked {
  requireFloat(x, op, 'x');
  if (x.ndim !== 3) throw new GlimpseError(`${op}: x must be time-major [T, B, I], got ${shapeStr(x.shape)}`);
  const [T, B, I] = x.shape as [number, number, number];
  if (wHh.ndim !== 2 || wHh.shape[0] !== gates * wHh.shape[1]!) {
    throw new GlimpseError(`${op}: weight_hh must be [${gates}H, H], got ${shapeStr(wHh.shape)}`);
  }
  const H = wHh.shape[1]!;
  const expect = (t: Tensor | null, shape: number[], name: string): void => {
    if (!t) return;
    if (t.dtype !== x.dtype) throw new GlimpseError(`${op}: ${name} is ${t.dtype} but x is ${x.dtype}`);
    if (t.ndim !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new GlimpseError(`${op}: ${name} must have shape ${shapeStr(shape)}, got ${shapeStr(t.shape)} (x ${shapeStr(x.shape)}, H = ${H})`);
    }
  };
  expect(wIh, [gates * H, I], 'weight_ih');
  expect(bIh, [gates * H], 'bias_ih');
  expect(bHh, [gates * H], 'bias_hh');
  states.forEach((s, i) => expect(s, [B, H], i === 0 ? 'h0' : 'c0'));
  let lengths: Int32Array | null = null;
  if (options.lengths) {
    requireDtype(options.lengths, ['int32'], op, 'lengths');
    if (options.lengths.ndim !== 1 || options.lengths.shape[0] !== B) {
      throw new GlimpseError(`${op}: lengths must have shape [${B}], got ${shapeStr(options.lengths.shape)}`);
    }
    lengths = options.lengths.data as Int32Array;
    lengths.forEach((L, b) => {
      if (L < 0 || L > T) throw new GlimpseError(`${op}: lengths[${b}] = ${L} is outside [0, ${T}]`);
    });
  }
  return { p: { T, B, I, H, reverse: options.reverse ?? false }, lengths };
}

const opt = (t: Tensor | null): FloatArray | null => (t ? fdata(t) : null);
/** Input and state gradients: the kernels write them (into the engine's sums when still empty). */
const written = (t: Tensor | null): GradBuffer | null => (t ? gradToWrite(t) : null);
/** Weight gradients: the kernels accumulate them (straight into a parameter's .grad). */
const added = (t: Tensor | null): GradBuffer | null => (t ? gradToAdd(t) : null);
const buf = (g: GradBuffer | null): FloatArray | null => (g ? g.data : null);
const res = (g: GradBuffer | null): Tensor | null => (g ? g.result : null);

function workspace(x: Tensor, p: RnnParams, withCells: boolean): RnnWorkspace {
  const n = p.T * p.B * p.H;
  return {
    gates: fdata(empty(x.dtype, [n * 4])),
    cs: fdata(empty(x.dtype, [withCells ? n : 0])),
    hs: fdata(empty(x.dtype, [n])),
  };
}

/**
 * One LSTM layer over a time-major sequence, fused (Hochreiter & Schmidhuber 1997; PyTorch
 * gate order i, f, g, o): i, f, o = σ(·), g = tanh(·), c′ = f ⊙ c + i ⊙ g, h′ = o ⊙ tanh(c′).
 * x [T, B, I], weights in PyTorch layout W_ih [4H, I], W_hh [4H, H], states [B, H].
 * Returns output [T, B, H] (0 past each length) and the final states (at each sequence's last
 * real step).
 *
 * @example const { output, h, c } = lstmLayer(x, wIh, wHh, bIh, bHh, h0, c0);
 */
export function lstmLayer(
  x: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor | null, bHh: Tensor | null, h0: Tensor, c0: Tensor,
  options: RecurrentOptions = {},
): { output: Tensor; h: Tensor; c: Tensor } {
  const op = 'lstmLayer';
  const { p, lengths } = checkLayer(op, 4, x, wIh, wHh, bIh, bHh, [h0, c0], options);
  const output = empty(x.dtype, [p.T, p.B, p.H]);
  const h = empty(x.dtype, [p.B, p.H]);
  const c = empty(x.dtype, [p.B, p.H]);
  const ws = workspace(x, p, true);
  const k = kernels(x.data);
  k.lstmForward(p, {
    x: fdata(x), wIh: fdata(wIh), wHh: fdata(wHh), bIh: opt(bIh), bHh: opt(bHh), h0: fdata(h0), c0: fdata(c0), lengths,
    out: fdata(output), hN: fdata(h), cN: fdata(c), ws,
  });
  const inputs = [x, wIh, wHh, h0, c0, ...(bIh ? [bIh] : []), ...(bHh ? [bHh] : [])];
  record(op, inputs, [output, h, c], ([gOut, gH, gC]) => {
    const [gx, gh0, gc0] = [x, h0, c0].map(written);
    const [gwIh, gwHh, gbIh, gbHh] = [wIh, wHh, bIh, bHh].map(added);
    k.lstmBackward(p, {
      x: fdata(x), wIh: fdata(wIh), wHh: fdata(wHh), h0: fdata(h0), c0: fdata(c0), lengths, ws,
      gOut: opt(gOut ?? null), gHN: opt(gH ?? null), gCN: opt(gC ?? null),
      gX: buf(gx!), gWIh: buf(gwIh!), gWHh: buf(gwHh!), gBIh: buf(gbIh!), gBHh: buf(gbHh!), gH0: buf(gh0!), gC0: buf(gc0!),
    });
    return [res(gx!), res(gwIh!), res(gwHh!), res(gh0!), res(gc0!), ...(bIh ? [res(gbIh!)] : []), ...(bHh ? [res(gbHh!)] : [])];
  });
  return { output, h, c };
}

/**
 * One GRU layer over a time-major sequence, fused (Cho et al. 2014; PyTorch gate order r, z, n):
 * r, z = σ(·), n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h′ = (1 − z) ⊙ n + z ⊙ h.
 * x [T, B, I], W_ih [3H, I], W_hh [3H, H], h0 [B, H].
 *
 * @example const { output, h } = gruLayer(x, wIh, wHh, bIh, bHh, h0, { lengths });
 */
export function gruLayer(
  x: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor | null, bHh: Tensor | null, h0: Tensor,
  options: RecurrentOptions = {},
): { output: Tensor; h: Tensor } {
  const op = 'gruLayer';
  const { p, lengths } = checkLayer(op, 3, x, wIh, wHh, bIh, bHh, [h0], options);
  const output = empty(x.dtype, [p.T, p.B, p.H]);
  const h = empty(x.dtype, [p.B, p.H]);
  const ws = workspace(x, p, false);
  const k = kernels(x.data);
  k.gruForward(p, {
    x: fdata(x), wIh: fdata(wIh), wHh: fdata(wHh), bIh: opt(bIh), bHh: opt(bHh), h0: fdata(h0), lengths,
    out: fdata(output), hN: fdata(h), ws,
  });
  const inputs = [x, wIh, wHh, h0, ...(bIh ? [bIh] : []), ...(bHh ? [bHh] : [])];
  record(op, inputs, [output, h], ([gOut, gH]) => {
    const [gx, gh0] = [x, h0].map(written);
    const [gwIh, gwHh, gbIh, gbHh] = [wIh, wHh, bIh, bHh].map(added);
    k.gruBackward(p, {
      x: fdata(x), wIh: fdata(wIh), wHh: fdata(wHh), h0: fdata(h0), lengths, ws, gOut: opt(gOut ?? null), gHN: opt(gH ?? null),
      gX: buf(gx!), gWIh: buf(gwIh!), gWHh: buf(gwHh!), gBIh: buf(gbIh!), gBHh: buf(gbHh!), gH0: buf(gh0!),
    });
    return [res(gx!), res(gwIh!), res(gwHh!), res(gh0!), ...(bIh ? [res(gbIh!)] : []), ...(bHh ? [res(gbHh!)] : [])];
  });
  return { output, h };
}

/**
 * glimpse's layers as ONNX subgraphs, reading parameters by their PyTorch state-dict names:
 * linear layers as MatMul + Add, LayerNorm, attention decomposed into MatMul / Softmax, and
 * stacked LSTM / GRU layers as ONNX's LSTM / GRU ops with the gates reordered.
 *
 * Shapes: B batch, S source length, T target length, E embedding, H hidden, V vocabulary,
 * nh heads, hd head size, D directions.
 */
import type { Tensor } from '../../core/tensor.js';
import type { StateDict } from '../../nn/index.js';
import { GlimpseError } from '../../util/errors.js';
import type { OnnxGraph } from './graph.js';

export type Params = Readonly<StateDict>;

/** A parameter by name, or an error naming it. */
export function param(params: Params, name: string): Tensor {
  const t = params[name];
  if (!t) throw new GlimpseError(`ONNX export: the model has no parameter "${name}"`);
  return t;
}

/** W [out, in] → its transpose [in, out] as a float array, for MatMul(x, Wᵀ). */
function transposed(w: Tensor): Float32Array {
  const [out, inp] = w.shape as [number, number];
  const d = w.data as Float32Array;
  const t = new Float32Array(out * inp);
  for (let o = 0; o < out; o++) for (let i = 0; i < inp; i++) t[i * out + o] = d[o * inp + i]!;
  return t;
}

/** Rows [r0, r1) of W [out, in], transposed: the weight of one of several packed projections. */
function rowsTransposed(w: Tensor, r0: number, r1: number): Float32Array {
  const inp = w.shape[1]!;
  const sub = (w.data as Float32Array).subarray(r0 * inp, r1 * inp);
  return transposed({ shape: [r1 - r0, inp], data: sub } as unknown as Tensor);
}

/** x [..., in] → x Wᵀ + b [..., out], from `prefix.weight` / `prefix.bias` (bias optional). */
export function linear(g: OnnxGraph, params: Params, x: string, prefix: string): string {
  const w = param(params, `${prefix}.weight`);
  const y = g.op('MatMul', [x, g.floats(`${prefix}.weight.T`, transposed(w), [w.shape[1]!, w.shape[0]!])]);
  const b = params[`${prefix}.bias`];
  return b ? g.op('Add', [y, g.param(`${prefix}.bias`, b)]) : y;
}

/**
 * nn.MultiheadAttention's q (0), k (1) or v (2) projection of x [..., in] → [..., E]: rows of the
 * packed `in_proj_weight` [3E, E], or `q_proj_weight` / `k_proj_weight` / `v_proj_weight` when
 * key and value sizes differ from E; bias from `in_proj_bias`.
 */
export function packedLinear(g: OnnxGraph, params: Params, x: string, prefix: string, which: 0 | 1 | 2): string {
  const letter = 'qkv'[which]!;
  const packed = params[`${prefix}.in_proj_weight`];
  const w = packed ?? param(params, `${prefix}.${letter}_proj_weight`);
  const E = packed ? w.shape[0]! / 3 : w.shape[0]!;
  const rows = packed ? rowsTransposed(w, which * E, (which + 1) * E) : transposed(w);
  const y = g.op('MatMul', [x, g.floats(`${prefix}.${letter}_proj.T`, rows, [w.shape[1]!, E])]);
  const b = params[`${prefix}.in_proj_bias`];
  if (!b) return y;
  const bias = (b.data as Float32Array).slice(which * E, (which + 1) * E);
  return g.op('Add', [y, g.floats(`${prefix}.in_proj_bias.${letter}`, bias, [E])]);
}

/** Columns [c0, c1) of W [out, in], transposed [c1 − c0, out]: part of a layer that reads a concatenation. */
export function columnsTransposed(g: OnnxGraph, params: Params, name: string, c0: number, c1: number): string {
  const w = param(params, name);
  const [out, inp] = w.shape as [number, number];
  const d = w.data as Float32Array;
  const t = new Float32Array((c1 - c0) * out);
  for (let o = 0; o < out; o++) for (let i = c0; i < c1; i++) t[(i - c0) * out + o] = d[o * inp + i]!;
  return g.floats(`${name}.cols${c0}_${c1}.T`, t, [c1 - c0, out]);
}

/** Unsqueeze / Squeeze at one axis (opset 13: axes as an input). */
export function unsqueeze(g: OnnxGraph, x: string, axis: number): string {
  return g.op('Unsqueeze', [x, g.ints('axes', [axis])]);
}
export function squeeze(g: OnnxGraph, x: string, axis: number): string {
  return g.op('Squeeze', [x, g.ints('axes', [axis])]);
}

/** LayerNormalization over the last axis with `prefix.weight` / `prefix.bias`. */
export function layerNorm(g: OnnxGraph, params: Params, x: string, prefix: string, eps: number): string {
  const w = param(params, `${prefix}.weight`);
  const b = params[`${prefix}.bias`];
  const bias = b ? g.param(`${prefix}.bias`, b) : g.floats(`${prefix}.bias.zero`, new Float32Array(w.size), w.shape);
  return g.op('LayerNormalization', [x, g.param(`${prefix}.weight`, w), bias], { axis: { i: -1 }, epsilon: { f: eps } });
}

/** Exact GELU, 0.5 x (1 + erf(x / √2)), as PyTorch's default. */
export function gelu(g: OnnxGraph, x: string): string {
  const erf = g.op('Erf', [g.op('Mul', [x, g.scalar('inv_sqrt2', Math.SQRT1_2)])]);
  return g.op('Mul', [g.op('Mul', [x, g.scalar('half', 0.5)]), g.op('Add', [erf, g.scalar('one', 1)])]);
}

/** A lower-triangular bool mask like the last two axes of scores [..., T, T] (true = may attend). */
export function causalKeep(g: OnnxGraph, scores: string): string {
  const ones = g.op('ConstantOfShape', [g.op('Shape', [scores])], { value: { t: { name: 'one', dtype: 'float', dims: [1], raw: new Uint8Array(Float32Array.of(1).buffer) } } });
  return g.op('Cast', [g.op('Trilu', [ones], { upper: { i: 0 } })], { to: { i: 9 } });
}

/**
 * softmax(q kᵀ · scale (+ mask)) v over the last two axes: q [..., Tq, d], k and v [..., Tk, d].
 * `keep` (bool, broadcast to the scores; true = may attend) masks with −∞ before the softmax.
 * `rank` is the number of axes of q, k and v. Returns the context [..., Tq, d] and the weights [..., Tq, Tk].
 */
export function attention(g: OnnxGraph, q: string, k: string, v: string, rank: number, scale: number, keep: 'causal' | string | null): { context: string; weights: string } {
  const kt = g.op('Transpose', [k], { perm: { ints: swapLastTwo(rank) } });
  let scores = g.op('Mul', [g.op('MatMul', [q, kt]), g.scalar('scale', scale)]);
  if (keep) {
    const mask = keep === 'causal' ? causalKeep(g, scores) : keep;
    scores = g.op('Where', [mask, scores, g.scalar('neg_inf', -Infinity)]);
  }
  const weights = g.op('Softmax', [scores], { axis: { i: -1 } });
  return { context: g.op('MatMul', [weights, v]), weights };
}

/** The permutation that swaps the last two of `rank` axes. */
function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1]!, perm[rank - 2]!];
  return perm;
}

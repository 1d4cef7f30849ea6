/**
 * A stacked (optionally bidirectional) PyTorch LSTM / GRU as one ONNX LSTM / GRU node per layer.
 *
 * PyTorch packs the gates of `weight_ih_lN` as i, f, g, o (LSTM) and r, z, n (GRU); ONNX wants
 * i, o, f, c and z, r, h, so the gate blocks are reordered. PyTorch's GRU applies the reset gate
 * after the recurrent matrix product, r ⊙ (W_hn h + b_hn): ONNX's `linear_before_reset = 1`.
 * Per-layer weights become W [D, G·H, in], R [D, G·H, H] and B [D, 2·G·H] (b_ih then b_hh).
 */
import type { RecurrentKindName } from '../../models/index.js';
import type { OnnxGraph } from './graph.js';
import { type Params, param } from './layers.js';

interface CellRule {
  readonly op: 'LSTM' | 'GRU';
  /** ONNX gate g takes PyTorch's gate order[g]. */
  readonly order: readonly number[];
  readonly attributes: Readonly<Record<string, { i: number }>>;
  readonly hasCell: boolean;
}

export const CELL_RULES: { readonly [K in RecurrentKindName]: CellRule } = {
  lstm: { op: 'LSTM', order: [0, 3, 1, 2], attributes: {}, hasCell: true },
  gru: { op: 'GRU', order: [1, 0, 2], attributes: { linear_before_reset: { i: 1 } }, hasCell: false },
};

/** Gate blocks of a packed [G·H, cols] (or [G·H]) array in ONNX's order. */
function reorder(data: Float32Array, order: readonly number[], H: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  const block = H * cols;
  order.forEach((from, to) => out.set(data.subarray(from * block, (from + 1) * block), to * block));
  return out;
}

function concatArrays(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface RecurrentSpec {
  cell: RecurrentKindName;
  /** The module's prefix in the state dict (`rnn`, `encoder.rnn`). */
  prefix: string;
  numLayers: number;
  hiddenSize: number;
  bidirectional: boolean;
}

export interface RecurrentOutput {
  /** [T, B, D·H] */
  y: string;
  /** [numLayers·D, B, H], layer-major then direction (PyTorch's h_n). */
  h: string;
  /** As h, LSTM only. */
  c: string | null;
}

/**
 * Runs x [T, B, in] through the stack from an initial state h0 (and c0) [numLayers·D, B, H]
 * (empty names: zeros); `lengths` int32 [B] (or "") gives each sequence's real length.
 */
export function recurrentStack(g: OnnxGraph, params: Params, spec: RecurrentSpec, x: string, h0: string, c0: string, lengths = ''): RecurrentOutput {
  const rule = CELL_RULES[spec.cell];
  const H = spec.hiddenSize;
  const D = spec.bidirectional ? 2 : 1;
  const G = rule.order.length;
  const hs: string[] = [];
  const cs: string[] = [];
  let input = x;
  for (let l = 0; l < spec.numLayers; l++) {
    const dirs = Array.from({ length: D }, (_, d) => `_l${l}${d === 1 ? '_reverse' : ''}`);
    const ih = dirs.map((s) => param(params, `${spec.prefix}.weight_ih${s}`));
    const inSize = ih[0]!.shape[1]!;
    const W = g.floats(`${spec.prefix}.W_l${l}`, concatArrays(ih.map((t) => reorder(t.data as Float32Array, rule.order, H, inSize))), [D, G * H, inSize]);
    const R = g.floats(`${spec.prefix}.R_l${l}`, concatArrays(dirs.map((s) => reorder(param(params, `${spec.prefix}.weight_hh${s}`).data as Float32Array, rule.order, H, H))), [D, G * H, H]);
    const hasBias = params[`${spec.prefix}.bias_ih${dirs[0]}`] !== undefined;
    const B = hasBias
      ? g.floats(`${spec.prefix}.B_l${l}`, concatArrays(dirs.flatMap((s) => [
        reorder(param(params, `${spec.prefix}.bias_ih${s}`).data as Float32Array, rule.order, H, 1),
        reorder(param(params, `${spec.prefix}.bias_hh${s}`).data as Float32Array, rule.order, H, 1),
      ])), [D, 2 * G * H])
      : '';
    const range = (s: string): string => (s ? g.op('Slice', [s, g.ints('start', [l * D]), g.ints('end', [(l + 1) * D]), g.ints('axes', [0])]) : '');
    const inputs = [input, W, R, B, lengths, range(h0)];
    if (rule.hasCell) inputs.push(range(c0));
    while (inputs[inputs.length - 1] === '') inputs.pop();
    const [y, yh, yc] = g.opN(rule.op, inputs, rule.hasCell ? 3 : 2, {
      hidden_size: { i: H }, direction: { s: D === 2 ? 'bidirectional' : 'forward' }, ...rule.attributes,
    });
    // Y [T, D, B, H] → [T, B, D·H] (forward features first, as PyTorch concatenates them)
    const tb = g.op('Transpose', [y!], { perm: { ints: [0, 2, 1, 3] } });
    input = g.op('Reshape', [tb, g.ints('shape', [0, 0, D * H])]);
    hs.push(yh!);
    if (yc) cs.push(yc);
  }
  const join = (parts: string[]): string => (parts.length === 1 ? parts[0]! : g.op('Concat', parts, { axis: { i: 0 } }));
  return { y: input, h: join(hs), c: rule.hasCell ? join(cs) : null };
}

/**
 * One step of a PyTorch LSTMCell / GRUCell (`prefix.weight_ih`, …): x [n, in] from h (and c)
 * [n, H] → the new h and c [n, H], as a one-step ONNX LSTM / GRU.
 */
export function cellStep(g: OnnxGraph, params: Params, cell: RecurrentKindName, prefix: string, H: number, x: string, h: string, c: string): { h: string; c: string | null } {
  const rule = CELL_RULES[cell];
  const G = rule.order.length;
  const ih = param(params, `${prefix}.weight_ih`);
  const inSize = ih.shape[1]!;
  const W = g.floats(`${prefix}.W`, reorder(ih.data as Float32Array, rule.order, H, inSize), [1, G * H, inSize]);
  const R = g.floats(`${prefix}.R`, reorder(param(params, `${prefix}.weight_hh`).data as Float32Array, rule.order, H, H), [1, G * H, H]);
  const bih = params[`${prefix}.bias_ih`];
  const B = bih
    ? g.floats(`${prefix}.B`, concatArrays([
      reorder(bih.data as Float32Array, rule.order, H, 1), reorder(param(params, `${prefix}.bias_hh`).data as Float32Array, rule.order, H, 1),
    ]), [1, 2 * G * H])
    : '';
  const one = (t: string): string => g.op('Unsqueeze', [t, g.ints('axes', [0])]);
  const inputs = [one(x), W, R, B, '', one(h)];
  if (rule.hasCell) inputs.push(one(c));
  const [, yh, yc] = g.opN(rule.op, inputs, rule.hasCell ? 3 : 2, { hidden_size: { i: H }, ...rule.attributes });
  const drop = (t: string): string => g.op('Squeeze', [t, g.ints('axes', [0])]);
  return { h: drop(yh!), c: yc ? drop(yc) : null };
}

/**
 * The seq2seq attention kinds as ONNX subgraphs, one row per kind (a typed table keyed by
 * `AttentionKind`, so a new kind without its export does not compile). Each row says what the
 * encoder graph precomputes from the memory (`keys`) and how one decoder step scores a query.
 *
 * Shapes: n rows, S source length, M encoder state size, D decoder state size, A scorer size.
 */
import type { AttentionKind } from '../../models/index.js';
import { GlimpseError } from '../../util/errors.js';
import type { OnnxGraph } from './graph.js';
import { type Params, columnsTransposed, linear, packedLinear, param, squeeze, unsqueeze } from './layers.js';

export interface SourceAttentionExport {
  /** The precomputed key term from memory [B, S, M] (null: the memory itself, or no attention). */
  keys(g: OnnxGraph, params: Params, memory: string, queryDim: number): string | null;
  /**
   * One step: query q [n, D] over memory [n, S, M] with keys (as `keys` made them, else the
   * memory) and keep bool [n, S] (true = real token) → context [n, C] and weights [n, S]; null
   * for no attention.
   */
  attend(g: OnnxGraph, params: Params, q: string, memory: string, keys: string, keep: string, dims: { D: number; heads: number }): { context: string; weights: string } | null;
}

/**
 * Luong's local attention needs the decoder step t (and, for local-p, its predicted position) as
 * an input of the step graph, which its interface does not carry yet: such a run is refused before
 * anything is written.
 */
function notYet(kind: AttentionKind): SourceAttentionExport {
  const refuse = (): never => {
    throw new GlimpseError(`ONNX export of ${kind} attention is not written yet: the decoder-step graph has no step input; export a run with bahdanau, luong-dot, luong-general, luong-concat, multi-head or no attention`);
  };
  return { keys: refuse, attend: refuse };
}

/** Masked softmax of scores [n, 1, S] and the weighted sum of the memory: context [n, M], weights [n, S]. */
function weigh(g: OnnxGraph, scores: string, memory: string, keep: string): { context: string; weights: string } {
  const masked = g.op('Where', [unsqueeze(g, keep, 1), scores, g.scalar('neg_inf', -Infinity)]);
  const w = g.op('Softmax', [masked], { axis: { i: -1 } }); // [n, 1, S]
  return { context: squeeze(g, g.op('MatMul', [w, memory]), 1), weights: squeeze(g, w, 1) };
}

/** vᵀ tanh(keys + query term): keys [n, S, A], qTerm [n, A] → scores [n, 1, S]. */
function additiveScores(g: OnnxGraph, params: Params, keys: string, qTerm: string, v: string): string {
  const e = g.op('Tanh', [g.op('Add', [keys, unsqueeze(g, qTerm, 1)])]); // [n, S, A]
  return g.op('Transpose', [linear(g, params, e, v)], { perm: { ints: [0, 2, 1] } });
}

/** q [n, D] · keys [n, S, D]ᵀ → [n, 1, S] */
function dotScores(g: OnnxGraph, q: string, keys: string): string {
  return g.op('MatMul', [unsqueeze(g, q, 1), g.op('Transpose', [keys], { perm: { ints: [0, 2, 1] } })]);
}

export const SOURCE_ATTENTION_EXPORTS: { readonly [K in AttentionKind]: SourceAttentionExport } = {
  none: { keys: () => null, attend: () => null },
  bahdanau: {
    keys: (g, params, memory) => linear(g, params, memory, 'attn.W_k'),
    attend: (g, params, q, memory, keys, keep) => weigh(g, additiveScores(g, params, keys, linear(g, params, q, 'attn.W_q'), 'attn.v'), memory, keep),
  },
  'luong-dot': {
    keys: () => null,
    attend: (g, _params, q, memory, _keys, keep) => weigh(g, dotScores(g, q, memory), memory, keep),
  },
  'luong-general': {
    keys: () => null,
    // W.weight [Dq, Dk]: the query projected as q W
    attend: (g, params, q, memory, _keys, keep) => {
      const w = param(params, 'attn.W.weight');
      const pq = g.op('MatMul', [q, g.param('attn.W.weight', w)]);
      return weigh(g, dotScores(g, pq, memory), memory, keep);
    },
  },
  'luong-concat': {
    // W.weight [A, Dq + Dk]: its last Dk columns act on the keys, its first Dq on the query.
    keys: (g, params, memory, queryDim) => {
      const w = param(params, 'attn.W.weight');
      return g.op('MatMul', [memory, columnsTransposed(g, params, 'attn.W.weight', queryDim, w.shape[1]!)]);
    },
    attend: (g, params, q, memory, keys, keep, dims) => {
      const qTerm = g.op('MatMul', [q, columnsTransposed(g, params, 'attn.W.weight', 0, dims.D)]);
      return weigh(g, additiveScores(g, params, keys, qTerm, 'attn.v'), memory, keep);
    },
  },
  'multi-head': {
    // The key and value projections [n, S, 2D], computed once per source.
    keys: (g, params, memory) => g.op('Concat', [packedLinear(g, params, memory, 'attn', 1), packedLinear(g, params, memory, 'attn', 2)], { axis: { i: -1 } }),
    attend: (g, params, q, _memory, keys, keep, { D, heads }) => {
      const hd = D / heads;
      const split = (t: string): string => g.op('Transpose', [g.op('Reshape', [t, g.ints('shape', [0, -1, heads, hd])])], { perm: { ints: [0, 2, 1, 3] } });
      const k = split(g.op('Slice', [keys, g.ints('start', [0]), g.ints('end', [D]), g.ints('axes', [2])])); // [n, nh, S, hd]
      const v = split(g.op('Slice', [keys, g.ints('start', [D]), g.ints('end', [2 * D]), g.ints('axes', [2])]));
      const qh = split(unsqueeze(g, packedLinear(g, params, q, 'attn', 0), 1)); // [n, nh, 1, hd]
      const scores = g.op('Mul', [g.op('MatMul', [qh, g.op('Transpose', [k], { perm: { ints: [0, 1, 3, 2] } })]), g.scalar('scale', 1 / Math.sqrt(hd))]);
      const keep4 = unsqueeze(g, unsqueeze(g, keep, 1), 1); // [n, 1, 1, S]
      const w = g.op('Softmax', [g.op('Where', [keep4, scores, g.scalar('neg_inf', -Infinity)])], { axis: { i: -1 } }); // [n, nh, 1, S]
      const merged = g.op('Reshape', [g.op('MatMul', [w, v]), g.ints('shape', [0, D])]); // [n, nh, 1, hd] → [n, D]
      return { context: linear(g, params, merged, 'attn.out_proj'), weights: squeeze(g, g.op('ReduceMean', [w], { axes: { ints: [1] }, keepdims: { i: 0 } }), 1) };
    },
  },
  'local-m': notYet('local-m'),
  'local-p': notYet('local-p'),
};

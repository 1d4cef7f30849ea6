/**
 * The parts of the recurrent seq2seq model that vary by a config key, as typed tables like the
 * model's own: the bridge (`BridgeKind`) that makes the decoder's first state, and the decoder
 * flow (`DecoderFlowName`) that places the attention before or after the cell.
 *
 * Shapes: B batch, n rows, M encoder state size, D decoder state size, E embedding.
 */
import type { BridgeKind, DecoderFlowName, RecurrentKindName } from '../../models/index.js';
import type { OnnxGraph } from './graph.js';
import { type Params, linear } from './layers.js';
import { cellStep } from './recurrent.js';

/** s_0 [B, D] from last = [h_fwd_last; h_bwd_first] [B, M]; `zeros` is a [B, D] zero tensor. */
export const BRIDGE_EXPORTS: { readonly [K in BridgeKind]: (g: OnnxGraph, params: Params, last: string, zeros: string) => string } = {
  'tanh-linear': (g, params, last) => g.op('Tanh', [linear(g, params, last, 'bridge')]),
  concat: (_g, _params, last) => last,
  zeros: (_g, _params, _last, zeros) => zeros,
};

/** What one decoder step reads. */
export interface StepInputs {
  cell: RecurrentKindName;
  D: number;
  heads: number;
  /** e [n, E]: the previous token's embedding. */
  e: string;
  h: string;
  /** LSTM: c [n, D]; else "". */
  c: string;
  /** Input feeding: h̃_{t−1} [n, D]; else "". */
  feed: string;
  /** The attention of one query q [n, D] → context [n, C] and weights [n, S] (null: none). */
  attend: (q: string) => { context: string; weights: string } | null;
}

export interface StepOutputs {
  /** [n, F] inputs of the output layer. */
  features: string;
  h: string;
  c: string | null;
  /** h̃_t for input feeding, else null. */
  feed: string | null;
  weights: string | null;
}

const cat = (g: OnnxGraph, parts: string[]): string => g.op('Concat', parts, { axis: { i: -1 } });

/** One decoder step per flow, as `decoder-flows.ts` computes it. */
export const FLOW_EXPORTS: { readonly [F in DecoderFlowName]: (g: OnnxGraph, params: Params, s: StepInputs) => StepOutputs } = {
  'before-cell': (g, params, s) => {
    const a = s.attend(s.h)!; // query s_{t−1}
    const r = cellStep(g, params, s.cell, 'decoder', s.D, cat(g, [s.e, a.context]), s.h, s.c);
    return { features: cat(g, [r.h, a.context, s.e]), h: r.h, c: r.c, feed: null, weights: a.weights };
  },
  'after-cell': (g, params, s) => {
    const r = cellStep(g, params, s.cell, 'decoder', s.D, s.feed ? cat(g, [s.e, s.feed]) : s.e, s.h, s.c);
    const a = s.attend(r.h)!; // query h_t
    const ht = g.op('Tanh', [linear(g, params, cat(g, [a.context, r.h]), 'W_c')]);
    return { features: ht, h: r.h, c: r.c, feed: s.feed ? ht : null, weights: a.weights };
  },
  none: (g, params, s) => {
    const r = cellStep(g, params, s.cell, 'decoder', s.D, s.e, s.h, s.c);
    return { features: r.h, h: r.h, c: r.c, feed: null, weights: null };
  },
};

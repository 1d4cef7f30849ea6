/**
 * How a seq2seq decoder step uses its attention, as a table keyed by where the query is taken
 * (see {@link DecoderFlowName}); each attention kind names its flow, so `Seq2Seq.step` has one
 * path: `FLOWS[rule.flow].step(…)`.
 */
import { zeros } from '../core/create.js';
import type { Tensor } from '../core/tensor.js';
import type { AttentionOutput, GRUCell, LSTMCell, Linear, RecurrentState, SourceAttender } from '../nn/index.js';
import { concat, tanh, transpose, unsqueeze } from '../ops/index.js';
import { GlimpseError } from '../util/errors.js';
import type { DecoderFlowName } from './attention-kinds/index.js';

/** The encoder's output, everything a decoder step needs. */
export interface Encoded {
  /** [B, S, M] encoder states (M = encoderHidden · directions), 0 past each length. */
  memory: Tensor;
  /** The attention's precomputed key term (from projectKeys), or null without attention. */
  keys: Tensor | null;
  /** bool [B, S], true = real source token. */
  mask: Tensor;
  /** Initial decoder state [B, D]. */
  state: RecurrentState;
}

/** Decoder state between steps (batch of n rows). */
export interface DecoderState {
  enc: Encoded;
  rnn: RecurrentState;
  /** h̃_{t−1} for input feeding [n, D], else null. */
  feed: Tensor | null;
  /** t: the target position of the next step (steps taken so far), for local attention. */
  t: number;
}

/** The decoder's modules, as the flows use them. */
export interface DecoderParts {
  readonly cell: GRUCell | LSTMCell;
  readonly attn: SourceAttender | null;
  /** Luong's combination h̃ = tanh(W_c[c; h]): Linear(C + D → D), or null. */
  readonly W_c: Linear | null;
  readonly inputFeeding: boolean;
}

export interface StepResult {
  /** [n, F] inputs of the output layer. */
  features: Tensor;
  state: DecoderState;
  /** [n, S] attention weights (mean over heads), or null without attention. */
  weights: Tensor | null;
  /** Multi-head attention: [n, nh, S]. */
  headWeights?: Tensor;
}

/** Sizes a flow derives its layers from. */
interface FlowDims {
  /** E: embedding size. */
  E: number;
  /** C: context size. */
  C: number;
  /** D: decoder state size. */
  D: number;
  inputFeeding: boolean;
}

export interface DecoderFlow {
  /** Input size of the decoder cell. */
  cellInputSize(d: FlowDims): number;
  /** Input size of the output layer. */
  featureSize(d: FlowDims): number;
  /** Whether the flow combines context and state with W_c (size C + D → D). */
  readonly combines: boolean;
  /** Whether Luong's input feeding applies. */
  readonly feeds: boolean;
  /** One step from the (dropped-out) embedding e [n, E] of the previous token. */
  step(parts: DecoderParts, e: Tensor, s: DecoderState): StepResult;
  /**
   * Every teacher-forced step at once (emb [B, T, E]) when no step's cell input depends on the
   * previous step's attention; null otherwise (the caller then loops over `step`).
   */
  parallel(parts: DecoderParts, emb: Tensor, enc: Encoded): { features: Tensor; attention: Tensor | null; headWeights?: Tensor } | null;
}

/** One cell step: x [n, in] from a state [n, D], through the cell's own fused forward. */
function cellStep(parts: DecoderParts, x: Tensor, state: RecurrentState): RecurrentState {
  return parts.cell.forwardSequence(unsqueeze(x, 0), state).state;
}

/** Attention of query [n, D] (step t) or [B, T, D] (steps t, t + 1, …). */
function attend(parts: DecoderParts, query: Tensor, enc: Encoded, t: number): AttentionOutput {
  if (!parts.attn) throw new GlimpseError('Seq2Seq: this decoder flow needs an attention module');
  return parts.attn.attend(query, enc.memory, { mask: enc.mask, keys: enc.keys, position: t });
}

const beforeCell: DecoderFlow = {
  cellInputSize: (d) => d.E + d.C,
  featureSize: (d) => d.D + d.C + d.E,
  combines: false,
  feeds: false,
  step(parts, e, s) {
    const a = attend(parts, s.rnn.h, s.enc, s.t); // query s_{t−1}
    const rnn = cellStep(parts, concat([e, a.context], -1), s.rnn);
    return { features: concat([rnn.h, a.context, e], -1), state: { ...s, rnn, t: s.t + 1 }, weights: a.weights, ...heads(a) };
  },
  parallel: () => null,
};

const afterCell: DecoderFlow = {
  cellInputSize: (d) => (d.inputFeeding ? d.E + d.D : d.E),
  featureSize: (d) => d.D,
  combines: true,
  feeds: true,
  step(parts, e, s) {
    const input = parts.inputFeeding ? concat([e, s.feed ?? zeros([e.shape[0]!, s.rnn.h.shape[1]!], { dtype: e.dtype })], -1) : e;
    const rnn = cellStep(parts, input, s.rnn);
    const a = attend(parts, rnn.h, s.enc, s.t); // query h_t
    const ht = tanh(parts.W_c!.forward(concat([a.context, rnn.h], -1)));
    return { features: ht, state: { ...s, rnn, feed: parts.inputFeeding ? ht : null, t: s.t + 1 }, weights: a.weights, ...heads(a) };
  },
  parallel(parts, emb, enc) {
    if (parts.inputFeeding) return null;
    const h = transpose(parts.cell.forwardSequence(transpose(emb, 0, 1), enc.state).output, 0, 1); // [B, T, D]
    const a = attend(parts, h, enc, 0); // row t of h is step t
    return { features: tanh(parts.W_c!.forward(concat([a.context, h], -1))), attention: a.weights, ...heads(a) };
  },
};

const plain: DecoderFlow = {
  cellInputSize: (d) => d.E,
  featureSize: (d) => d.D,
  combines: false,
  feeds: false,
  step(parts, e, s) {
    const rnn = cellStep(parts, e, s.rnn);
    return { features: rnn.h, state: { ...s, rnn, t: s.t + 1 }, weights: null };
  },
  parallel(parts, emb, enc) {
    const h = transpose(parts.cell.forwardSequence(transpose(emb, 0, 1), enc.state).output, 0, 1); // [B, T, D]
    return { features: h, attention: null };
  },
};

function heads(a: AttentionOutput): { headWeights?: Tensor } {
  return a.headWeights ? { headWeights: a.headWeights } : {};
}

export const DECODER_FLOWS: { readonly [F in DecoderFlowName]: DecoderFlow } = {
  'before-cell': beforeCell,
  'after-cell': afterCell,
  none: plain,
};

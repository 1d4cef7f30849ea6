import type { InitOptions, SourceAttender } from '../../nn/index.js';

/**
 * Where a decoder takes its attention query and what it does with the context (the decoder
 * flows of `../decoder-flows.ts`):
 * - `before-cell` (Bahdanau et al. 2015): the query is the previous state s_{t−1}; the cell reads
 *   [e_t; c_t]; the output layer reads [s_t; c_t; e_t].
 * - `after-cell` (Luong et al. 2015): the cell runs first; the query is the new state h_t;
 *   h̃_t = tanh(W_c[c_t; h_t]) feeds the output layer (and, with input feeding, the next step).
 * - `none`: no attention; the decoder state feeds the output layer.
 */
export type DecoderFlowName = 'before-cell' | 'after-cell' | 'none';

/** Sizes an attention kind is built for. */
export interface AttentionDims {
  /** D: decoder state size (the query). */
  D: number;
  /** M: encoder state size (the memory: keys and values). */
  M: number;
  /** A: hidden size of an additive / concat scorer. */
  attentionSize: number;
  /** Learn the bias of the additive scorer's key projection. */
  attentionBias: boolean;
  /** nh: heads of multi-head attention. */
  heads: number;
  /** D: half-width of a local attention's window [p_t − D, p_t + D]. */
  attentionWindow: number;
}

/** The settings of the seq2seq config that only some attention kinds use. */
export type AttentionOption = 'heads' | 'attentionSize' | 'attentionBias' | 'attentionWindow';

/** Everything a seq2seq decoder needs to know about one kind of attention. */
export interface AttentionRule {
  /** One line for help texts and the web page. */
  readonly summary: string;
  /** The settings it uses (a flag setting another is refused for this kind). */
  readonly options: readonly AttentionOption[];
  /** Where the query is taken and how the context is used. */
  readonly flow: DecoderFlowName;
  /** The attention module for these sizes (null: no attention). */
  build(dims: AttentionDims, init: InitOptions): SourceAttender | null;
  /** Size of the context vector c_t. */
  contextSize(dims: AttentionDims): number;
  /** What is wrong with these sizes for this kind, or null. */
  check?(dims: AttentionDims): string | null;
}

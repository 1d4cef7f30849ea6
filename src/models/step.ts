/**
 * The small interface every decoder drives (greedy, sampling, beam search in `decode/`). A
 * model adapts itself to it (no type checks on models): given the previous token of each row
 * it returns log-probabilities of the next one. States are opaque values owned by the model;
 * decoders only pass them back and ask the model to select rows (beam search). It lives here,
 * below the decoders, so models never import `decode/`. Shapes: n rows, V vocabulary.
 */
export interface StepModel<S> {
  /** Vocabulary size V. */
  readonly vocabSize: number;
  /**
   * One decoding step for n rows: `prevTokens` [n] → log-probabilities [n·V] (row-major),
   * the next state, and optionally each row's attention weights over the source / context
   * (row i is `attention[i]`, a plain array).
   */
  step(state: S, prevTokens: Int32Array): StepOutput<S>;
  /** A state made of the given rows of `state` (rows may repeat), for beam search. */
  select(state: S, rows: Int32Array): S;
}

export interface StepOutput<S> {
  logProbs: Float32Array;
  state: S;
  /** Row i's attention weights over the source (or its context), one number per position. */
  attention?: number[][];
  /**
   * Optional, for pictures of every head: the weights of each layer and head behind
   * `attention` (which a multi-layer, multi-head model reports as one summary, e.g. its last
   * layer's cross-attention averaged over heads). Decoders pass it through untouched.
   */
  attentionMaps?: StepAttentionMaps;
  /**
   * For an ensemble of step models: each member's own `attention` (row i is
   * `memberAttention[m][i]`; undefined for a member that reports none), beside the averaged
   * `attention`.
   */
  memberAttention?: readonly (number[][] | undefined)[];
}

/**
 * Every layer's and head's attention weights of one step, row by row like `attention`:
 * `self[i][l][h]` holds row i's weights in layer l, head h over the positions decoded so far
 * (this step's included); `cross[i][l][h]` over the source (encoder–decoder models only).
 */
export interface StepAttentionMaps {
  self: number[][][][];
  cross?: number[][][][];
}

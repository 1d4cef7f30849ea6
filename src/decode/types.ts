import type { ProcessorOptions } from './processors/index.js';

export type { StepModel, StepOutput, StepAttentionMaps } from '../models/step.js';

/** One decoded sequence. */
export interface Hypothesis {
  /** Generated token ids, without the start token and without the end token. */
  tokens: number[];
  /** Whether it ended with the end token (else it hit the length limit). */
  finished: boolean;
  /** Σ log p of the generated tokens (the end token included when finished). */
  logProb: number;
  /** The score used to rank it (beam search: length-normalised log-probability). */
  score: number;
  /** Per generated step, the attention weights of that step (when the model reports them). */
  attention?: number[][];
  /** An ensemble's members' own attention: `memberAttention[m]` is member m's rows, step by step. */
  memberAttention?: number[][][];
}

/**
 * What every decoder takes: where to start and stop, and the processors (repetition penalty,
 * n-gram blocking, minimum length, lexical constraints, forced prefix; see `processors/`).
 */
export interface DecodeOptions extends ProcessorOptions {
  /** Token fed at the first step (e.g. `<bos>`), one per row or one for all. */
  start: number | Int32Array;
  /** End token (`<eos>`); null to always generate `maxTokens`. */
  end: number | null;
  /** Upper bound on generated tokens (the end token counts). */
  maxTokens: number;
  /** Keep per-step attention weights in the result. */
  withAttention?: boolean;
}

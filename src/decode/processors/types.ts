import type { ConstraintSet, ConstraintState } from '../constraints.js';

/**
 * What a decoder may ask of the search besides the model's probabilities. Each key is one
 * processor (one file in this folder, one row of `PROCESSORS`); all are optional and the
 * defaults leave decoding unchanged.
 */
export interface ProcessorOptions {
  /** CTRL repetition penalty θ (Keskar et al. 2019): a token already generated has its score divided by θ (positive) or multiplied by θ (negative). 1 = off. */
  repetitionPenalty?: number;
  /** Never generate an n-gram of this size twice (fairseq's `--no-repeat-ngram-size`). 0 = off. */
  noRepeatNgram?: number;
  /** The end token is masked until the output has this many tokens. 0 = off. */
  minLength?: number;
  /** Tokens every output must contain, each sequence contiguously (lexical constraints). */
  constraints?: readonly (readonly number[])[];
  /** Tokens every output starts with (a forced target prefix). */
  prefix?: readonly number[];
}

export type ProcessorKind = keyof ProcessorOptions;

/** What a processor sees of one hypothesis: its tokens so far and its constraint progress. */
export interface HypothesisView {
  /** Generated tokens so far (the start token excluded); the next one is number `tokens.length`. */
  readonly tokens: readonly number[];
  /** Progress through the lexical constraints, or null without constraints. */
  readonly constraints: ConstraintState | null;
}

/** The decode a processor is built for. */
export interface ProcessorContext {
  readonly vocabSize: number;
  readonly end: number | null;
  readonly maxTokens: number;
  /** The lexical constraints, parsed once (null without). */
  readonly constraints: ConstraintSet | null;
}

/**
 * Adjusts the scores [V] of one hypothesis's next token in place. `raw` holds the model's own
 * log-probabilities for reference. A soft processor (penalties, blocking) gives way when its
 * adjustments would leave no token; a hard one (minimum length, prefix, constraints) always
 * holds: its guarantees are the invariants the tests check.
 */
export interface Processor {
  readonly hard: boolean;
  apply(scores: Float32Array, raw: Float32Array, view: HypothesisView): void;
}

export interface ProcessorRule<K extends ProcessorKind> {
  /**
   * Checks the option (one clear line when it is out of range) and builds the processor, or
   * null when this value changes nothing (a minimum length of 0, a penalty of 1…).
   */
  build(value: NonNullable<ProcessorOptions[K]>, ctx: ProcessorContext): Processor | null;
}

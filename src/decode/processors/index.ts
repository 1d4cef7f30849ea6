import { constraints } from './constraints.js';
import { minLength } from './min-length.js';
import { noRepeatNgram } from './no-repeat-ngram.js';
import { prefix } from './prefix.js';
import { repetitionPenalty } from './repetition-penalty.js';
import type { ProcessorKind, ProcessorRule } from './types.js';

/**
 * Every processor, in the order they apply: soft adjustments first, then the hard masks, so a
 * forced token keeps its own score and a mask is never undone.
 */
export const PROCESSORS: { readonly [K in ProcessorKind]: ProcessorRule<K> } = {
  repetitionPenalty,
  noRepeatNgram,
  minLength,
  constraints,
  prefix,
};

export const PROCESSOR_KINDS = Object.keys(PROCESSORS) as ProcessorKind[];

export { MAX_NGRAM } from './no-repeat-ngram.js';
export type { Processor, ProcessorContext, ProcessorKind, ProcessorOptions, ProcessorRule, HypothesisView } from './types.js';

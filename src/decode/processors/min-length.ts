import { check } from '../../util/errors.js';
import type { ProcessorRule } from './types.js';

/** A minimum output length: the end token is masked while the output is shorter. */
export const minLength: ProcessorRule<'minLength'> = {
  build(min, { end, maxTokens }) {
    check(Number.isInteger(min) && min >= 0, `minimum length must be a non-negative integer, got ${min}`);
    check(min < maxTokens, `minimum length ${min} leaves no room for the end token within ${maxTokens} tokens; it must be below the maximum`);
    if (min === 0 || end === null) return null;
    return {
      hard: true,
      apply(scores, _raw, { tokens }) {
        if (tokens.length < min) scores[end] = -Infinity;
      },
    };
  },
};

import { check } from '../../util/errors.js';
import type { ProcessorRule } from './types.js';

/**
 * CTRL's repetition penalty (Keskar et al. 2019, §4.1): the score x of a token the hypothesis
 * already generated becomes x/θ when positive and x·θ when negative, so θ > 1 discourages
 * repeating it. Our scores are log-probabilities (≤ 0), so they are multiplied by θ; they are
 * not renormalised (as in Hugging Face's processor).
 */
export const repetitionPenalty: ProcessorRule<'repetitionPenalty'> = {
  build(theta) {
    check(Number.isFinite(theta) && theta > 0, `repetition penalty must be a positive number, got ${theta}`);
    if (theta === 1) return null;
    return {
      hard: false,
      apply(scores, _raw, { tokens }) {
        for (const j of new Set(tokens)) {
          const x = scores[j]!;
          scores[j] = x < 0 ? x * theta : x / theta;
        }
      },
    };
  },
};

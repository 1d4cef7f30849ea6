import { check } from '../../util/errors.js';
import type { ProcessorRule } from './types.js';

/** Largest n of n-gram blocking. */
export const MAX_NGRAM = 100;

/**
 * n-gram blocking (Paulus et al. 2018; fairseq's `--no-repeat-ngram-size`): a token that would
 * complete an n-gram the hypothesis already contains is masked. With n = 1 no token repeats.
 */
export const noRepeatNgram: ProcessorRule<'noRepeatNgram'> = {
  build(n) {
    check(Number.isInteger(n) && n >= 0 && n <= MAX_NGRAM, `no-repeat n-gram size must be an integer in [0, ${MAX_NGRAM}], got ${n}`);
    if (n === 0) return null;
    return {
      hard: false,
      apply(scores, _raw, { tokens }) {
        const L = tokens.length;
        if (L < n - 1) return;
        // The last n−1 tokens; every earlier occurrence of them bans the token that followed.
        const k = L - (n - 1);
        for (let i = 0; i + n - 1 < L; i++) {
          let same = true;
          for (let m = 0; m < n - 1 && same; m++) same = tokens[i + m] === tokens[k + m];
          if (same) scores[tokens[i + n - 1]!] = -Infinity;
        }
      },
    };
  },
};

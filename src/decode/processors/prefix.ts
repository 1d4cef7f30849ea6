import { check } from '../../util/errors.js';
import type { ProcessorRule } from './types.js';

/** A forced target prefix: while the output is shorter than it, only its next token may come. */
export const prefix: ProcessorRule<'prefix'> = {
  build(tokens, { vocabSize, end, maxTokens }) {
    check(tokens.length <= maxTokens, `the forced prefix has ${tokens.length} tokens, more than the ${maxTokens} allowed`);
    tokens.forEach((t, i) => {
      check(Number.isInteger(t) && t >= 0 && t < vocabSize, `prefix token ${i + 1} is ${t}, not a token id in [0, ${vocabSize})`);
      check(t !== end, `prefix token ${i + 1} is the end token`);
    });
    if (tokens.length === 0) return null;
    const forced = [...tokens];
    return {
      hard: true,
      apply(scores, _raw, view) {
        const t = view.tokens.length;
        if (t >= forced.length) return;
        const keep = forced[t]!;
        const x = scores[keep]!;
        scores.fill(-Infinity);
        scores[keep] = x;
      },
    };
  },
};

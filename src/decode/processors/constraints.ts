import type { ProcessorRule } from './types.js';

/**
 * Lexical constraints, the part every decoder applies: the end token is masked until every
 * constraint is met, and so is any token after which the constraints no longer fit in the
 * tokens left before `maxTokens`. So every output contains every constraint, even from greedy
 * decoding or sampling; beam search also spreads its beam over constraint progress (grid beam
 * search with dynamic beam allocation, Post & Vilar 2018) to find good places for them.
 */
export const constraints: ProcessorRule<'constraints'> = {
  build(_value, { constraints: set, end, maxTokens }) {
    if (!set || set.phrases.length === 0) return null;
    return {
      hard: true,
      apply(scores, _raw, view) {
        const state = view.constraints!;
        if (state.needed > 0 && end !== null) scores[end] = -Infinity;
        const left = maxTokens - view.tokens.length - 1; // tokens left after this one
        const next = [...view.tokens, -1];
        // A token that is in no constraint advances none; if even that leaves too little room,
        // only tokens that advance a constraint enough may come.
        if (set.advance(state, next).needed <= left) return;
        const ok = new Set<number>();
        for (const j of set.tokens) {
          next[next.length - 1] = j;
          if (set.advance(state, next).needed <= left) ok.add(j);
        }
        for (let j = 0; j < scores.length; j++) if (!ok.has(j)) scores[j] = -Infinity;
      },
    };
  },
};

/** The JSON answers of `/translate` and `/generate`, as plain data. */
import type { Generation, Translation } from '../train/index.js';
import type { TranslateRequest } from './options.js';

/** One hypothesis: display text, target tokens, score, and whether it ended with `<eos>`. */
function hypothesis(h: Translation['hypotheses'][number]) {
  return { text: h.text, tokens: h.words, score: h.score, finished: h.finished };
}

/**
 * One input's answer: the best output at the top level; `hypotheses` (best first) when nBest > 1;
 * with `attention`, the best output's weights [T][S] (rows: output tokens, `<eos>` included when
 * it finished; columns: source tokens).
 */
export function formatTranslation(t: Translation, r: TranslateRequest) {
  const best = t.hypotheses[0]!;
  return {
    ...hypothesis(best),
    ...(r.nBest > 1 ? { hypotheses: t.hypotheses.map(hypothesis) } : {}),
    ...(r.attention ? {
      attention: { source: t.source.tokens, target: best.finished ? [...best.words, '<eos>'] : best.words, weights: best.attention ?? [] },
    } : {}),
  };
}

/** A continuation: the whole text, the generated tokens, prompt tokens read as `<unk>`, and the attention when asked and the model has it. */
export function formatGeneration(g: Generation, attention: boolean) {
  return {
    text: g.text,
    tokens: g.tokens,
    unknown: g.prompt.unknown,
    ...(attention ? { attention: g.attention ? { context: g.context, target: g.tokens, weights: g.attention } : null } : {}),
  };
}

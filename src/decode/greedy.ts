import { check } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { type SamplingOptions, argmaxRow, sampleRow, validateSampling } from './logits.js';
import { Steering } from './steer.js';
import { pushTrace, startTrace } from './trace.js';
import type { DecodeOptions, Hypothesis, StepModel } from './types.js';

function startTokens(start: number | Int32Array, n: number): Int32Array {
  if (typeof start === 'number') return new Int32Array(n).fill(start);
  check(start.length === n, `decode: ${start.length} start tokens for ${n} rows`);
  return Int32Array.from(start);
}

/**
 * Runs n rows step by step, choosing each next token with `choose` from the scores the
 * processors leave (the model's log-probabilities when none is on); a row stops at the end
 * token. Shared by greedy decoding and sampling. `logProb` sums the model's own log-probabilities.
 */
function run<S>(
  model: StepModel<S>, state: S, n: number, o: DecodeOptions,
  choose: (scores: Float32Array, row: number, V: number) => number,
): Hypothesis[] {
  check(Number.isInteger(o.maxTokens) && o.maxTokens > 0, `decode: maxTokens must be a positive integer, got ${o.maxTokens}`);
  const V = model.vocabSize;
  const steer = new Steering(o, { vocabSize: V, end: o.end, maxTokens: o.maxTokens });
  const hyps: Hypothesis[] = Array.from({ length: n }, () => ({ tokens: [], finished: false, logProb: 0, score: 0, ...startTrace(o.withAttention) }));
  const tracks = hyps.map(() => steer.start());
  let prev = startTokens(o.start, n);
  let s = state;
  for (let t = 0; t < o.maxTokens && hyps.some((h) => !h.finished); t++) {
    const out = model.step(s, prev);
    s = out.state;
    const next = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      const h = hyps[r]!;
      if (h.finished) {
        next[r] = o.end ?? 0;
        continue;
      }
      const tok = steer.active ? choose(steer.scores(out.logProbs.subarray(r * V, (r + 1) * V), tracks[r]!), 0, V) : choose(out.logProbs, r, V);
      next[r] = tok;
      h.logProb += out.logProbs[r * V + tok]!;
      pushTrace(h, out, r);
      if (o.end !== null && tok === o.end) h.finished = true;
      else {
        h.tokens.push(tok);
        if (steer.active) tracks[r] = steer.advance(tracks[r]!, tok);
      }
    }
    prev = next;
  }
  for (const h of hyps) h.score = h.logProb;
  return hyps;
}

/**
 * Greedy decoding of n rows at once: the most likely token at every step.
 *
 * @example
 * const [h] = greedy(model, model.initialState, { start: BOS, end: EOS, maxTokens: 50 });
 */
export function greedy<S>(model: StepModel<S>, state: S, n: number, options: DecodeOptions): Hypothesis[] {
  return run(model, state, n, options, argmaxRow);
}

/**
 * Ancestral sampling with temperature, top-k and top-p; repeats exactly for a seeded `rng`.
 *
 * @example
 * sample(lm, state, 1, { start: lastPromptToken, end: null, maxTokens: 100, temperature: 0.8, topP: 0.9, rng: new Rng(1) });
 */
export function sample<S>(model: StepModel<S>, state: S, n: number, options: DecodeOptions & SamplingOptions & { rng: Rng }): Hypothesis[] {
  const o = validateSampling(options);
  return run(model, state, n, options, (lp, r, V) => sampleRow(lp, r, V, o, options.rng));
}

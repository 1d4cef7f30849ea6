import { check } from '../util/errors.js';
import type { DecodeOptions, Hypothesis, StepModel } from './types.js';

export interface BeamOptions extends DecodeOptions {
  /** Beam width (≥ 1). */
  beam: number;
  /** How many finished hypotheses to return, best first (≤ beam). Default 1. */
  nBest?: number;
  /**
   * Length normalisation: score = Σ log p / length^alpha (length counts the end token).
   * 1 (default) is the per-token average; 0 ranks by raw log-probability.
   */
  alpha?: number;
}

interface Alive {
  tokens: number[];
  logProb: number;
  attention?: number[][];
}

/**
 * Beam search for one source (the state has one row): keeps the `beam` best partial
 * hypotheses; a hypothesis that emits the end token leaves the beam with its normalised score;
 * the search stops when `beam` hypotheses have finished or after `maxTokens` steps (then the
 * unfinished ones compete too). With beam 1 it returns the greedy sequence.
 *
 * @example
 * const best = beamSearch(model, state, { beam: 5, start: BOS, end: EOS, maxTokens: 50 })[0];
 */
export function beamSearch<S>(model: StepModel<S>, state: S, options: BeamOptions): Hypothesis[] {
  const { beam, maxTokens } = options;
  const nBest = options.nBest ?? 1;
  const alpha = options.alpha ?? 1;
  check(Number.isInteger(beam) && beam >= 1, `beam size must be a positive integer, got ${beam}`);
  check(Number.isInteger(nBest) && nBest >= 1 && nBest <= beam, `n-best must be an integer in [1, beam = ${beam}], got ${nBest}`);
  check(Number.isInteger(maxTokens) && maxTokens > 0, `maxTokens must be a positive integer, got ${maxTokens}`);
  const V = model.vocabSize;
  const norm = (logProb: number, length: number): number => logProb / Math.pow(length, alpha);
  const finished: Hypothesis[] = [];
  let alive: Alive[] = [{ tokens: [], logProb: 0, ...(options.withAttention ? { attention: [] } : {}) }];
  let s = state;
  let prev = Int32Array.of(typeof options.start === 'number' ? options.start : options.start[0]!);
  for (let t = 0; t < maxTokens; t++) {
    const out = model.step(s, prev);
    // Candidates: every (row, token) by cumulative log-probability; the best 2·beam suffice to
    // refill the beam after end tokens leave it.
    const want = Math.min(2 * beam, alive.length * V);
    const cand = topCandidates(out.logProbs, alive.map((a) => a.logProb), V, want);
    const next: Alive[] = [];
    const rows: number[] = [];
    const toks: number[] = [];
    for (const { row, tok, logProb } of cand) {
      const parent = alive[row]!;
      const attention = parent.attention && out.attention ? [...parent.attention, out.attention[row]!] : undefined;
      if (options.end !== null && tok === options.end) {
        finished.push({ tokens: parent.tokens, finished: true, logProb, score: norm(logProb, t + 1), ...(attention ? { attention } : {}) });
      } else {
        next.push({ tokens: [...parent.tokens, tok], logProb, ...(attention ? { attention } : {}) });
        rows.push(row);
        toks.push(tok);
      }
      if (next.length === beam) break;
    }
    if (finished.length >= beam || next.length === 0) break;
    alive = next;
    s = model.select(out.state, Int32Array.from(rows));
    prev = Int32Array.from(toks);
    if (t === maxTokens - 1) {
      for (const a of alive) finished.push({ tokens: a.tokens, finished: false, logProb: a.logProb, score: norm(a.logProb, maxTokens), ...(a.attention ? { attention: a.attention } : {}) });
    }
  }
  // Stable sort: among equal scores the earlier (found first) wins, as a max over a list does.
  return finished.map((h, i) => [h, i] as const).sort((a, b) => b[0].score - a[0].score || a[1] - b[1]).slice(0, nBest).map(([h]) => h);
}

/** The `want` best (row, token) pairs by parent log-prob + step log-prob, best first (ties: lower index first). */
function topCandidates(logProbs: Float32Array, parents: number[], V: number, want: number): { row: number; tok: number; logProb: number }[] {
  // A small sorted buffer: want ≤ 2·beam, so insertion is cheap compared with sorting n·V values.
  const best: { row: number; tok: number; logProb: number }[] = [];
  for (let r = 0; r < parents.length; r++) {
    const base = parents[r]!;
    const o = r * V;
    for (let j = 0; j < V; j++) {
      const lp = base + logProbs[o + j]!;
      if (best.length === want && lp <= best[want - 1]!.logProb) continue;
      let k = best.length;
      while (k > 0 && best[k - 1]!.logProb < lp) k--;
      best.splice(k, 0, { row: r, tok: j, logProb: lp });
      if (best.length > want) best.pop();
    }
  }
  return best;
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DecodeOptions, type Hypothesis, type StepModel, Steering, beamSearch, coveragePenalty, ensemble, greedy, sample,
} from '../../src/decode/index.js';
import { Rng } from '../../src/util/rng.js';
import { chain, loopyChain, randomTable } from '../helpers/step-models.js';

// Tokens: 0 = <bos>, 1 = <eos>, 2.. = words.
const start = { t: [0] };
const base = { start: 0, end: 1 } as const;

/** The three decoders on the same model and options: greedy, beam 3, and a seeded sample. */
function decodeAll(m: StepModel<{ t: number[] }>, o: Omit<DecodeOptions, 'start' | 'end'>, seed = 1): Hypothesis[] {
  return [
    greedy(m, start, 1, { ...base, ...o })[0]!,
    ...beamSearch(m, start, { ...base, ...o, beam: 3, nBest: 3 }),
    sample(m, start, 1, { ...base, ...o, rng: new Rng(seed) })[0]!,
  ];
}

function hasRepeatedNgram(tokens: readonly number[], n: number): boolean {
  const seen = new Set<string>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join(',');
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

function contains(tokens: readonly number[], c: readonly number[]): boolean {
  for (let i = 0; i + c.length <= tokens.length; i++) if (c.every((t, k) => tokens[i + k] === t)) return true;
  return false;
}

const model = fc.record({ V: fc.integer({ min: 4, max: 8 }), seed: fc.integer({ min: 0, max: 1e6 }) });

describe('length and coverage penalties', () => {
  // From <bos>: "2" (0.6) then <eos> (0.9), or "3" (0.3) then "2" then <eos>. Attention over
  // 2 source positions follows the previous token: <bos> → [.5, .5], 2 → [1, 0], 3 → [0, 1].
  const att: Record<number, number[]> = { 0: [0.5, 0.5], 2: [1, 0], 3: [0, 1] };
  const table = [
    [0.05, 0.05, 0.6, 0.3],
    [0.25, 0.25, 0.25, 0.25],
    [0.01, 0.9, 0.01, 0.08],
    [0.01, 0.01, 0.97, 0.01],
  ].map((r) => r.map(Math.log));
  const covered: StepModel<null> = {
    vocabSize: 4,
    step: (_s, prev) => {
      const lp = new Float32Array(prev.length * 4);
      prev.forEach((p, r) => lp.set(table[p]!, r * 4));
      return { logProbs: lp, state: null, attention: Array.from(prev, (p) => att[p] ?? [0.5, 0.5]) };
    },
    select: () => null,
  };
  const o = { ...base, maxTokens: 6, beam: 4, nBest: 4, withAttention: true };

  it('β = 0 is plain beam search, on random chains and every length penalty', () => {
    fc.assert(fc.property(model, fc.constantFrom('avg', 'wu', 'none') as fc.Arbitrary<'avg' | 'wu' | 'none'>, ({ V, seed }, lengthPenalty) => {
      const m = chain(randomTable(V, new Rng(seed)));
      const plain = beamSearch(m, start, { ...base, beam: 3, nBest: 3, maxTokens: 8, lengthPenalty });
      expect(beamSearch(m, start, { ...base, beam: 3, nBest: 3, maxTokens: 8, lengthPenalty, beta: 0 })).toEqual(plain);
    }), { numRuns: 30, seed: 3 });
  });

  it('scores log P / lp(|Y|) + β·Σ log min(coverage, 1), and a large β prefers the hypothesis that covers the source', () => {
    const short = Math.log(0.6) + Math.log(0.9); // [2] <eos>: coverage [1.5, 0.5]
    const long = Math.log(0.3) + Math.log(0.97) + Math.log(0.9); // [3, 2] <eos>: coverage [2, 1]
    const plain = beamSearch(covered, null, { ...o, lengthPenalty: 'none' });
    expect(plain[0]!.tokens).toEqual([2]);
    expect(plain[0]!.score).toBeCloseTo(short, 5);
    const wu = beamSearch(covered, null, { ...o, lengthPenalty: 'wu', alpha: 0.6, beta: 1 });
    const byTokens = new Map(wu.map((h) => [h.tokens.join(' '), h.score]));
    expect(byTokens.get('2')).toBeCloseTo(short / Math.pow(7 / 6, 0.6) + Math.log(0.5), 5);
    expect(byTokens.get('3 2')).toBeCloseTo(long / Math.pow(8 / 6, 0.6), 5);
    expect(wu[0]!.tokens).toEqual([3, 2]);
    expect(coveragePenalty(Float64Array.of(1.5, 0.5, 0))).toBeCloseTo(Math.log(0.5) + Math.log(1e-9), 9);
  });

  it('avg with α = 1 is the per-token average; none ranks by raw log-probability', () => {
    const [avg] = beamSearch(covered, null, { ...o, nBest: 1 });
    expect(avg!.score).toBeCloseTo(avg!.logProb / (avg!.tokens.length + 1), 6);
    const none = beamSearch(covered, null, { ...o, lengthPenalty: 'none' });
    for (const h of none) expect(h.score).toBeCloseTo(h.logProb, 6);
  });

  it('refuses a coverage penalty for a model without attention, and α, β out of range', () => {
    const blind: StepModel<null> = { vocabSize: 4, step: (s, prev) => ({ ...covered.step(s, prev), attention: undefined }), select: () => null };
    expect(() => beamSearch(blind, null, { ...o, beta: 0.2 })).toThrow('the coverage penalty (beta > 0) needs a model that reports its attention over the source; this one reports none');
    expect(() => beamSearch(covered, null, { ...o, beta: -1 })).toThrow('beta must be a number in [0, 10], got -1');
    expect(() => beamSearch(covered, null, { ...o, alpha: 11 })).toThrow('alpha must be a number in [0, 10], got 11');
  });
});

describe('processors', () => {
  it('n-gram blocking: no decoder ever emits a repeated n-gram', () => {
    fc.assert(fc.property(model, fc.integer({ min: 1, max: 3 }), ({ V, seed }, n) => {
      const m = loopyChain(V, seed);
      const maxTokens = n === 1 ? V - 2 : 12; // n = 1: no token twice, so at most V − 2 words
      for (const h of decodeAll(m, { maxTokens, noRepeatNgram: n }, seed)) expect(hasRepeatedNgram(h.tokens, n), `${n}: ${h.tokens}`).toBe(false);
    }), { numRuns: 40, seed: 5 });
    // Without blocking the same chains do repeat (the test can fail).
    expect(greedy(loopyChain(5, 1), start, 1, { ...base, maxTokens: 12 })[0]!.tokens.length).toBe(12);
    expect(hasRepeatedNgram(greedy(loopyChain(5, 1), start, 1, { ...base, maxTokens: 12 })[0]!.tokens, 2)).toBe(true);
  });

  it('a forced prefix is always the output\'s prefix', () => {
    fc.assert(fc.property(model, fc.array(fc.integer({ min: 2, max: 3 }), { minLength: 1, maxLength: 5 }), ({ V, seed }, prefix) => {
      const m = chain(randomTable(V, new Rng(seed)));
      for (const h of decodeAll(m, { maxTokens: 10, prefix }, seed)) expect(h.tokens.slice(0, prefix.length)).toEqual(prefix);
    }), { numRuns: 40, seed: 6 });
  });

  it('min-length: the end token never comes before it', () => {
    fc.assert(fc.property(model, fc.integer({ min: 1, max: 8 }), ({ V, seed }, minLength) => {
      // End-prone chains: <eos> is likely after every token.
      const table = randomTable(V, new Rng(seed)).map((r) => r.map((p, j) => (j === 1 ? p + 2 : p) / 3));
      const m = chain(table);
      for (const h of decodeAll(m, { maxTokens: 10, minLength }, seed)) expect(h.tokens.length).toBeGreaterThanOrEqual(minLength);
    }), { numRuns: 40, seed: 7 });
  });

  it('lexical constraints: every constraint appears in every output, and the end token waits for them', () => {
    fc.assert(fc.property(model, fc.array(fc.array(fc.integer({ min: 2, max: 7 }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }), ({ V, seed }, raw) => {
      const constraints = raw.map((c) => c.map((t) => 2 + (t - 2) % (V - 2)));
      const m = chain(randomTable(V, new Rng(seed)));
      const maxTokens = constraints.flat().length + 2;
      for (const h of decodeAll(m, { maxTokens, constraints }, seed)) {
        for (const c of constraints) expect(contains(h.tokens, c), `${c} in ${h.tokens}`).toBe(true);
      }
    }), { numRuns: 60, seed: 8 });
  });

  it('beam search with constraints keeps unconstrained quality where it can: a constraint the model likes costs nothing', () => {
    const m = loopyChain(6, 4);
    const [free] = beamSearch(m, start, { ...base, beam: 4, maxTokens: 8 });
    expect(free!.tokens.length).toBeGreaterThan(0);
    const [forced] = beamSearch(m, start, { ...base, beam: 4, maxTokens: 8, constraints: [[free!.tokens[0]!]] });
    expect(forced!.tokens).toEqual(free!.tokens);
  });

  it('repetition penalty (CTRL): a seen token\'s log-probability is multiplied by θ; θ = 1 changes nothing', () => {
    const steer = new Steering({ repetitionPenalty: 2 }, { vocabSize: 4, end: 1, maxTokens: 5 });
    const raw = Float32Array.of(-1, -2, -0.5, -3);
    const track = steer.advance(steer.advance(steer.start(), 2), 2);
    expect(Array.from(steer.scores(raw, track))).toEqual([-1, -2, -1, -3]);
    const loop = chain([[0.01, 0.01, 0.6, 0.38], [0.25, 0.25, 0.25, 0.25], [0.01, 0.01, 0.6, 0.38], [0.01, 0.01, 0.6, 0.38]]);
    const o = { ...base, maxTokens: 3 };
    expect(greedy(loop, start, 1, o)[0]!.tokens).toEqual([2, 2, 2]);
    expect(greedy(loop, start, 1, { ...o, repetitionPenalty: 1 })[0]!.tokens).toEqual([2, 2, 2]);
    // θ = 2: log .6 · 2 < log .38, so 3 comes next; then both are seen and 2 wins again.
    expect(greedy(loop, start, 1, { ...o, repetitionPenalty: 2 })[0]!.tokens).toEqual([2, 3, 2]);
  });

  it('top-k = 1 sampling equals greedy, processors included; beam 1 equals greedy too', () => {
    fc.assert(fc.property(model, ({ V, seed }) => {
      const m = loopyChain(V, seed);
      const o = { ...base, maxTokens: 10, noRepeatNgram: 2, repetitionPenalty: 1.3, minLength: 2, prefix: [2] };
      const g = greedy(m, start, 1, o)[0]!;
      expect(sample(m, start, 1, { ...o, topK: 1, rng: new Rng(seed) })[0]!.tokens).toEqual(g.tokens);
      expect(beamSearch(m, start, { ...o, beam: 1 })[0]!.tokens).toEqual(g.tokens);
    }), { numRuns: 40, seed: 9 });
  });

  it('refuses impossible or oversized requests in one line', () => {
    const m = chain(randomTable(5, new Rng(1)));
    expect(() => greedy(m, start, 1, { ...base, maxTokens: 5, minLength: 5 })).toThrow('minimum length 5 leaves no room for the end token within 5 tokens; it must be below the maximum');
    expect(() => greedy(m, start, 1, { ...base, maxTokens: 5, prefix: [2, 1] })).toThrow('prefix token 2 is the end token');
    expect(() => greedy(m, start, 1, { ...base, maxTokens: 5, constraints: [[2, 3], [4, 4, 4]], prefix: [2] })).toThrow('the prefix and constraints need 6 tokens, more than the 5 allowed');
    expect(() => greedy(m, start, 1, { ...base, maxTokens: 500, constraints: Array.from({ length: 17 }, () => [2]) })).toThrow('at most 16 constraints, got 17');
    expect(() => greedy(m, start, 1, { ...base, maxTokens: 500, constraints: [Array.from({ length: 65 }, () => 2)] })).toThrow('the constraints hold 65 tokens together; at most 64');
    expect(() => greedy(m, start, 1, { ...base, maxTokens: 5, constraints: [[2, 9]] })).toThrow('constraint 1 has token 9, not a token id in [0, 5)');
    expect(() => greedy(m, start, 1, { ...base, maxTokens: 5, constraints: [[2, 1]] })).toThrow('constraint 1 contains the end token');
    expect(() => greedy(m, start, 1, { ...base, maxTokens: 5, noRepeatNgram: 101 })).toThrow('no-repeat n-gram size must be an integer in [0, 100], got 101');
    expect(() => greedy(m, start, 1, { ...base, maxTokens: 5, repetitionPenalty: 0 })).toThrow('repetition penalty must be a positive number, got 0');
  });
});

describe('ensembles', () => {
  it('an ensemble of one decodes exactly as its model, with every decoder', () => {
    fc.assert(fc.property(model, ({ V, seed }) => {
      const m = chain(randomTable(V, new Rng(seed)));
      const e = ensemble([m as StepModel<unknown>]);
      const o = { ...base, maxTokens: 8, withAttention: true };
      expect(greedy(e, [start], 1, o)).toEqual(greedy(m, start, 1, o));
      expect(beamSearch(e, [start], { ...o, beam: 3, nBest: 2 })).toEqual(beamSearch(m, start, { ...o, beam: 3, nBest: 2 }));
      expect(sample(e, [start], 1, { ...o, rng: new Rng(seed) })).toEqual(sample(m, start, 1, { ...o, rng: new Rng(seed) }));
    }), { numRuns: 30, seed: 10 });
  });

  it('averages the members\' log-probabilities and keeps each member\'s attention', () => {
    const a = chain(randomTable(5, new Rng(1)));
    const b = chain(randomTable(5, new Rng(2)));
    const e = ensemble([a, b] as StepModel<unknown>[]);
    const prev = Int32Array.of(0, 3);
    const out = e.step([{ t: [0, 1] }, { t: [0, 1] }], prev);
    const la = a.step({ t: [0, 1] }, prev).logProbs;
    const lb = b.step({ t: [0, 1] }, prev).logProbs;
    out.logProbs.forEach((x, k) => expect(x).toBeCloseTo((la[k]! + lb[k]!) / 2, 6));
    expect(out.memberAttention).toHaveLength(2);
    const [h] = beamSearch(e, [start, start], { ...base, beam: 2, maxTokens: 5, withAttention: true });
    expect(h!.memberAttention).toHaveLength(2);
    for (const rows of h!.memberAttention!) expect(rows).toEqual(h!.attention);
    // The same model twice is the model.
    const twice = ensemble([a, a] as StepModel<unknown>[]);
    expect(beamSearch(twice, [start, start], { ...base, beam: 3, maxTokens: 8 })[0]!.tokens).toEqual(beamSearch(a, start, { ...base, beam: 3, maxTokens: 8 })[0]!.tokens);
  });

  it('refuses members with different vocabulary sizes', () => {
    expect(() => ensemble([chain(randomTable(5, new Rng(1))), chain(randomTable(6, new Rng(1)))] as StepModel<unknown>[]))
      .toThrow('ensemble: model 2 has 6 output tokens, model 1 has 5; members must share the target vocabulary');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { beamSearch, greedy, sample, sampleRow, samplingWeights, validateSampling, type StepModel } from '../../src/decode/index.js';
import { Rng } from '../../src/util/rng.js';

/**
 * A toy model: a Markov chain over V tokens whose next-token log-probabilities depend only on
 * the previous token (table[prev] is a distribution). The state counts steps; attention is a
 * one-hot on the step index, so traces can be checked.
 */
function chain(table: number[][]): StepModel<{ t: number[] }> {
  const V = table.length;
  const logs = table.map((row) => row.map((p) => Math.log(p)));
  return {
    vocabSize: V,
    step(state, prev) {
      const lp = new Float32Array(prev.length * V);
      prev.forEach((p, r) => lp.set(logs[p]!, r * V));
      const attention = Array.from(prev, (_, r) => Array.from({ length: 4 }, (_, j) => (j === state.t[r]! % 4 ? 1 : 0)));
      return { logProbs: lp, state: { t: state.t.map((x) => x + 1) }, attention };
    },
    select(state, rows) {
      return { t: Array.from(rows, (r) => state.t[r]!) };
    },
  };
}

function randomTable(V: number, rng: Rng): number[][] {
  return Array.from({ length: V }, () => {
    const row = Array.from({ length: V }, () => rng.uniform() + 0.01);
    const s = row.reduce((a, b) => a + b, 0);
    return row.map((v) => v / s);
  });
}

// Tokens: 0 = <bos>, 1 = <eos>, 2.. = words. From <bos>, "2" looks best (0.5) but leads to a
// flat distribution, while "3" (0.4) leads almost surely to <eos>: greedy takes the trap.
const trap = chain([
  [0.0001, 0.0999, 0.5, 0.4],
  [0.25, 0.25, 0.25, 0.25],
  [0.0001, 0.3333, 0.3333, 0.3333],
  [0.0001, 0.9997, 0.0001, 0.0001],
]);
const start = { t: [0] };

describe('greedy', () => {
  it('takes the most likely token each step and stops at the end token', () => {
    const [h] = greedy(trap, start, 1, { start: 0, end: 1, maxTokens: 10 });
    expect(h!.tokens[0]).toBe(2);
    expect(h!.finished).toBe(true);
  });

  it('decodes a batch of rows with their own start tokens and stops each row at <eos>', () => {
    const hs = greedy(trap, { t: [0, 0] }, 2, { start: Int32Array.of(0, 3), end: 1, maxTokens: 5 });
    expect(hs[1]).toMatchObject({ tokens: [], finished: true });
    expect(hs[0]!.tokens[0]).toBe(2);
  });

  it('returns per-step attention as plain arrays', () => {
    const [h] = greedy(trap, start, 1, { start: 0, end: null, maxTokens: 3, withAttention: true });
    expect(h!.attention).toEqual([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]);
  });
});

describe('beam search', () => {
  it('escapes the greedy trap', () => {
    const [best] = beamSearch(trap, start, { beam: 2, start: 0, end: 1, maxTokens: 10 });
    expect(best!.tokens).toEqual([3]);
    expect(best!.score).toBeCloseTo((Math.log(0.4) + Math.log(0.9997)) / 2, 5);
  });

  it('beam 1 equals greedy on random chains', () => {
    fc.assert(fc.property(fc.integer({ min: 3, max: 7 }), fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 12 }), (V, seed, maxTokens) => {
      const m = chain(randomTable(V, new Rng(seed)));
      const [g] = greedy(m, start, 1, { start: 0, end: 1, maxTokens });
      const [b] = beamSearch(m, start, { beam: 1, start: 0, end: 1, maxTokens });
      expect(b!.tokens).toEqual(g!.tokens);
      expect(b!.finished).toBe(g!.finished);
    }), { numRuns: 50, seed: 7 });
  });

  it('returns n-best finished hypotheses sorted by normalised score, with attention', () => {
    const hs = beamSearch(trap, start, { beam: 3, nBest: 3, start: 0, end: 1, maxTokens: 6, withAttention: true });
    expect(hs).toHaveLength(3);
    for (let i = 1; i < hs.length; i++) expect(hs[i - 1]!.score).toBeGreaterThanOrEqual(hs[i]!.score);
    for (const h of hs) expect(h.attention).toHaveLength(h.tokens.length + (h.finished ? 1 : 0));
  });

  it('lets unfinished hypotheses compete at the length limit', () => {
    const loop = chain([[0.01, 0.01, 0.98], [1 / 3, 1 / 3, 1 / 3], [0.01, 0.01, 0.98]]);
    const [h] = beamSearch(loop, start, { beam: 2, start: 0, end: 1, maxTokens: 4 });
    expect(h).toMatchObject({ tokens: [2, 2, 2, 2], finished: false });
  });

  it('rejects a beam of 0 and an n-best above the beam', () => {
    expect(() => beamSearch(trap, start, { beam: 0, start: 0, end: 1, maxTokens: 5 })).toThrow('beam size must be a positive integer, got 0');
    expect(() => beamSearch(trap, start, { beam: 2, nBest: 3, start: 0, end: 1, maxTokens: 5 })).toThrow('n-best must be an integer in [1, beam = 2], got 3');
  });
});

describe('sampling', () => {
  const table = randomTable(6, new Rng(11));
  const m = chain(table);
  const run = (seed: number, extra = {}) => sample(m, start, 1, { start: 0, end: null, maxTokens: 20, rng: new Rng(seed), ...extra })[0]!.tokens;

  it('repeats exactly under a seed and varies across seeds', () => {
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });

  it('top-k 1, a tiny top-p and a tiny temperature all reduce to greedy', () => {
    const g = greedy(m, start, 1, { start: 0, end: null, maxTokens: 20 })[0]!.tokens;
    expect(run(1, { topK: 1 })).toEqual(g);
    expect(run(2, { topP: 1e-6 })).toEqual(g);
    expect(run(3, { temperature: 1e-4 })).toEqual(g);
  });

  it('draws tokens with the model probabilities; top-k keeps only the k best', () => {
    const one = chain([[0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25], [0.25, 0.25, 0.25, 0.25], [0.25, 0.25, 0.25, 0.25]]);
    const counts = [0, 0, 0, 0];
    const k2 = [0, 0, 0, 0];
    const rng = new Rng(3);
    for (let i = 0; i < 20000; i++) {
      counts[sample(one, start, 1, { start: 0, end: null, maxTokens: 1, rng })[0]!.tokens[0]!]!++;
      k2[sample(one, start, 1, { start: 0, end: null, maxTokens: 1, rng, topK: 2 })[0]!.tokens[0]!]!++;
    }
    [0.1, 0.2, 0.3, 0.4].forEach((p, j) => expect(Math.abs(counts[j]! / 20000 - p)).toBeLessThan(0.015));
    expect(k2[0]! + k2[1]!).toBe(0);
    expect(Math.abs(k2[3]! / 20000 - 0.4 / 0.7)).toBeLessThan(0.015);
  });

  it('samplingWeights is the distribution sampleRow draws from: temperature, then top-k, then the top-p nucleus', () => {
    const lp = Float32Array.from([0.1, 0.2, 0.3, 0.4].map(Math.log));
    const norm = (w: Float64Array) => Array.from(w, (x) => x / w.reduce((a, b) => a + b, 0));
    norm(samplingWeights(lp, 0, 4, validateSampling({}))).forEach((p, j) => expect(p).toBeCloseTo([0.1, 0.2, 0.3, 0.4][j]!, 6));
    // T = 0.5 squares the probabilities before normalising.
    norm(samplingWeights(lp, 0, 4, validateSampling({ temperature: 0.5 }))).forEach((p, j) => expect(p).toBeCloseTo([1, 4, 9, 16][j]! / 30, 6));
    expect(norm(samplingWeights(lp, 0, 4, validateSampling({ topK: 2 }))).map((p) => +p.toFixed(6))).toEqual([0, 0, +(3 / 7).toFixed(6), +(4 / 7).toFixed(6)]);
    // Top-p 0.65: 0.4 + 0.3 reaches it, 0.4 alone does not; 0.35 keeps 0.4 alone.
    expect(norm(samplingWeights(lp, 0, 4, validateSampling({ topP: 0.65 }))).map((p) => +p.toFixed(6))).toEqual([0, 0, +(3 / 7).toFixed(6), +(4 / 7).toFixed(6)]);
    expect(norm(samplingWeights(lp, 0, 4, validateSampling({ topP: 0.35 })))).toEqual([0, 0, 0, 1]);
    // Row r of an [n, V] array, and sampleRow only ever returns a token with weight.
    const two = Float32Array.from([...lp, ...[0.7, 0.1, 0.1, 0.1].map(Math.log)]);
    expect(norm(samplingWeights(two, 1, 4, validateSampling({ topK: 1 })))).toEqual([1, 0, 0, 0]);
    const rng = new Rng(4);
    const o = validateSampling({ topK: 3, topP: 0.6 });
    const w = samplingWeights(lp, 0, 4, o);
    for (let i = 0; i < 200; i++) expect(w[sampleRow(lp, 0, 4, o, rng)]!).toBeGreaterThan(0);
  });

  it('rejects bad sampling settings', () => {
    expect(() => run(1, { topP: 1.5 })).toThrow('top-p must be in (0, 1], got 1.5');
    expect(() => run(1, { temperature: 0 })).toThrow('temperature must be a positive number, got 0');
    expect(() => run(1, { topK: -1 })).toThrow('top-k must be a non-negative integer, got -1');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BeamNode, beamSearch } from '../../src/decode/index.js';
import { Rng } from '../../src/util/rng.js';
import { chain, loopyChain, randomTable } from '../helpers/step-models.js';

// Tokens: 0 = <bos>, 1 = <eos>, 2.. = words. The chain's log p(next | prev) is log table[prev][next].
const start = { t: [0] };
const base = { start: 0, end: 1 } as const;

/** The tokens from the first step to `history[step][index]` (the end token included when finished). */
function pathOf(history: readonly BeamNode[][], step: number, index: number): BeamNode[] {
  const out: BeamNode[] = [];
  for (let s = step, i = index; s >= 0 && i >= 0; s--) {
    const n = history[s]![i]!;
    out.unshift(n);
    i = n.parent;
  }
  return out;
}

/** The final node with the highest score, the first found among equals (as the search ranks them). */
function bestLeaf(history: readonly BeamNode[][]): { step: number; index: number } {
  let best: { step: number; index: number; score: number } | null = null;
  history.forEach((nodes, step) => nodes.forEach((n, index) => {
    if (n.score !== undefined && (!best || n.score > best.score)) best = { step, index, score: n.score };
  }));
  expect(best).not.toBeNull();
  return best!;
}

const model = fc.record({ V: fc.integer({ min: 4, max: 8 }), seed: fc.integer({ min: 0, max: 1e6 }), beam: fc.integer({ min: 1, max: 5 }) });

describe('beam search history', () => {
  it('the best leaf\'s path is the best hypothesis, each node scores its parent plus its token, and recording changes nothing', () => {
    fc.assert(fc.property(model, fc.boolean(), ({ V, seed, beam }, loopy) => {
      const table = randomTable(V, new Rng(seed));
      const m = loopy ? loopyChain(V, seed) : chain(table);
      const o = { ...base, beam, nBest: beam, maxTokens: 7, withAttention: true };
      const history: BeamNode[][] = [];
      const plain = beamSearch(m, start, o);
      const recorded = beamSearch(m, start, { ...o, history });
      expect(recorded).toEqual(plain);
      // The best leaf's path: the best hypothesis's tokens (then <eos> when it finished), its log-probability and attention.
      const { step, index } = bestLeaf(history);
      const path = pathOf(history, step, index);
      const best = plain[0]!;
      expect(path.map((n) => n.token)).toEqual(best.finished ? [...best.tokens, 1] : best.tokens);
      expect(path[path.length - 1]!.finished).toBe(best.finished);
      expect(path[path.length - 1]!.score).toBe(best.score);
      expect(path[path.length - 1]!.logProb).toBe(best.logProb);
      expect(path.map((n) => n.attention)).toEqual(best.attention);
      // Every node: its parent's log-probability plus its token's under the model, given the parent's token.
      const logP = (prev: number, tok: number) => m.step({ t: [0] }, Int32Array.of(prev)).logProbs[tok]!;
      history.forEach((nodes, s) => {
        expect(nodes.filter((n) => !n.finished).length).toBeLessThanOrEqual(beam);
        for (const n of nodes) {
          const parent = s === 0 ? null : history[s - 1]![n.parent]!;
          expect(s === 0 ? n.parent === -1 : parent !== null && !parent.finished).toBe(true);
          expect(n.logProb).toBeCloseTo((parent?.logProb ?? 0) + logP(parent?.token ?? 0, n.token), 9);
        }
      });
      // Each returned hypothesis is one final node's path.
      const finals = history.flatMap((nodes, s) => nodes.flatMap((n, i) => (n.score === undefined ? [] : [pathOf(history, s, i)])));
      for (const h of plain) {
        expect(finals.some((p) => p[p.length - 1]!.score === h.score && p.map((n) => n.token).join() === (h.finished ? [...h.tokens, 1] : h.tokens).join())).toBe(true);
      }
    }), { numRuns: 40, seed: 5 });
  });

  it('keeps `beam` nodes at a step where none finished, and records nothing without the option', () => {
    const m = loopyChain(6, 11);
    const history: BeamNode[][] = [];
    beamSearch(m, start, { ...base, beam: 3, maxTokens: 6, history });
    expect(history.length).toBeGreaterThan(1);
    expect(history[0]!.length).toBe(3); // the first step: 3 of the 5 non-<bos> tokens from <bos> (<eos> is unlikely)
    expect(history.some((nodes) => nodes.length === 3 && nodes.every((n) => !n.finished))).toBe(true);
    expect(history[0]!.every((n) => n.parent === -1 && n.attention === undefined)).toBe(true);
  });
});

import type { StepModel } from '../../src/decode/index.js';
import { Rng } from '../../src/util/rng.js';

/**
 * A toy step model: a Markov chain over V tokens whose next-token log-probabilities depend only
 * on the previous token (table[prev] is a distribution). The state counts steps; attention over
 * 4 "source" positions is one-hot on the step index (mod 4), so traces can be checked.
 */
export function chain(table: number[][]): StepModel<{ t: number[] }> {
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

/** A random row-stochastic table (every probability ≥ 0.01 / V·1.01). */
export function randomTable(V: number, rng: Rng): number[][] {
  return Array.from({ length: V }, () => {
    const row = Array.from({ length: V }, () => rng.uniform() + 0.01);
    const s = row.reduce((a, b) => a + b, 0);
    return row.map((v) => v / s);
  });
}

/** A random chain whose end token (1) is unlikely, so outputs run long and repeat. */
export function loopyChain(V: number, seed: number): StepModel<{ t: number[] }> {
  const table = randomTable(V, new Rng(seed)).map((row) => {
    const r = [...row];
    r[1] = r[1]! * 0.05;
    const s = r.reduce((a, b) => a + b, 0);
    return r.map((v) => v / s);
  });
  return chain(table);
}

/**
 * chrF counts n-grams as integers in a reused hash table (src/metrics/sacrebleu/chrf.ts); these
 * tests hold it to the plain definition (string n-grams in Maps, as sacreBLEU's Counter), so
 * every statistic, not only the score, stays sacreBLEU's.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chrF } from '../../src/metrics/index.js';
import { pySplit } from '../../src/util/pystring.js';

/** sacreBLEU's statistics for character orders, written the obvious way. */
function referenceStats(hyps: string[], refs: string[], order: number, whitespace: boolean): number[] {
  const grams = (line: string, n: number): Map<string, number> => {
    const chars = Array.from(whitespace ? line : pySplit(line).join(''));
    const m = new Map<string, number>();
    for (let i = 0; i + n <= chars.length; i++) {
      const g = chars.slice(i, i + n).join('');
      m.set(g, (m.get(g) ?? 0) + 1);
    }
    return m;
  };
  const sums = new Array<number>(3 * order).fill(0);
  hyps.forEach((hyp, k) => {
    for (let n = 1; n <= order; n++) {
      const h = grams(hyp, n);
      const r = grams(refs[k]!, n);
      let hypCount = 0;
      let match = 0;
      for (const [g, c] of h) {
        hypCount += c;
        match += Math.min(c, r.get(g) ?? 0);
      }
      const refCount = [...r.values()].reduce((a, b) => a + b, 0);
      sums[3 * (n - 1)]! += r.size > 0 ? hypCount : 0;
      sums[3 * (n - 1) + 1]! += refCount;
      sums[3 * (n - 1) + 2]! += match;
    }
  });
  return sums;
}

const pieces = fc.constantFrom('a', 'b', 'ab', ' ', '\u00a0', '\t', '.', 'É', 'ß', '😀', '𝐀', '\u3000', 'x');
const line = fc.oneof(fc.array(pieces, { maxLength: 25 }).map((a) => a.join('')), fc.string({ unit: 'binary', maxLength: 30 }));

describe('chrF statistics', () => {
  it('equal the plain string-n-gram counts on random lines (surrogate pairs, Python whitespace)', () => {
    fc.assert(fc.property(fc.array(fc.tuple(line, line), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 8 }), fc.boolean(), (rows, order, whitespace) => {
      const hyps = rows.map((r) => r[0]);
      const refs = rows.map((r) => r[1]);
      expect(chrF(hyps, refs, { charOrder: order, whitespace }).stats).toEqual(referenceStats(hyps, refs, order, whitespace));
    }), { numRuns: 300, seed: 20261204 });
  });

  it('equal them on lines with more distinct characters than integer n-grams can code (the string path)', () => {
    const wide = Array.from({ length: 1500 }, (_, i) => String.fromCodePoint(0x4e00 + ((i * 7) % 1500))).join('');
    const other = `${wide.slice(700)}${wide.slice(0, 900)}`;
    expect(chrF([wide], [other]).stats).toEqual(referenceStats([wide], [other], 6, false));
  });
});

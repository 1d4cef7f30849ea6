import { describe, expect, it } from 'vitest';
import { exactMatch, perplexity, PerplexityMeter, sequenceAccuracy, tokenAccuracy } from '../../src/metrics/index.js';

describe('sequence accuracy (PROTOCOL W3)', () => {
  const EOS = 2;
  it('cuts at the first <eos>; exact needs the whole sequence; token accuracy is position-wise over target length', () => {
    const preds = [[5, 4, 3, EOS, 9], [5, 4, 3, 7], [5, 9, 3, EOS], [5, EOS]];
    const targets = [[5, 4, 3], [5, 4, 3], [5, 4, 3], [5, 4, 3]];
    const r = sequenceAccuracy(preds, targets, { eos: EOS });
    expect(r.exact).toBe(0.25); // only the first; the second never ended
    expect(r.tokenAccuracy).toBeCloseTo((3 + 3 + 2 + 1) / 12, 12);
    expect(exactMatch(preds, targets, EOS)).toBe(0.25);
    expect(tokenAccuracy(preds, targets, EOS)).toBeCloseTo(0.75, 12);
  });

  it('groups by length buckets (W3b)', () => {
    const targets = [[1, 1], [1, 1, 1, 1], [1, 1, 1, 1, 1]];
    const preds = [[1, 1], [1, 0, 1, 1], [1, 1, 1, 1, 1]];
    const r = sequenceAccuracy(preds, targets, { buckets: [[1, 3], [4, 5]] });
    expect(r.buckets!['1-3']).toEqual({ exact: 1, tokenAccuracy: 1, n: 1 });
    expect(r.buckets!['4-5']!.exact).toBe(0.5);
    expect(r.buckets!['4-5']!.tokenAccuracy).toBeCloseTo(8 / 9, 12);
  });

  it('refuses misaligned or empty input', () => {
    expect(() => sequenceAccuracy([[1]], [])).toThrow(/1 predictions but 0 targets/);
    expect(() => sequenceAccuracy([], [])).toThrow(/no sequences/);
  });
});

describe('perplexity', () => {
  it('is exp(mean NLL) and accumulates over batches', () => {
    expect(perplexity(2 * Math.log(4), 2)).toBeCloseTo(4, 12);
    const m = new PerplexityMeter();
    m.add(3 * Math.log(2), 3);
    m.add(1 * Math.log(16), 1);
    expect(m.value).toBeCloseTo(Math.exp((3 * Math.log(2) + Math.log(16)) / 4), 12);
    expect(() => perplexity(1, 0)).toThrow(/at least one token/);
    expect(() => m.add(Number.NaN, 1)).toThrow(/NaN/);
  });
});

/** chrF: cases ported from sacreBLEU 2.x's test/test_chrf.py (expected scores from chrF++.py and sacreBLEU). */
import { describe, expect, it } from 'vitest';
import { chrF, chrfSignature } from '../../src/metrics/index.js';

const EPSILON = 1e-4;

describe('chrF: ports of sacreBLEU test_chrf.py', () => {
  it.each([
    [['abcdefg'], ['hijklmnop'], 0.0],
    [['a'], ['b'], 0.0],
    [[''], ['b'], 0.0],
    [[''], ['ref'], 0.0],
    [[''], ['reference'], 0.0],
    [['aa'], ['ab'], 8.3333],
    [['a', 'b'], ['a', 'c'], 8.3333],
    [['a'], ['a'], 16.6667],
    [['a b c'], ['a b c'], 50.0],
    [['a b c'], ['abc'], 50.0],
    [[' risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists .'],
      ['risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists .'], 63.36173],
    [[' Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. '],
      ['Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich.'], 64.1302698],
    [['Niemand hat die Absicht, eine Mauer zu errichten'], ['Niemand hat die Absicht, eine Mauer zu errichten'], 100.0],
  ])('eps smoothing, beta 3: %j vs %j = %s', (hyps, refs, expected) => {
    expect(Math.abs(chrF(hyps, refs, { beta: 3, epsSmoothing: true }).score - expected)).toBeLessThan(EPSILON);
  });

  it.each([
    [['a'], ['a'], 100.0],
    [[''], ['reference'], 0.0],
    [['a b c'], ['a b c'], 100.0],
    [['a b c'], ['abc'], 100.0],
    [[''], ['c'], 0.0],
    [['a', 'b'], ['a', 'c'], 50.0],
    [['aa'], ['ab'], 25.0],
  ])('effective order (the default), beta 3: %j vs %j = %s', (hyps, refs, expected) => {
    expect(Math.abs(chrF(hyps, refs, { beta: 3 }).score - expected)).toBeLessThan(EPSILON);
  });

  it.each([
    [['Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich.'],
      ['Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich.'], 67.3481606],
    [['risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists .'],
      ['risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists .'], 65.2414427],
  ])('keeping whitespace, beta 3: %j = %s', (hyps, refs, expected) => {
    expect(Math.abs(chrF(hyps, refs, { beta: 3, whitespace: true }).score - expected)).toBeLessThan(EPSILON);
  });

  it.each([
    ['Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.',
      'Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře.', 39.14078509],
    ['Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři.',
      'A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři.', 31.22557079],
    ['Lapali po dechu, jejich životy skončily dřív, než skutečně začaly.',
      'Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli.', 57.15704367],
  ])('sentence level, chrF2 with eps smoothing: %s', (hyp, ref, expected) => {
    expect(Math.abs(chrF([hyp], [ref], { epsSmoothing: true }).score - expected)).toBeLessThan(EPSILON);
  });
});

describe('chrF defaults, names and signature', () => {
  it('is chrF2 (β = 2) with sacreBLEU’s signature', () => {
    const s = chrF(['the cat sat'], ['the cat sat on the mat']);
    expect(s.name).toBe('chrF2');
    expect(s.signature).toBe('nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0');
    expect(chrF(['a'], ['a'], { wordOrder: 2 }).name).toBe('chrF2++');
    expect(chrfSignature(2, { wordOrder: 2, lowercase: true, epsSmoothing: true, whitespace: true }))
      .toBe('nrefs:2|case:lc|eff:no|nc:6|nw:2|space:yes|version:2.6.0');
  });

  it('recall weighs more than precision: a hypothesis missing characters loses more than one with extras', () => {
    const ref = 'the quick brown fox jumps';
    const short = chrF(['the quick brown'], [ref]).score;
    const long = chrF(['the quick brown fox jumps over it again'], [ref]).score;
    expect(long).toBeGreaterThan(short);
  });

  it('refuses misaligned input and zero orders', () => {
    expect(() => chrF(['a'], ['a', 'b'])).toThrow(/1 hypotheses but reference stream 1 has 2 lines/);
    expect(() => chrF(['a'], ['a'], { charOrder: 0 })).toThrow(/not both 0/);
  });
});

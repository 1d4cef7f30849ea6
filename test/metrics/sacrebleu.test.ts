/**
 * sacreBLEU-compatible BLEU. Expected values come from sacreBLEU's own test suite
 * (test/test_bleu.py and test/test_sentence_bleu.py of sacreBLEU 2.x, ported case by case), from
 * its test.sh control-character check, and from sacreBLEU 2.6.0 itself (fixtures/sacrebleu-2.6.0.json,
 * made by fixtures/make_sacrebleu_fixtures.py).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  bleuSignature, chrF, computeBleu, formatBleu, pyFixed, pyFloatRepr, readSacrebleuLines, sacreBleu, tokenize13a, type SacreBleuOptions,
} from '../../src/metrics/index.js';
import { SHARED_DATA, sharedDataAvailable } from '../helpers/python.js';

const EPSILON = 1e-8;
const fixture = JSON.parse(readFileSync(new URL('./fixtures/sacrebleu-2.6.0.json', import.meta.url), 'utf8')) as {
  corpora: { hyps: string[]; refs: string[][]; expected: Record<string, string> }[];
  multi30k_test_de: Record<string, string>;
};

// The README example of sacreBLEU: three hypotheses, two reference streams.
const REFS = [
  ['The dog bit the man.', 'It was not unexpected.', 'The man bit him first.'],
  ['The dog had bit the man.', 'No one was surprised.', 'The man had bitten the dog.'],
];
const HYPS = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];

/** sacreBLEU's `raw_corpus_bleu`: no tokenization, floor smoothing, effective order. */
const rawCorpusBleu = (hyps: string[], refs: string[][], smoothValue: number | null = 0.1) =>
  sacreBleu(hyps, refs, { tokenize: 'none', smoothMethod: 'floor', smoothValue, effectiveOrder: true, force: true });

describe('sacreBleu: ports of sacreBLEU test_bleu.py', () => {
  it.each([
    [HYPS, {}, 48.530827],
    [['', '', ''], {}, 0.0],
    [HYPS, { tokenize: 'none' }, 49.1919566],
    [HYPS, { tokenize: '13a' }, 48.530827],
    [HYPS, { smoothMethod: 'none' }, 48.530827],
  ] as [string[], SacreBleuOptions, number][])('corpus_bleu %j %j = %s', (hyps, opts, expected) => {
    expect(Math.abs(sacreBleu(hyps, REFS, opts).score - expected)).toBeLessThan(EPSILON);
  });

  it.each([
    [['this is a test', 'another test'], [['ref1', 'ref2']], 0.0],
    [['this is a test'], [['this is a test']], 1.0],
    [['this is a fest'], [['this is a test']], 0.223606797749979],
  ])('raw_corpus_bleu %j = %s', (hyps, refs, expected) => {
    expect(Math.abs(rawCorpusBleu(hyps, refs, 0.01).score / 100 - expected)).toBeLessThan(EPSILON);
  });

  it.each([
    [['test'], [['a test']], 0.3678794411714425],
    [['a test'], [['a test']], 1.0],
    [['a little test'], [['a test']], 0.03218297948685433],
  ])('effective order %j = %s', (hyps, refs, expected) => {
    expect(Math.abs(rawCorpusBleu(hyps, refs, 0.01).score / 100 - expected)).toBeLessThan(EPSILON);
  });

  it('statistics of "am I am a character sequence"', () => {
    const r = rawCorpusBleu(['am I am a character sequence'], [['I am a symbol string sequence a a']], 0.01);
    expect(r.counts).toEqual([4, 2, 1, 0]);
    expect(r.totals).toEqual([6, 5, 4, 3]);
  });

  it('offset (floor value) 0 and the default 0.1', () => {
    const h = ['am I am a character sequence'];
    const r = [['I am a symbol string sequence a a']];
    expect(Math.abs(rawCorpusBleu(h, r, 0).score / 100)).toBeLessThan(EPSILON);
    expect(Math.abs(rawCorpusBleu(h, r, null).score / 100 - 0.1555722182)).toBeLessThan(EPSILON);
  });

  it('compute_bleu from statistics ([9,7,5,3]/[10,8,6,4], 11, 11) = 0.8375922397', () => {
    expect(Math.abs(computeBleu([9, 7, 5, 3], [10, 8, 6, 4], 11, 11).score / 100 - 0.8375922397)).toBeLessThan(EPSILON);
  });

  it.each([
    [[0, 0, 0, 0], [4, 4, 2, 1], 0, 1, 0.0],
    [[0, 0, 0, 0], [10, 11, 12, 0], 14, 10, 0.0],
    [[0, 0, 0, 0], [0, 0, 0, 0], 0, 0, 0.0],
    [[6, 5, 4, 0], [6, 5, 4, 3], 6, 6, 0.0],
    [[0, 0, 0, 0], [0, 0, 0, 0], 0, 0, 0.1],
    [[0, 0, 0, 0], [0, 0, 0, 0], 1, 5, 0.01],
  ])('degenerate statistics %j/%j sys %d ref %d floor %d give exactly 0', (c, t, sys, ref, offset) => {
    expect(computeBleu(c, t, sys, ref, { smoothMethod: 'floor', smoothValue: offset }).score).toBe(0);
  });

  it.each([[1, '77.65'], [2, '60.50'], [3, '53.93'], [4, '48.53'], [5, '46.14'], [6, '43.28']])('max n-gram order %d → %s', (order, expected) => {
    expect(pyFixed(sacreBleu(HYPS, REFS, { maxNgramOrder: order }).score, 2)).toBe(expected);
  });
});

describe('sacreBleu: ports of sacreBLEU test_sentence_bleu.py (effective order)', () => {
  const REF = 'producţia de zahăr brut se exprimă în zahăr alb;';
  const SYS = 'Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;';
  it.each([
    ['exp', null, false, '13a', 8.493],
    ['none', null, false, '13a', 0.0],
    ['floor', null, false, '13a', 4.51688],
    ['floor', 0.1, false, '13a', 4.51688],
    ['floor', 0.5, false, '13a', 10.1],
    ['add-k', null, false, '13a', 14.882],
    ['add-k', 1, false, '13a', 14.882],
    ['add-k', 2, false, '13a', 21.389],
    ['exp', null, false, 'none', 7.347],
    ['exp', null, false, 'char', 40.8759],
    ['exp', null, true, 'char', 42.0267],
  ] as const)('%s %s lowercase=%s tok=%s → %s', (smoothMethod, smoothValue, lowercase, tokenize, expected) => {
    const s = sacreBleu([SYS], [[REF]], { smoothMethod, smoothValue, lowercase, tokenize, effectiveOrder: true });
    expect(Math.abs(s.score - expected)).toBeLessThan(1e-3);
  });

  it.each(['exp', 'none', 'floor', 'add-k'] as const)('no match at all gives 0 with %s smoothing (sacreBLEU #141)', (smoothMethod) => {
    expect(sacreBleu(['this is a cat'], [['okay thanks']], { smoothMethod, effectiveOrder: true }).score).toBe(0);
  });
});

describe('13a tokenizer (expected strings checked with sacreBLEU 2.6.0)', () => {
  it.each([
    ['Hello, world.', 'Hello , world .'],
    ['It costs $3.50, i.e. 1,000 cents.', 'It costs $ 3.50 , i . e . 1,000 cents .'],
    ['e-mail 2021-03-03 9-5 x-y', 'e-mail 2021 - 03 - 03 9 - 5 x-y'],
    ['&quot;quoted&quot; &amp; &lt;b&gt; &amp;quot;', '" quoted " & < b > & quot ;'],
    ['a<skipped>b hyphen-\nated\nline', 'ab hyphenated line'],
    ["don't (hi) [x] {y} @me #tag 50%", "don't ( hi ) [ x ] { y } @ me # tag 50 %"],
    ['tab\there\u00a0nbsp\u2009thin\u3000ideo\x1cfs\x85nel\ufeffbom', 'tab here nbsp thin ideo fs nel\ufeffbom'],
    ['émoji😀. 日本語。', 'émoji😀 . 日本語。'],
  ])('%j → %j', (line, expected) => {
    expect(tokenize13a(line)).toBe(expected);
  });

  it("treats a '\\r' inside a reference as whitespace (sacreBLEU test.sh control-character test)", () => {
    const hyp = ['Hello! How are you doing today?'];
    const withCr = readSacrebleuLines('Hello! How are you \r doing today?', 'file');
    expect(sacreBleu(hyp, withCr).score).toBe(sacreBleu(hyp, ['Hello! How are you doing today?']).score);
  });
});

describe('sacreBLEU corner cases', () => {
  it('empty hypotheses: 0, BP 0, ratio 0, printed as sacreBLEU does', () => {
    const s = sacreBleu(['', ''], ['a b c', 'd e']);
    expect(formatBleu(s)).toBe('BLEU = 0.00 0.0/0.0/0.0/0.0 (BP = 0.000 ratio = 0.000 hyp_len = 0 ref_len = 5)');
  });

  it('empty references are allowed (sacreBLEU 2.6) and count 0 length', () => {
    const s = sacreBleu(['a b c d', 'x'], ['a b c d', '']);
    expect([s.sysLen, s.refLen]).toEqual([5, 4]);
    expect(s.bp).toBe(1);
  });

  it('exp smoothing halves the pseudo-precision for each further order without a match', () => {
    // Unigram matches only: p2 = 100 / (2·total2), p3 = 100 / (4·total3), p4 = 100 / (8·total4).
    const s = sacreBleu(['a x b y c'], ['a b c d e']);
    expect(s.precisions).toEqual([60, 100 / 8, 100 / 12, 100 / 16]);
  });

  it('a hypothesis shorter than 4 tokens and no 4-grams scores 0 without effective order', () => {
    expect(sacreBleu(['a b c'], ['a b c']).score).toBeLessThan(1e-300);
    expect(sacreBleu(['a b c'], ['a b c'], { effectiveOrder: true }).score).toBeCloseTo(100, 10);
  });

  it('rounds printed figures half-to-even on the exact binary value, as Python', () => {
    expect(pyFixed(0.125, 2)).toBe('0.12');
    expect(pyFixed(0.375, 2)).toBe('0.38');
    expect(pyFixed(2.5, 0)).toBe('2');
    expect(pyFixed(3.5, 0)).toBe('4');
    expect(pyFixed(1.005, 2)).toBe('1.00'); // 1.005 is 1.00499999… in binary
    expect(pyFixed(12.345, 1)).toBe('12.3');
    expect(pyFixed(0, 1)).toBe('0.0');
    expect(pyFloatRepr(34)).toBe('34.0');
    expect(pyFloatRepr(34.6)).toBe('34.6');
    expect(pyFloatRepr(0.00001)).toBe('1e-05');
    expect(pyFloatRepr(0.0001)).toBe('0.0001');
    expect(pyFloatRepr(1e16)).toBe('1e+16');
  });

  it('signatures', () => {
    expect(bleuSignature(1)).toBe('nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0');
    expect(bleuSignature(2, { smoothMethod: 'floor', lowercase: true, tokenize: 'none', effectiveOrder: true }))
      .toBe('nrefs:2|case:lc|eff:yes|tok:none|smooth:floor[0.10]|version:2.6.0');
    expect(bleuSignature(1, { smoothMethod: 'add-k' })).toBe('nrefs:1|case:mixed|eff:no|tok:13a|smooth:add-k[1.00]|version:2.6.0');
  });

  it('bad input: misaligned streams and no hypotheses', () => {
    expect(() => sacreBleu(['a', 'b'], ['a'])).toThrow(/2 hypotheses but reference stream 1 has 1 lines/);
    expect(() => sacreBleu([], [])).toThrow(/no hypotheses/);
    expect(() => sacreBleu(['a'], ['a'], { tokenize: 'intl' as never })).toThrow(/unknown tokenizer "intl"/);
  });
});

describe('agreement with sacreBLEU 2.6.0 (fixtures)', () => {
  const line = (hyps: string[], refs: string[][], key: string): string => {
    if (key.startsWith('chrf')) {
      const s = chrF(hyps, refs, { wordOrder: key === 'chrf++' ? 2 : 0 });
      return `${s.name}|${s.signature} = ${pyFixed(s.score, 2)}`;
    }
    const [, tok, lc] = key.split(':');
    const s = sacreBleu(hyps, refs, { tokenize: tok as never, lowercase: lc === 'lc' });
    return formatBleu(s, { signature: s.signature });
  };

  it('prints the same lines on generated corpora full of punctuation, entities, odd whitespace and emoji', () => {
    let n = 0;
    for (const c of fixture.corpora) {
      for (const [key, expected] of Object.entries(c.expected)) {
        expect(line(c.hyps, c.refs, key), `${key} on ${JSON.stringify(c.hyps)}`).toBe(expected);
        n++;
      }
    }
    expect(n).toBe(60);
  });

  it.skipIf(!sharedDataAvailable)('prints the same lines on the Multi30K German test set with perturbed hypotheses', () => {
    const refs = readSacrebleuLines(readFileSync(resolve(SHARED_DATA, 'multi30k', 'test_2016_flickr.de'), 'utf8'), 'file');
    // Mirrors multi30k_hyps() in fixtures/make_sacrebleu_fixtures.py.
    const hyps = refs.map((ref, i) => {
      const out: string[] = [];
      ref.split(' ').forEach((w, j) => {
        const k = (i * 31 + j * 17) % 23;
        if (k === 0) return;
        out.push(k === 7 ? 'der' : w);
        if (k === 13) out.push(w);
      });
      let h = out.join(' ');
      if (i % 5 === 0) h = h.toLowerCase();
      if (i % 3 === 0 && h.endsWith('.')) h = h.slice(0, -1);
      return h;
    });
    for (const [key, expected] of Object.entries(fixture.multi30k_test_de)) expect(line(hyps, [refs], key)).toBe(expected);
  });
});

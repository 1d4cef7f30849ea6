import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/util/rng.js';
import {
  BpeModel, learnBpe, parseBpeCodes, parseBpeVocabulary, parseSubwordSpec, SUBWORD_LIMITS, WordCounter, bpeWords,
} from '../../src/data/subwords/index.js';
import { learnBpeFromFiles } from '../../src/data/subwords/subwords-node.js';

// Fixtures written by subword-nmt (rsennrich/subword-nmt @ 92d6139); see test/data/subwords/README.md.
const FX = 'test/data/subwords';
const MULTI30K = '../shared/data/multi30k';
const fixture = (name: string): string => readFileSync(join(FX, name), 'utf8');
const fileLines = (text: string): string[] => text.replace(/\n$/, '').split('\n');
const firstLines = (path: string, n: number): string[] => fileLines(readFileSync(path, 'utf8')).slice(0, n);
const tmp = mkdtempSync(join(tmpdir(), 'glimpse-bpe-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('learning BPE', () => {
  it('learns the merges subword-nmt learns on the toy corpus of Sennrich et al.', () => {
    const lines = [...Array(5).fill('low'), ...Array(2).fill('lower'), ...Array(6).fill('newest'), ...Array(3).fill('widest')];
    const bpe = learnBpe(lines, { merges: 10 });
    expect(new TextDecoder().decode(bpe.serialize())).toBe(
      '#version: 0.2\ns t</w>\ne st</w>\nl o\nw est</w>\nn e\nne west</w>\nlo w</w>\nw i\nwi d\nwid est</w>\n');
    expect(bpe.encode('lowest newer wider low').join(' ')).toBe('lo@@ west ne@@ w@@ e@@ r wid@@ e@@ r low');
  });

  it('writes the codes file learn_bpe.py writes on Multi30K (1000 merges)', () => {
    const lines = [...firstLines(`${MULTI30K}/train.en`, 2000), ...firstLines(`${MULTI30K}/train.de`, 2000)];
    const bpe = learnBpe(lines, { merges: 1000 });
    expect(new TextDecoder().decode(bpe.serialize())).toBe(fixture('subword-nmt-1000.codes'));
  });

  it('breaks ties in code-point order, as Python compares strings (astral, full-width, tabs, @)', () => {
    const bpe = learnBpe(fileLines(fixture('tricky.txt')), { merges: 300, minFrequency: 1 });
    expect(new TextDecoder().decode(bpe.serialize())).toBe(fixture('tricky.codes'));
  });

  it('stops when no pair reaches the minimum frequency, and learns nothing from single characters', () => {
    expect(learnBpe(['ab ab cd'], { merges: 10 }).merges).toEqual([['a', 'b</w>']]);
    expect(learnBpe(['ab ab cd'], { merges: 10, minFrequency: 1 }).merges.length).toBe(2);
    expect(learnBpe(['a b c', '', '   '], { merges: 10, minFrequency: 1 }).merges).toEqual([]);
  });

  it('streams files: the same codes as from the lines in memory, CRLF and a last line without newline included', () => {
    const a = join(tmp, 'a.txt');
    const b = join(tmp, 'b.txt');
    writeFileSync(a, 'the lowest low\r\nnewer newest\r\n');
    writeFileSync(b, '\ufeffwider  widest \r\n\nthe end');
    const fromFiles = learnBpeFromFiles([a, b], { merges: 50, minFrequency: 1 });
    const inMemory = learnBpe(['the lowest low', 'newer newest', '\ufeffwider  widest ', '', 'the end'], { merges: 50, minFrequency: 1 });
    expect(fromFiles.model.merges).toEqual(inMemory.merges);
    expect(fromFiles.lines).toBe(5);
    expect(fromFiles.tokens).toBe(9);
    expect(fromFiles.model.merges.length).toBeGreaterThan(10);
    // Chunks of 1 MiB: a file of many lines gives the same counts as the lines in memory.
    const many = Array.from({ length: 100_000 }, (_, i) => `w${i % 977} x${i % 13}y z${(i * 7) % 101}`);
    writeFileSync(a, `${many.join('\n')}\n`);
    expect(learnBpeFromFiles([a], { merges: 40 }).model.merges).toEqual(learnBpe(many, { merges: 40 }).merges);
  });

  it('splits words as subword-nmt does: at spaces only, edges of \\r \\n and spaces stripped', () => {
    expect(bpeWords('  a  b\tc \r')).toEqual(['a', 'b\tc']);
    expect(bpeWords('')).toEqual([]);
    const counter = new WordCounter();
    counter.add('x y x');
    expect([...counter.counts]).toEqual([['x', 2], ['y', 1]]);
  });
});

describe('applying BPE codes', () => {
  const codes = BpeModel.fromCodes(fixture('subword-nmt-1000.codes'), 'subword-nmt-1000.codes');
  const testLines = [...firstLines(`${MULTI30K}/test_2016_flickr.en`, 200), ...firstLines(`${MULTI30K}/test_2016_flickr.de`, 200)];

  it('segments Multi30K test sentences exactly as apply_bpe.py', () => {
    expect(testLines.map((l) => codes.encode(l).join(' '))).toEqual(fileLines(fixture('subword-nmt-1000.test.bpe')));
  });

  it('computes get_vocab.py\'s vocabulary and applies --vocabulary-threshold as apply_bpe.py', () => {
    const counter = new WordCounter();
    for (const l of [...firstLines(`${MULTI30K}/train.en`, 2000), ...firstLines(`${MULTI30K}/train.de`, 2000)]) counter.add(l);
    const vocabulary = parseBpeVocabulary(fixture('subword-nmt-1000.vocab'), 'subword-nmt-1000.vocab');
    expect(codes.vocabularyOf(counter.counts)).toEqual(vocabulary);
    const limited = BpeModel.fromCodes(fixture('subword-nmt-1000.codes'), 'codes', { vocabulary, vocabularyThreshold: 5 });
    const expected = fileLines(fixture('subword-nmt-1000.test.vt5.bpe'));
    expect(testLines.map((l) => limited.encode(l).join(' '))).toEqual(expected);
    expect(expected).not.toEqual(fileLines(fixture('subword-nmt-1000.test.bpe')));
  });

  it('matches apply_bpe.py on tricky text, except that a word\'s last piece never ends in @@', () => {
    const tricky = BpeModel.fromCodes(fixture('tricky.codes'), 'tricky.codes');
    const source = fileLines(fixture('tricky.txt'));
    const reference = fileLines(fixture('tricky.bpe'));
    let compared = 0;
    source.forEach((line, i) => {
      const pieces = tricky.encode(line);
      expect(tricky.decode(pieces)).toBe(bpeWords(line).join(' '));
      if (bpeWords(line).some((w) => w.endsWith('@@'))) return;
      compared++;
      // apply_bpe.py also keeps a line's leading and trailing spaces; glimpse writes pieces only.
      expect(pieces.join(' ')).toBe(reference[i]!.replace(/^[\r\n ]+|[\r\n ]+$/g, ''));
    });
    expect(compared).toBeGreaterThan(290);
    expect(tricky.encode('x@@ y')).toEqual(tricky.encode('x@@ y'));
  });

  it('decoding undoes encoding exactly (words joined by single spaces), with and without dropout', () => {
    const model = BpeModel.fromCodes(fixture('tricky.codes'), 'tricky.codes');
    const rng = new Rng(3);
    fc.assert(fc.property(
      fc.array(fc.constantFrom('a', 'b', 'c', '@', ' ', '  ', '\t', '😀', 'Ａ', 'é', '中'), { maxLength: 30 }).map((a) => a.join('')),
      fc.constantFrom(0, 0.1, 0.5),
      (text, dropout) => {
        const pieces = model.encode(text, dropout > 0 ? { dropout, rng } : {});
        expect(pieces.every((p) => p !== '' && !p.includes(' '))).toBe(true);
        expect(model.decode(pieces)).toBe(bpeWords(text).join(' '));
      },
    ), { numRuns: 400 });
  });

  it('BPE-dropout is seeded: the same seed repeats, p = 0 is the deterministic segmentation', () => {
    const line = testLines[5]!;
    const run = (seed: number): string[][] => {
      const rng = new Rng(seed);
      return [0, 1, 2, 3].map(() => codes.encode(line, { dropout: 0.2, rng }));
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
    expect(run(7).some((p) => p.length > codes.encode(line).length)).toBe(true);
    expect(codes.encode(line, { dropout: 0, rng: new Rng(1) })).toEqual(codes.encode(line));
    expect(() => codes.encode(line, { dropout: 0.1 })).toThrow(/seeded rng/);
    expect(() => codes.encode(line, { dropout: 1, rng: new Rng(1) })).toThrow(/dropout must be in \[0, 1\)/);
  });
});

describe('bad codes and specs', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['no header', 'l o\nlo w\n', /bad\.codes line 1: expected '#version: 0\.2', got 'l o'/],
    ['unknown version', '#version: 0.3\nl o\n', /bad\.codes line 1: unknown codes version '0\.3'/],
    ['byte-level codes', '#version: 0.2 byte\nl o\n', /unknown codes version '0\.2 byte'/],
    ['three symbols', '#version: 0.2\nl o\na b c\n', /bad\.codes line 3: expected two symbols separated by one space, got 'a b c'/],
    ['one symbol', '#version: 0.2\nl o\nab\n', /bad\.codes line 3: expected two symbols/],
    ['a blank line inside', '#version: 0.2\nl o\n\nl ow\n', /bad\.codes line 3: expected two symbols/],
    ['binary', '\u0000\u0001safetensors', /bad\.codes is not a text file \(it holds NUL bytes\)/],
  ];
  for (const [what, text, message] of cases) {
    it(`refuses a codes file with ${what}`, () => expect(() => BpeModel.fromCodes(text, 'bad.codes')).toThrow(message));
  }

  it('refuses more merges than the limit, in a file and when learning', () => {
    const big = `#version: 0.2\n${'a b\n'.repeat(SUBWORD_LIMITS.maxMerges + 1)}`;
    expect(() => parseBpeCodes(big, 'big.codes')).toThrow(/big\.codes: 1000001 merges is more than the limit of 1000000/);
    expect(() => learnBpe(['a b'], { merges: SUBWORD_LIMITS.maxMerges + 1 })).toThrow(/merges must be an integer in \[0, 1000000\]/);
  });

  it('refuses a damaged vocabulary file', () => {
    expect(() => parseBpeVocabulary('the 12\nlo@@ x\n', 'v.txt')).toThrow(/v\.txt line 2: expected 'PIECE COUNT'/);
    expect(() => new BpeModel([], { vocabularyThreshold: 3 })).toThrow(/needs a vocabulary/);
  });

  it('reads invalid UTF-8 as one error naming the file and line', () => {
    const path = join(tmp, 'bad.txt');
    writeFileSync(path, Buffer.concat([Buffer.from('ok\nfine\nbad x'), Buffer.from([0xff]), Buffer.from('\n')]));
    expect(() => learnBpeFromFiles([path], { merges: 1 })).toThrow(/input file .*bad\.txt line 3 is not valid UTF-8 text/);
    expect(() => learnBpeFromFiles([join(tmp, 'missing.txt')], { merges: 1 })).toThrow(/missing\.txt does not exist/);
  });

  it('parses subword specs', () => {
    expect(parseSubwordSpec('bpe:8000')).toEqual({ kind: 'bpe', merges: 8000 });
    expect(parseSubwordSpec('bpe:codes.bpe')).toEqual({ kind: 'bpe', path: 'codes.bpe' });
    expect(parseSubwordSpec('spm:m.model')).toEqual({ kind: 'spm', path: 'm.model' });
    expect(() => parseSubwordSpec('bpe:0')).toThrow(/merges must be in \[1, 1000000\]/);
    expect(() => parseSubwordSpec('wordpiece:x')).toThrow(/expected bpe:CODES, bpe:N .* or spm:FILE/);
  });
});

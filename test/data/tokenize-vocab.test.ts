import { describe, expect, it } from 'vitest';
import { charTokenize, detokenizeChars, detokenizeWords, protocolTokenize, splitLines, Vocab } from '../../src/data/index.js';

describe('protocolTokenize (PROTOCOL.md, cases of test_common.py)', () => {
  it('lowercases and splits as the reference regex', () => {
    expect(protocolTokenize("Zwei junge weiße Männer, I'll go -- \"now\"!")).toEqual(
      ['zwei', 'junge', 'weiße', 'männer', ',', "i'll", 'go', '-', '-', '"', 'now', '"', '!']);
    expect(protocolTokenize('ÄÖÜ café 3.5km\u00a0x\ty')).toEqual(['äöü', 'café', '3', '.', '5km', 'x', 'y']);
    expect(protocolTokenize('   ')).toEqual([]);
  });

  it("uses Python's whitespace (U+001C–U+001F and U+0085 separate; U+FEFF is a token) and whole code points", () => {
    expect(protocolTokenize('a\x1cb\x85c\ufeffd')).toEqual(['a', 'b', 'c', '\ufeff', 'd']);
    expect(protocolTokenize('hi😀!')).toEqual(['hi', '😀', '!']);
    expect(protocolTokenize('×÷ɏ')).toEqual(['×÷ɏ']); // À–ɏ is a range of code points, symbols included
  });
});

describe('character tokenizer and detokenisers', () => {
  it('round-trips characters, newlines and emoji', () => {
    const text = 'To be,\nor 😀 not';
    expect(charTokenize(text)).toHaveLength(Array.from(text).length);
    expect(detokenizeChars(charTokenize(text))).toBe(text);
  });

  it('joins words for display without spaces before punctuation', () => {
    expect(detokenizeWords(protocolTokenize('To be, or not to be: that (is) the question!'))).toBe('to be, or not to be: that (is) the question!');
  });

  it('splits lines on \\n only, without the empty string after a final newline', () => {
    expect(splitLines('a\r\nb\n\nc\n')).toEqual(['a\r', 'b', '', 'c']);
    expect(splitLines('')).toEqual([]);
  });
});

describe('Vocab', () => {
  const seqs = [['b', 'a', 'c', 'a'], ['b', 'd', 'a', 'e', 'b'], ['\u{1F600}', '\uffff', '\uffff', '\u{1F600}']];

  it('orders specials, then descending count, ties by code point (as Python sorts)', () => {
    const v = Vocab.build(seqs, { minFreq: 1 });
    expect(v.itos).toEqual(['<pad>', '<unk>', '<bos>', '<eos>', 'a', 'b', '\uffff', '\u{1F600}', 'c', 'd', 'e']);
    expect(Vocab.build(seqs, { minFreq: 2 }).itos.slice(4)).toEqual(['a', 'b', '\uffff', '\u{1F600}']);
    expect(Vocab.build(seqs, { maxSize: 6 }).itos).toEqual(['<pad>', '<unk>', '<bos>', '<eos>', 'a', 'b']);
  });

  it('encodes unknown tokens to <unk>, decodes, and survives JSON', () => {
    const v = Vocab.build(seqs, { specials: ['<unk>', '<eos>'], minFreq: 2 });
    expect(Array.from(v.encode(['a', 'zzz', '<eos>']))).toEqual([2, 0, 1]);
    expect(v.decode([2, 3])).toEqual(['a', 'b']);
    const back = Vocab.fromJSON(JSON.stringify(v));
    expect(back.itos).toEqual(v.itos);
    expect(back.unkIndex).toBe(0);
    expect(back.specials).toEqual(['<unk>', '<eos>']);
  });

  it('without an unknown token, an unknown word is an error naming it', () => {
    const v = new Vocab(['<pad>', 'a'], { unk: null });
    expect(() => v.encode(['b'])).toThrow('Vocab: token "b" is not in the vocabulary and it has no unknown token');
  });

  it('bad input: empty vocabulary, duplicate tokens, bad JSON, out-of-range ids', () => {
    expect(() => Vocab.build([], {})).toThrow(/empty vocabulary: no token seen at least 1 time/);
    expect(() => Vocab.build([['a', 'b']], { minFreq: 2 })).toThrow(/empty vocabulary: no token seen at least 2 time\(s\) \(2 distinct tokens counted\)/);
    expect(() => new Vocab([])).toThrow(/empty vocabulary/);
    expect(() => new Vocab(['a', 'a'])).toThrow(/"a" appears twice/);
    expect(() => Vocab.fromJSON('{"format": "other"}')).toThrow(/format "glimpse-vocab"/);
    expect(() => Vocab.fromJSON('not json')).toThrow(/not JSON/);
    expect(() => Vocab.build(seqs).token(99)).toThrow(/id 99 out of range/);
  });
});

import { describe, expect, it } from 'vitest';
import { copyTask, datesTask, DATE_FORMATS, daysInMonth, encodeSynthetic, reverseTask, sortTask, syntheticTask, W3, W3B } from '../../src/data/index.js';

describe('letter tasks', () => {
  it('W3: 20,000 reversal pairs from seed 1234, lengths 5–20 all present, vocab <pad> <bos> <eos> a–z', () => {
    const task = reverseTask();
    const train = task.generate(W3.trainSize, W3.trainSeed);
    expect(train).toHaveLength(20000);
    expect(train.every((p) => p.src.length >= 5 && p.src.length <= 20 && p.tgt.join('') === [...p.src].reverse().join(''))).toBe(true);
    expect(new Set(train.map((p) => p.src.length)).size).toBe(16);
    expect(task.srcVocab.itos.slice(0, 4)).toEqual(['<pad>', '<bos>', '<eos>', 'a']);
    expect(task.srcVocab.id('z')).toBe(28);
    // Letters are uniform: each of the 26 is within 10 % of its expected count.
    const counts = new Map<string, number>();
    for (const p of train) for (const c of p.src) counts.set(c, (counts.get(c) ?? 0) + 1);
    const mean = [...counts.values()].reduce((a, b) => a + b) / 26;
    expect(counts.size).toBe(26);
    expect([...counts.values()].every((c) => Math.abs(c - mean) < 0.1 * mean)).toBe(true);
  });

  it('repeats a seed exactly and differs between the train and test seeds', () => {
    const task = reverseTask();
    expect(task.generate(50, W3.testSeed)).toEqual(task.generate(50, W3.testSeed));
    expect(task.generate(50, W3.testSeed)).not.toEqual(task.generate(50, W3.trainSeed));
  });

  it('W3b lengths 10–60; copy and sort', () => {
    const long = reverseTask({ minLen: W3B.minLen, maxLen: W3B.maxLen }).generate(2000, 1);
    expect(Math.min(...long.map((p) => p.src.length))).toBe(10);
    expect(Math.max(...long.map((p) => p.src.length))).toBe(60);
    for (const p of copyTask().generate(20, 3)) expect(p.tgt).toEqual(p.src);
    for (const p of sortTask().generate(20, 3)) expect(p.tgt.join('')).toBe([...p.src].sort().join(''));
  });

  it('encodes as W3: source without specials, target + <eos>', () => {
    const task = reverseTask();
    const [ex] = encodeSynthetic([{ src: ['a', 'b'], tgt: ['b', 'a'] }], task);
    expect([Array.from(ex!.src), Array.from(ex!.tgt)]).toEqual([[3, 4], [4, 3, 2]]);
  });

  it('bad input: unknown task, bad lengths or counts', () => {
    expect(() => syntheticTask('rot13')).toThrow('unknown synthetic task "rot13": expected one of reverse, copy, sort, dates');
    expect(() => reverseTask({ minLen: 5, maxLen: 3 })).toThrow(/1 <= minLen <= maxLen/);
    expect(() => reverseTask().generate(-1, 0)).toThrow(/non-negative integer/);
  });
});

describe('date normalisation', () => {
  const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

  it('spells 3 March 2021 in the promised ways', () => {
    const spelled = DATE_FORMATS.map((f) => f({ year: 2021, month: 3, day: 3 }));
    expect(spelled).toContain('3rd of March 2021');
    expect(spelled).toContain('March 3, 2021');
    expect(spelled).toContain('03/03/2021');
    expect(new Set(spelled).size).toBe(DATE_FORMATS.length);
  });

  it('generates valid calendar dates whose text says the same date as the ISO target', () => {
    const task = datesTask();
    const pairs = task.generate(3000, 9);
    const formats = new Set<string>();
    for (const { src, tgt } of pairs) {
      const text = src.join('');
      const iso = tgt.join('');
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso)!;
      const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
      expect(d).toBeLessThanOrEqual(daysInMonth(y, mo));
      // The year, the day and the month (as a number or a name) all appear in the text.
      expect(text).toContain(String(y));
      const lower = text.toLowerCase();
      expect(lower.includes(MONTHS[mo - 1]!.slice(0, 3)) || new RegExp(`(^|\\D)0?${mo}(\\D|$)`).test(text)).toBe(true);
      expect(new RegExp(`(^|\\D)0?${d}(\\D|$)`).test(text)).toBe(true);
      formats.add(text.replace(/\d/g, '9').replace(/[A-Za-z]+/g, 'w'));
      expect(() => task.srcVocab.encode(src)).not.toThrow();
      expect(() => task.tgtVocab.encode(tgt)).not.toThrow();
    }
    expect(formats.size).toBeGreaterThanOrEqual(10);
    expect(daysInMonth(2000, 2)).toBe(29);
    expect(daysInMonth(1900, 2)).toBe(28);
  });
});

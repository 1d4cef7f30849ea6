import { describe, expect, it } from 'vitest';
import { compareCodePoints, isPyWhitespace, pyRstrip, pySplit } from '../../src/util/pystring.js';

describe('Python str behaviour', () => {
  it("splits and strips on Python's whitespace, not JavaScript's", () => {
    expect(pySplit(' a\x1cb\x85c\u00a0d\ufeffe  ')).toEqual(['a', 'b', 'c', 'd\ufeffe']);
    expect(pySplit('')).toEqual([]);
    expect(pyRstrip('x \t\r\x1f\u3000')).toBe('x');
    expect(pyRstrip('x\ufeff')).toBe('x\ufeff');
    expect([isPyWhitespace('\x1c'), isPyWhitespace('\ufeff'), isPyWhitespace('\u200b')]).toEqual([true, false, false]);
  });

  it('orders by code point: characters above U+FFFF after U+E000–U+FFFF', () => {
    const words = ['\u{1F600}', '\uffff', 'b', 'a', 'ab', '\ue000'];
    expect([...words].sort(compareCodePoints)).toEqual(['a', 'ab', 'b', '\ue000', '\uffff', '\u{1F600}']);
    expect([...words].sort()).not.toEqual([...words].sort(compareCodePoints)); // JavaScript's own order differs
  });
});

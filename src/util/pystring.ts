/**
 * Python `str` behaviour that the reference scripts (and sacreBLEU) rely on, reproduced exactly:
 * what counts as whitespace, `str.split()`, `str.rstrip()`, and code-point string ordering.
 * JavaScript's `\s` and default sort differ in small ways that change token counts and vocabulary order.
 */

/**
 * The characters Python's `str.isspace()` and `re`'s `\s` accept, as the inside of a regex
 * character class. Unlike JavaScript's `\s` it includes U+001C–U+001F and U+0085 and excludes U+FEFF.
 */
export const PY_WHITESPACE_CLASS =
  '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

const WS_RUN = new RegExp(`[${PY_WHITESPACE_CLASS}]+`, 'u');
const TRAILING_WS = new RegExp(`[${PY_WHITESPACE_CLASS}]+$`, 'u');
const ONE_WS = new RegExp(`^[${PY_WHITESPACE_CLASS}]$`, 'u');

/** True when `ch` (one character) is whitespace to Python. */
export function isPyWhitespace(ch: string): boolean {
  return ONE_WS.test(ch);
}

/**
 * Python's `s.split()` with no argument: runs of whitespace separate, no empty strings.
 *
 * @example
 * pySplit('  a\u00a0b\tc ');  // ['a', 'b', 'c']
 */
export function pySplit(s: string): string[] {
  const parts = s.split(WS_RUN);
  const out: string[] = [];
  for (const p of parts) if (p !== '') out.push(p);
  return out;
}

/** Python's `s.rstrip()` with no argument. */
export function pyRstrip(s: string): string {
  return s.replace(TRAILING_WS, '');
}

/**
 * Compares strings by Unicode code point, as Python sorts `str` (JavaScript's default sort
 * compares UTF-16 code units, which orders characters above U+FFFF before U+E000–U+FFFF).
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate stands for a code point above U+FFFF, so it sorts after every other unit.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

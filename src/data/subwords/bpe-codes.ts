/**
 * The BPE codes file (subword-nmt's format, version 0.2) and the vocabulary file of
 * `get_vocab.py`, read and written with one-line errors naming the file and line.
 *
 * Codes file, UTF-8 text, lines separated by `\n`:
 * - line 1: `#version: 0.2`
 * - line k+1 (k = 1, 2, …): the k-th merge, `A B` — the two symbols merged, separated by one
 *   space. A symbol is a string of characters without spaces; a symbol that ends a word ends
 *   with `</w>` (so `e r</w>` merges a word-internal `e` with a word-final `r`).
 * Merges apply in file order; a pair listed twice keeps its first rank (as `apply_bpe.py`).
 *
 * Vocabulary file: one `PIECE COUNT` line per piece (non-final pieces carry `@@`), as
 * `subword-nmt get-vocab` writes it for `--vocabulary` / `--vocabulary-threshold`.
 */
import { GlimpseError } from '../../util/errors.js';
import { SUBWORD_LIMITS } from './model.js';

/** The first line of a codes file glimpse writes and reads. */
export const BPE_CODES_HEADER = '#version: 0.2';

function lines(text: string): string[] {
  // apply_bpe.py: codes.read().rstrip('\n').split('\n'); a CRLF file is read the same way.
  return text.replace(/\n+$/, '').split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

function checkText(text: string, name: string, expected: string): void {
  if (text.includes('\u0000')) throw new GlimpseError(`${name} is not a text file (it holds NUL bytes); expected ${expected}`);
}

/** A line shortened and with control characters shown as '?', for an error message. */
function shown(line: string, max: number): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we replace
  const clean = line.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/**
 * Parses a codes file. Errors: not text, a missing or unknown `#version` line, a line that is
 * not two symbols, more than {@link SUBWORD_LIMITS.maxMerges} merges.
 *
 * @example
 * parseBpeCodes('#version: 0.2\nl o\nlo w</w>\n', 'codes.bpe');  // [['l', 'o'], ['lo', 'w</w>']]
 */
export function parseBpeCodes(text: string, name: string): Array<[string, string]> {
  const expected = `a BPE codes file ('${BPE_CODES_HEADER}' then one 'A B' merge per line)`;
  checkText(text, name, expected);
  const all = lines(text);
  const first = all[0] ?? '';
  if (!first.startsWith('#version:')) {
    throw new GlimpseError(`${name} line 1: expected '${BPE_CODES_HEADER}', got '${shown(first, 40)}'; expected ${expected} (version 0.1 files without a header are not supported)`);
  }
  const version = first.slice('#version:'.length).trim();
  if (!/^0\.2(\.0+)*$/.test(version)) {
    throw new GlimpseError(`${name} line 1: unknown codes version '${shown(version, 20)}'; glimpse reads version 0.2 (character-level, subword-nmt ≥ 0.2)`);
  }
  if (all.length - 1 > SUBWORD_LIMITS.maxMerges) {
    throw new GlimpseError(`${name}: ${all.length - 1} merges is more than the limit of ${SUBWORD_LIMITS.maxMerges}`);
  }
  const merges: Array<[string, string]> = [];
  for (let i = 1; i < all.length; i++) {
    const parts = all[i]!.replace(/^[\r\n ]+|[\r\n ]+$/g, '').split(' ');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      throw new GlimpseError(`${name} line ${i + 1}: expected two symbols separated by one space, got '${shown(all[i]!, 60)}'`);
    }
    merges.push([parts[0]!, parts[1]!]);
  }
  return merges;
}

/**
 * The text of a codes file for `merges` (header, then one `A B` line per merge).
 *
 * @example
 * formatBpeCodes([['l', 'o'], ['lo', 'w</w>']]);  // '#version: 0.2\nl o\nlo w</w>\n'
 */
export function formatBpeCodes(merges: ReadonlyArray<readonly [string, string]>): string {
  let out = `${BPE_CODES_HEADER}\n`;
  for (const [a, b] of merges) out += `${a} ${b}\n`;
  return out;
}

/**
 * Parses a vocabulary file (`PIECE COUNT` per line).
 *
 * @example
 * parseBpeVocabulary('the 120\nlo@@ 7\n', 'vocab.txt').get('lo@@');  // 7
 */
export function parseBpeVocabulary(text: string, name: string): Map<string, number> {
  checkText(text, name, 'a vocabulary file (one \'PIECE COUNT\' per line)');
  const out = new Map<string, number>();
  const all = text === '' ? [] : lines(text);
  for (let i = 0; i < all.length; i++) {
    const parts = all[i]!.replace(/^[\r\n ]+|[\r\n ]+$/g, '').split(' ');
    if (parts.length !== 2 || parts[0] === '' || !/^\d+$/.test(parts[1]!)) {
      throw new GlimpseError(`${name} line ${i + 1}: expected 'PIECE COUNT' (a piece, one space, a whole number), got '${shown(all[i]!, 60)}'`);
    }
    out.set(parts[0]!, Number(parts[1]));
  }
  return out;
}

/**
 * The text of a vocabulary file: pieces by descending count (ties in first-seen order).
 *
 * @example
 * formatBpeVocabulary(new Map([['lo@@', 7], ['the', 120]]));  // 'the 120\nlo@@ 7\n'
 */
export function formatBpeVocabulary(vocabulary: ReadonlyMap<string, number>): string {
  const entries = [...vocabulary].sort((x, y) => y[1] - x[1]);
  return entries.map(([p, c]) => `${p} ${c}\n`).join('');
}

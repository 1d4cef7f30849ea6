/**
 * Tokenizers: the benchmark protocol's word tokenizer and a character tokenizer, with
 * detokenisers for showing generated text. Tensor-free and browser-safe.
 */
import { PY_WHITESPACE_CLASS } from '../util/pystring.js';

const WORD = "a-z0-9\\u00C0-\\u024F'";
// PROTOCOL.md: `[a-z0-9À-ɏ']+|[^\s a-z0-9À-ɏ']` with Python's `\s`; the `u` flag makes a
// character outside the BMP one token, as Python does.
const PROTOCOL_TOKEN = new RegExp(`[${WORD}]+|[^${PY_WHITESPACE_CLASS}${WORD}]`, 'gu');

/**
 * The protocol tokenizer shared by every benchmark workload: lowercase, then every run of
 * letters/digits/apostrophes (À–ɏ count as letters) or any single other non-space character.
 *
 * @example
 * protocolTokenize("Zwei junge weiße Männer, I'll go!");
 * // ['zwei', 'junge', 'weiße', 'männer', ',', "i'll", 'go', '!']
 */
export function protocolTokenize(line: string): string[] {
  return line.toLowerCase().match(PROTOCOL_TOKEN) ?? [];
}

/**
 * One token per Unicode character (code point), whitespace and newlines included.
 *
 * @example
 * charTokenize('To be'); // ['T', 'o', ' ', 'b', 'e']
 */
export function charTokenize(text: string): string[] {
  return Array.from(text);
}

/** Inverse of {@link charTokenize}. */
export function detokenizeChars(tokens: readonly string[]): string {
  return tokens.join('');
}

const NO_SPACE_BEFORE = new Set(['.', ',', '!', '?', ';', ':', ')', ']', '}', '%']);
const NO_SPACE_AFTER = new Set(['(', '[', '{', '$']);

/**
 * Joins protocol tokens into readable text: spaces between words, none before closing
 * punctuation or after opening brackets. Lossy (the tokenizer lowercased and dropped spacing);
 * meant for display, never for scoring.
 *
 * @example
 * detokenizeWords(['to', 'be', ',', 'or', 'not', '(', 'yes', ')', '.']); // 'to be, or not (yes).'
 */
export function detokenizeWords(tokens: readonly string[]): string {
  let out = '';
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const glue = i === 0 || NO_SPACE_BEFORE.has(t) || NO_SPACE_AFTER.has(tokens[i - 1]!);
    out += glue ? t : ` ${t}`;
  }
  return out;
}

/**
 * Lines of a text as the reference scripts read files: split on `'\n'` only (a `'\r'` stays in
 * the line), without the empty string after a final newline.
 *
 * @example
 * splitLines('a\nb\n'); // ['a', 'b']
 */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

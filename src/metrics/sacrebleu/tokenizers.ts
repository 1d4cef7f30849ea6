/**
 * sacreBLEU's tokenizers for BLEU, reproduced from sacreBLEU 2.6.0: `13a` (mteval-v13a, the
 * default), `none` and `char`. Each returns the tokens joined by single spaces, as sacreBLEU's do.
 */
import { pySplit } from '../../util/pystring.js';

export type SacreTokenizerName = '13a' | 'none' | 'char';
export const SACRE_TOKENIZERS: readonly SacreTokenizerName[] = ['13a', 'none', 'char'];

// TokenizerRegexp's four rules, applied in order with Python `re.sub` semantics (left to right,
// non-overlapping), which a global JavaScript regex shares. The first class is sacreBLEU's
// [\{-\~\[-\` -\&\(-\+\:-\@\/] spelled as code ranges: { | } ~  [ \ ] ^ _ `  space ! " # $ % &  ( ) * +  : ; < = > ? @  /.
const RULES: readonly [RegExp, string][] = [
  [/([\x7b-\x7e\x5b-\x60\x20-\x26\x28-\x2b\x3a-\x40\x2f])/gu, ' $1 '],
  [/([^0-9])([.,])/gu, '$1 $2 '], // period and comma unless preceded by a digit
  [/([.,])([^0-9])/gu, ' $1 $2'], // period and comma unless followed by a digit
  [/([0-9])(-)/gu, '$1 $2 '], //    dash when preceded by a digit
];

/** sacreBLEU's `TokenizerRegexp` (the language-dependent half of 13a). */
export function tokenizeRegexp(line: string): string {
  for (const [re, repl] of RULES) line = line.replace(re, repl);
  return pySplit(line).join(' ');
}

/**
 * The `13a` tokenizer (mteval-v13a.pl): drops `<skipped>`, joins `-\n`, unescapes four HTML
 * entities, then splits off punctuation (periods and commas only when not next to a digit).
 *
 * @example
 * tokenize13a('It wasn\'t 3.5 km, "far".'); // 'It wasn\'t 3.5 km , " far " .'
 */
export function tokenize13a(line: string): string {
  line = line.replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ');
  if (line.includes('&')) {
    line = line.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  }
  return tokenizeRegexp(` ${line} `);
}

/** The `char` tokenizer: every character (code point) separated by a space. */
export function tokenizeChar(line: string): string {
  return Array.from(line).join(' ');
}

/** The tokenizer called `name`. */
export function sacreTokenizer(name: SacreTokenizerName): (line: string) => string {
  switch (name) {
    case '13a':
      return tokenize13a;
    case 'none':
      return (line) => line;
    case 'char':
      return tokenizeChar;
  }
}

/**
 * What `sacrebleu REF [-i HYP] [-tok 13a|none|char] [-m bleu|chrf]` does for one system,
 * given the files' text: the same line splitting, the same score and signature, printed as
 * sacreBLEU's `-f text` line (or its default JSON). The CLI front door wires arguments to this.
 */
import { GlimpseError } from '../../util/errors.js';
import { pyRstrip } from '../../util/pystring.js';
import { bleuVerbose, sacreBleu, SACREBLEU_VERSION, type SacreBleuScore } from './bleu.js';
import { chrF, type ChrfScore } from './chrf.js';
import { pyFixed, pyFloatRepr } from './pyformat.js';
import { SACRE_TOKENIZERS, type SacreTokenizerName } from './tokenizers.js';

/**
 * Decodes file or stdin bytes as sacreBLEU opens them: strict UTF-8, a byte-order mark kept as a character.
 */
export function decodeUtf8(bytes: Uint8Array, name: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new GlimpseError(`${name} is not valid UTF-8 text`);
  }
}

/**
 * The lines sacreBLEU reads, each right-stripped. A file splits on `'\n'` only (a `'\r'` inside
 * a line stays and counts as whitespace); standard input uses universal newlines (`\r\n`, `\r`,
 * `\n`) and always has at least one (possibly empty) line.
 */
export function readSacrebleuLines(text: string, source: 'file' | 'stdin'): string[] {
  let lines: string[];
  if (source === 'stdin') {
    lines = text.replace(/\r\n?/g, '\n').split('\n');
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  } else {
    lines = text === '' ? [] : text.split('\n');
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  }
  return lines.map(pyRstrip);
}

/** Options of {@link bleuCommand}. */
export interface BleuCommandOptions {
  /** Reference lines (from {@link readSacrebleuLines}) and the file's name for messages. */
  refLines: readonly string[];
  refName?: string;
  /** Hypothesis lines and their source's name (a path or `'stdin'`). */
  hypLines: readonly string[];
  hypName?: string;
  /** True when the hypotheses came from standard input (sacreBLEU reads tab-separated stdin as several systems). */
  hypFromStdin?: boolean;
  metric?: 'bleu' | 'chrf';
  tokenize?: SacreTokenizerName;
  lowercase?: boolean;
  /** `'text'` (default): sacreBLEU's `-f text` line with the signature; `'json'`: sacreBLEU's default output. */
  format?: 'text' | 'json';
  /** Decimals of the score (default 2; sacreBLEU's command line defaults to 1). */
  width?: number;
  /** Print only the score (sacreBLEU's `-b`). */
  scoreOnly?: boolean;
  version?: string;
}

/** Result of {@link bleuCommand}: the lines to print, warnings for stderr and the score itself. */
export interface BleuCommandResult {
  lines: string[];
  warnings: string[];
  score: number;
  signature: string;
  details: SacreBleuScore | ChrfScore;
}

/**
 * Scores detokenised hypotheses against one reference per line as sacreBLEU's command line does.
 *
 * @example
 * const r = bleuCommand({ refLines: readSacrebleuLines(refText, 'file'), hypLines: readSacrebleuLines(hypText, 'file') });
 * console.log(r.lines.join('\n'));
 * // BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 34.56 67.8/45.6/34.5/23.4 (BP = 0.987 …)
 */
export function bleuCommand(options: BleuCommandOptions): BleuCommandResult {
  const refName = options.refName ?? 'reference';
  const hypName = options.hypName ?? (options.hypFromStdin ? 'standard input' : 'hypotheses');
  const metric = options.metric ?? 'bleu';
  if (metric !== 'bleu' && metric !== 'chrf') throw new GlimpseError(`bleu: unknown metric ${JSON.stringify(metric)}; expected bleu or chrf`);
  const tokenize = options.tokenize ?? '13a';
  if (!SACRE_TOKENIZERS.includes(tokenize)) throw new GlimpseError(`bleu: unknown tokenizer ${JSON.stringify(tokenize)}; expected ${SACRE_TOKENIZERS.join(', ')}`);
  const width = options.width ?? 2;
  if (!Number.isInteger(width) || width < 0 || width > 20) throw new GlimpseError(`bleu: width must be an integer in [0, 20], got ${width}`);
  if (options.hypLines.length === 0) throw new GlimpseError(`bleu: ${hypName} has no lines; expected one hypothesis per reference line`);
  if (options.hypFromStdin) {
    const k = options.hypLines.findIndex((l) => l.includes('\t'));
    if (k >= 0) {
      throw new GlimpseError(`bleu: line ${k + 1} of standard input contains a tab; sacreBLEU reads tab-separated input as several ` +
        'systems. Pass the hypotheses as a file with --hyp FILE');
    }
  }
  if (options.hypLines.length !== options.refLines.length) {
    throw new GlimpseError(`bleu: ${hypName} has ${options.hypLines.length} lines but ${refName} has ${options.refLines.length}; ` +
      'expected one hypothesis per reference line');
  }
  const version = options.version ?? SACREBLEU_VERSION;
  const details = metric === 'bleu'
    ? sacreBleu(options.hypLines, options.refLines, { tokenize, lowercase: options.lowercase, version })
    : chrF(options.hypLines, options.refLines, { lowercase: options.lowercase, version });
  const sc = pyFixed(details.score, width);
  const verbose = details.name === 'BLEU' ? bleuVerbose(details as SacreBleuScore) : '';
  let line: string;
  if (options.scoreOnly) line = sc;
  else if (options.format === 'json') line = scoreJson(details.name, details.score, width, details.signature, verbose);
  else line = `${details.name}|${details.signature} = ${sc}${verbose ? ` ${verbose}` : ''}`;
  return {
    lines: line.split('\n'),
    warnings: 'warnings' in details ? details.warnings : [],
    score: details.score,
    signature: details.signature,
    details,
  };
}

/** sacreBLEU's JSON (`json.dumps(d, indent=1, ensure_ascii=False)`), the score rounded to `width`. */
function scoreJson(name: string, score: number, width: number, signature: string, verbose: string): string {
  const SCORE = '\u0000score\u0000';
  const d: Record<string, string> = { name, score: SCORE, signature };
  if (verbose) d.verbose_score = verbose;
  for (const param of signature.split('|')) {
    const [k, v] = param.split(':') as [string, string];
    d[k] = v;
  }
  return JSON.stringify(d, null, 1).replace(JSON.stringify(SCORE), pyFloatRepr(Number(pyFixed(score, width))));
}

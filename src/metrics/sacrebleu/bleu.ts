/**
 * sacreBLEU-compatible BLEU on detokenised text, reproducing sacreBLEU 2.6.0's `BLEU` metric:
 * its tokenizers, per-segment statistics, smoothing (`exp` by default), brevity penalty, the
 * printed score line and the reproducibility signature.
 */
import { GlimpseError, check } from '../../util/errors.js';
import { pyRstrip, pySplit } from '../../util/pystring.js';
import { pyFixed } from './pyformat.js';
import { sacreTokenizer, type SacreTokenizerName } from './tokenizers.js';

/** The sacreBLEU version whose behaviour (and signature) this module reproduces. */
export const SACREBLEU_VERSION = '2.6.0';

export type SmoothMethod = 'exp' | 'floor' | 'add-k' | 'none';
/** Default smoothing values (Chen & Cherry 2014), as sacreBLEU's `SMOOTH_DEFAULTS`. */
export const SMOOTH_DEFAULTS: Readonly<Record<SmoothMethod, number | null>> = { none: null, floor: 0.1, 'add-k': 1, exp: null };

/** Options of {@link sacreBleu}; the defaults are sacreBLEU's. */
export interface SacreBleuOptions {
  /** Tokenizer (default `'13a'`). */
  tokenize?: SacreTokenizerName;
  /** Lowercase hypotheses and references first (default false). */
  lowercase?: boolean;
  /** Smoothing (default `'exp'`, NIST's). */
  smoothMethod?: SmoothMethod;
  /** Value for `floor` / `add-k` (default 0.1 / 1). */
  smoothValue?: number | null;
  /** Highest n-gram order (default 4). */
  maxNgramOrder?: number;
  /** Leave out orders with no n-grams (sentence-level BLEU; default false). */
  effectiveOrder?: boolean;
  /** Version written in the signature (default {@link SACREBLEU_VERSION}). */
  version?: string;
  /** Do not warn about hypotheses that look tokenized (default false). */
  force?: boolean;
}

/** A BLEU score in sacreBLEU's terms (score 0–100). */
export interface SacreBleuScore {
  name: 'BLEU';
  score: number;
  /** Matched n-grams per order (with add-k's k added from order 2, as sacreBLEU reports them). */
  counts: number[];
  totals: number[];
  /** Precisions in percent, smoothed. */
  precisions: number[];
  bp: number;
  sysLen: number;
  refLen: number;
  /** sysLen / refLen (0 when refLen is 0). */
  ratio: number;
  signature: string;
  /** What sacreBLEU would log (the "tokenized period" warning). */
  warnings: string[];
}

/** sacreBLEU's `my_log`: log, floored at −9999999999 for 0. */
function myLog(x: number): number {
  return x === 0 ? -9999999999 : Math.log(x);
}

/**
 * BLEU from its sufficient statistics, exactly as sacreBLEU's `BLEU.compute_bleu` (the static
 * method's own default smoothing is `'none'`).
 */
export function computeBleu(
  correct: readonly number[],
  total: readonly number[],
  sysLen: number,
  refLen: number,
  options: { smoothMethod?: SmoothMethod; smoothValue?: number | null; effectiveOrder?: boolean; maxNgramOrder?: number } = {},
): Omit<SacreBleuScore, 'signature' | 'warnings'> {
  const method = options.smoothMethod ?? 'none';
  check(method in SMOOTH_DEFAULTS, () => `BLEU: unknown smoothing ${JSON.stringify(method)}; expected exp, floor, add-k or none`);
  const smoothValue = options.smoothValue ?? SMOOTH_DEFAULTS[method] ?? 0;
  const maxOrder = options.maxNgramOrder ?? 4;
  const counts = [...correct];
  const totals = [...total];
  const bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0) : 1;
  const precisions = new Array<number>(maxOrder).fill(0);
  const result = (score: number): Omit<SacreBleuScore, 'signature' | 'warnings'> => ({
    name: 'BLEU', score, counts, totals, precisions, bp, sysLen, refLen, ratio: refLen ? sysLen / refLen : 0,
  });
  // No match at all: 0 without smoothing (sacreBLEU #141).
  if (!counts.some((c) => c !== 0)) return result(0);
  let smoothMteval = 1;
  let effOrder = maxOrder;
  for (let n = 1; n <= maxOrder; n++) {
    if (method === 'add-k' && n > 1) {
      counts[n - 1]! += smoothValue;
      totals[n - 1]! += smoothValue;
    }
    if (totals[n - 1] === 0) break;
    if (options.effectiveOrder) effOrder = n;
    if (counts[n - 1] === 0) {
      if (method === 'exp') {
        smoothMteval *= 2;
        precisions[n - 1] = 100 / (smoothMteval * totals[n - 1]!);
      } else if (method === 'floor') {
        precisions[n - 1] = (100 * smoothValue) / totals[n - 1]!;
      }
    } else {
      precisions[n - 1] = (100 * counts[n - 1]!) / totals[n - 1]!;
    }
  }
  let logSum = 0;
  for (let i = 0; i < effOrder; i++) logSum += myLog(precisions[i]!);
  return result(bp * Math.exp(logSum / effOrder));
}

/** Word n-gram counts of orders 1…maxOrder of a tokenized line, keyed by the space-joined n-gram, and its length. */
function wordNgrams(line: string, maxOrder: number): { ngrams: Map<string, number>[]; len: number } {
  const tokens = pySplit(line);
  const ngrams: Map<string, number>[] = [];
  for (let n = 1; n <= maxOrder; n++) {
    const m = new Map<string, number>();
    // Tokens hold no whitespace, so a space-joined key is unambiguous within one order.
    for (let i = 0; i + n <= tokens.length; i++) {
      const key = n === 1 ? tokens[i]! : tokens.slice(i, i + n).join(' ');
      m.set(key, (m.get(key) ?? 0) + 1);
    }
    ngrams.push(m);
  }
  return { ngrams, len: tokens.length };
}

/** Closest reference length; ties go to the shorter (sacreBLEU's `_get_closest_ref_len`). */
function closestRefLen(hypLen: number, refLens: readonly number[]): number {
  let bestDiff = -1;
  let best = -1;
  for (const r of refLens) {
    const diff = Math.abs(hypLen - r);
    if (bestDiff === -1 || diff < bestDiff) {
      bestDiff = diff;
      best = r;
    } else if (diff === bestDiff && r < best) {
      best = r;
    }
  }
  return best;
}

/** Normalises `refs` (one stream, or several streams) to streams and checks their lengths. */
export function referenceStreams(nHyps: number, refs: readonly string[] | readonly (readonly string[])[], metric: string): readonly (readonly string[])[] {
  check(nHyps > 0, `${metric}: no hypotheses to score`);
  const streams = refs.length > 0 && typeof refs[0] === 'string' ? [refs as readonly string[]] : (refs as readonly (readonly string[])[]);
  check(streams.length > 0, `${metric}: no references given`);
  streams.forEach((s, k) =>
    check(s.length === nHyps, () => `${metric}: ${nHyps} hypotheses but reference stream ${k + 1} has ${s.length} lines; expected one reference per hypothesis`),
  );
  return streams;
}

/** The signature, e.g. `nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0`. */
export function bleuSignature(nrefs: number, options: SacreBleuOptions = {}): string {
  const method = options.smoothMethod ?? 'exp';
  let smooth: string = method;
  const def = SMOOTH_DEFAULTS[method];
  if (def !== null) smooth += `[${pyFixed(options.smoothValue ?? def, 2)}]`;
  return [
    `nrefs:${nrefs}`,
    `case:${options.lowercase ? 'lc' : 'mixed'}`,
    `eff:${options.effectiveOrder ? 'yes' : 'no'}`,
    `tok:${options.tokenize ?? '13a'}`,
    `smooth:${smooth}`,
    `version:${options.version ?? SACREBLEU_VERSION}`,
  ].join('|');
}

/**
 * Corpus BLEU as `sacrebleu.corpus_bleu(hyps, [refs])` computes it, defaults included
 * (13a tokenizer, exp smoothing, mixed case, 4-grams).
 *
 * @example
 * const s = sacreBleu(['The dog bit the man.'], ['The dog bit the man.']);
 * s.score;             // 100
 * formatBleu(s);       // 'BLEU = 100.00 100.0/100.0/100.0/100.0 (BP = 1.000 ratio = 1.000 hyp_len = 6 ref_len = 6)'
 * s.signature;         // 'nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0'
 */
export function sacreBleu(hyps: readonly string[], refs: readonly string[] | readonly (readonly string[])[], options: SacreBleuOptions = {}): SacreBleuScore {
  const streams = referenceStreams(hyps.length, refs, 'BLEU');
  const maxOrder = options.maxNgramOrder ?? 4;
  check(Number.isInteger(maxOrder) && maxOrder >= 1, `BLEU: maxNgramOrder must be a positive integer, got ${maxOrder}`);
  const tokenize = sacreTokenizer(options.tokenize ?? '13a');
  if (typeof tokenize !== 'function') throw new GlimpseError(`BLEU: unknown tokenizer ${JSON.stringify(options.tokenize)}; expected 13a, none or char`);
  const preprocess = (s: string): string => tokenize(pyRstrip(options.lowercase ? s.toLowerCase() : s));
  const sums = new Array<number>(2 + 2 * maxOrder).fill(0);
  let tokenizedLooking = 0;
  for (let i = 0; i < hyps.length; i++) {
    const hyp = hyps[i]!;
    if (!options.force && hyp.endsWith(' .')) tokenizedLooking++;
    // References: n-gram counts merged by maximum over the references of this segment.
    const refNgrams: Map<string, number>[] = [];
    const refLens: number[] = [];
    for (let k = 0; k < streams.length; k++) {
      const { ngrams, len } = wordNgrams(preprocess(streams[k]![i]!), maxOrder);
      refLens.push(len);
      if (k === 0) refNgrams.push(...ngrams);
      else ngrams.forEach((m, n) => m.forEach((c, g) => refNgrams[n]!.set(g, Math.max(refNgrams[n]!.get(g) ?? 0, c))));
    }
    const { ngrams, len } = wordNgrams(preprocess(hyp), maxOrder);
    sums[0]! += len;
    sums[1]! += closestRefLen(len, refLens);
    for (let n = 0; n < maxOrder; n++) {
      for (const [g, c] of ngrams[n]!) {
        sums[2 + maxOrder + n]! += c;
        const rc = refNgrams[n]!.get(g);
        if (rc !== undefined) sums[2 + n]! += Math.min(c, rc);
      }
    }
  }
  const stats = computeBleu(sums.slice(2, 2 + maxOrder), sums.slice(2 + maxOrder), sums[0]!, sums[1]!, {
    smoothMethod: options.smoothMethod ?? 'exp',
    smoothValue: options.smoothValue,
    effectiveOrder: options.effectiveOrder,
    maxNgramOrder: maxOrder,
  });
  const warnings = tokenizedLooking >= 100
    ? [
      "That's 100 lines that end in a tokenized period ('.')",
      'It looks like you forgot to detokenize your test data, which may hurt your score.',
      "If you insist your data is detokenized, or don't care, you can suppress this message with the `force` parameter.",
    ]
    : [];
  return { ...stats, signature: bleuSignature(streams.length, options), warnings };
}

/**
 * sacreBLEU's score line: `BLEU = 34.56 67.8/45.6/34.5/23.4 (BP = 0.987 ratio = 0.987 hyp_len = … ref_len = …)`,
 * with `BLEU|<signature> = …` when `signature` is given (as `sacrebleu -f text`).
 */
export function formatBleu(s: Omit<SacreBleuScore, 'signature' | 'warnings'>, options: { width?: number; signature?: string } = {}): string {
  const width = options.width ?? 2;
  const head = options.signature ? `BLEU|${options.signature}` : 'BLEU';
  return `${head} = ${pyFixed(s.score, width)} ${bleuVerbose(s)}`;
}

/** The part after the score: precisions, BP, ratio and lengths. */
export function bleuVerbose(s: Omit<SacreBleuScore, 'signature' | 'warnings'>): string {
  const prec = s.precisions.map((p) => pyFixed(p, 1)).join('/');
  return `${prec} (BP = ${pyFixed(s.bp, 3)} ratio = ${pyFixed(s.ratio, 3)} hyp_len = ${s.sysLen} ref_len = ${s.refLen})`;
}

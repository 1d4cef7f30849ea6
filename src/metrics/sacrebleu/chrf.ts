/**
 * chrF (Popović 2015) and chrF++ as sacreBLEU 2.6.0 computes them; the defaults are sacreBLEU's
 * chrF2: character n-grams up to 6, no word n-grams, β = 2, whitespace removed, effective-order
 * averaging (not ε-smoothing).
 */
import { check } from '../../util/errors.js';
import { PY_WHITESPACE_CLASS, pySplit } from '../../util/pystring.js';
import { referenceStreams, SACREBLEU_VERSION } from './bleu.js';
import { IntMultiset } from './ngram-counts.js';

/** Options of {@link chrF}; the defaults are sacreBLEU's. */
export interface ChrfOptions {
  /** Character n-gram order (default 6). */
  charOrder?: number;
  /** Word n-gram order (default 0; 2 gives chrF++). */
  wordOrder?: number;
  /** Weight of recall (default 2). */
  beta?: number;
  lowercase?: boolean;
  /** Keep whitespace inside character n-grams (default false). */
  whitespace?: boolean;
  /** chrF++.py-style ε-smoothing instead of effective order (default false). */
  epsSmoothing?: boolean;
  version?: string;
}

/** A chrF score (0–100). */
export interface ChrfScore {
  /** `chrF2`, `chrF2++`, … */
  name: string;
  score: number;
  /** Corpus statistics: [hyp, ref, match] counts per order (character orders, then word orders). */
  stats: number[];
  signature: string;
}

const PUNCTS = new Set(Array.from('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'));

const PY_WHITESPACE = new RegExp(`[${PY_WHITESPACE_CLASS}]+`, 'gu');

/** The code points chrF reads from a line: all of them, or (the default) those that are not whitespace. */
function codePoints(line: string, whitespace: boolean): number[] {
  const s = whitespace ? line : line.replace(PY_WHITESPACE, '');
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.codePointAt(i)!;
    out.push(c);
    if (c > 0xffff) i++;
  }
  return out;
}

/** The reference's n-grams of one order (reused: counting allocates nothing per line). */
const REF_NGRAMS = new IntMultiset();

/**
 * [hyp, ref, match] for character orders 1…maxOrder of one hypothesis–reference pair, pushed
 * onto `out`. match = Σ_g min(count_hyp(g), count_ref(g)), counted by taking each hypothesis
 * n-gram from the reference's multiset. N-grams are numbers, not
 * strings: each distinct character of the pair gets a digit 0…K−1 and an n-gram is its digits
 * in base K, exact while K^n ≤ 2^53 (else the pair takes the string path). The counts equal
 * those of string n-grams, so the score is sacreBLEU's to the last bit.
 */
function charStats(hyp: readonly number[], ref: readonly number[], maxOrder: number, out: number[]): void {
  const digits = new Map<number, number>();
  const toDigits = (cps: readonly number[]): Float64Array => {
    const d = new Float64Array(cps.length);
    for (let i = 0; i < cps.length; i++) {
      let v = digits.get(cps[i]!);
      if (v === undefined) digits.set(cps[i]!, (v = digits.size));
      d[i] = v;
    }
    return d;
  };
  const hd = toDigits(hyp);
  const rd = toDigits(ref);
  const base = Math.max(digits.size, 1);
  if (base ** maxOrder > Number.MAX_SAFE_INTEGER) {
    charStatsByString(hyp, ref, maxOrder, out);
    return;
  }
  const h = hd.slice();
  const r = rd.slice();
  for (let n = 1; n <= maxOrder; n++) {
    const hn = Math.max(0, hd.length - n + 1);
    const rn = Math.max(0, rd.length - n + 1);
    if (n > 1) {
      // n-gram i = (n−1)-gram i · K + the digit of character i+n−1 (in place: i only reads i)
      for (let i = 0; i < hn; i++) h[i] = h[i]! * base + hd[i + n - 1]!;
      for (let i = 0; i < rn; i++) r[i] = r[i]! * base + rd[i + n - 1]!;
    }
    REF_NGRAMS.clear(rn);
    for (let i = 0; i < rn; i++) REF_NGRAMS.add(r[i]!);
    let match = 0;
    for (let i = 0; i < hn; i++) if (REF_NGRAMS.take(h[i]!)) match++;
    out.push(rn > 0 ? hn : 0, rn, match);
  }
}

/** [hyp, ref, match] of two lists of n-grams; hypothesis n-grams count only where the reference has some. */
function matchCounts<K>(hyp: readonly K[], ref: readonly K[]): [number, number, number] {
  const left = new Map<K, number>();
  for (const k of ref) left.set(k, (left.get(k) ?? 0) + 1);
  let match = 0;
  for (const k of hyp) {
    const c = left.get(k);
    if (c) {
      match++;
      left.set(k, c - 1);
    }
  }
  return [ref.length > 0 ? hyp.length : 0, ref.length, match];
}

/** The same statistics with string n-grams (a pair with too many distinct characters for numbers). */
function charStatsByString(hyp: readonly number[], ref: readonly number[], maxOrder: number, out: number[]): void {
  const grams = (cps: readonly number[], n: number): string[] => {
    const chars = cps.map((c) => String.fromCodePoint(c));
    const g: string[] = [];
    for (let i = 0; i + n <= chars.length; i++) g.push(chars.slice(i, i + n).join(''));
    return g;
  };
  for (let n = 1; n <= maxOrder; n++) out.push(...matchCounts(grams(hyp, n), grams(ref, n)));
}

function wordNgrams(words: readonly string[], n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + n <= words.length; i++) out.push(words.slice(i, i + n).join(' '));
  return out;
}

/** chrF++'s word split: punctuation is cut off one end of a word longer than one character. */
function removePunctuation(sent: string): string[] {
  const out: string[] = [];
  for (const w of pySplit(sent)) {
    const cs = Array.from(w);
    if (cs.length === 1) out.push(w);
    else if (PUNCTS.has(cs[cs.length - 1]!)) out.push(cs.slice(0, -1).join(''), cs[cs.length - 1]!);
    else if (PUNCTS.has(cs[0]!)) out.push(cs[0]!, cs.slice(1).join(''));
    else out.push(w);
  }
  return out;
}

/** The statistics of one pair: character orders, then word orders (chrF++), [hyp, ref, match] each. */
function pairStats(hyp: string, ref: string, hypChars: readonly number[], o: Required<Omit<ChrfOptions, 'version'>>): number[] {
  const stats: number[] = [];
  if (o.charOrder > 0) charStats(hypChars, codePoints(ref, o.whitespace), o.charOrder, stats);
  if (o.wordOrder > 0) {
    const hw = removePunctuation(hyp);
    const rw = removePunctuation(ref);
    for (let n = 1; n <= o.wordOrder; n++) stats.push(...matchCounts(wordNgrams(hw, n), wordNgrams(rw, n)));
  }
  return stats;
}

/** sacreBLEU's `_compute_f_score`: the F_β score (0–100) of summed statistics. */
function fScore(stats: readonly number[], order: number, beta: number, epsSmoothing: boolean): number {
  const eps = 1e-16;
  const factor = beta ** 2;
  let score = 0;
  let effectiveOrder = 0;
  let avgPrec = 0;
  let avgRec = 0;
  for (let i = 0; i < order; i++) {
    const nHyp = stats[3 * i]!;
    const nRef = stats[3 * i + 1]!;
    const nMatch = stats[3 * i + 2]!;
    const prec = nHyp > 0 ? nMatch / nHyp : eps;
    const rec = nRef > 0 ? nMatch / nRef : eps;
    const denom = factor * prec + rec;
    score += denom > 0 ? ((1 + factor) * prec * rec) / denom : eps;
    if (nHyp > 0 && nRef > 0) {
      avgPrec += prec;
      avgRec += rec;
      effectiveOrder += 1;
    }
  }
  if (epsSmoothing) return (100 * score) / order;
  if (effectiveOrder === 0) {
    avgPrec = avgRec = 0;
  } else {
    avgPrec /= effectiveOrder;
    avgRec /= effectiveOrder;
  }
  if (avgPrec + avgRec) {
    score = (1 + factor) * avgPrec * avgRec;
    score /= factor * avgPrec + avgRec;
    return 100 * score;
  }
  return 0;
}

/** The chrF signature, e.g. `nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0`. */
export function chrfSignature(nrefs: number, options: ChrfOptions = {}): string {
  return [
    `nrefs:${nrefs}`,
    `case:${options.lowercase ? 'lc' : 'mixed'}`,
    `eff:${options.epsSmoothing ? 'no' : 'yes'}`,
    `nc:${options.charOrder ?? 6}`,
    `nw:${options.wordOrder ?? 0}`,
    `space:${options.whitespace ? 'yes' : 'no'}`,
    `version:${options.version ?? SACREBLEU_VERSION}`,
  ].join('|');
}

/**
 * Corpus chrF as `sacrebleu.corpus_chrf(hyps, [refs])` computes it.
 *
 * @example
 * chrF(['a b c'], ['abc']).score; // 100 (whitespace is removed)
 */
export function chrF(hyps: readonly string[], refs: readonly string[] | readonly (readonly string[])[], options: ChrfOptions = {}): ChrfScore {
  const streams = referenceStreams(hyps.length, refs, 'chrF');
  const o = {
    charOrder: options.charOrder ?? 6,
    wordOrder: options.wordOrder ?? 0,
    beta: options.beta ?? 2,
    lowercase: options.lowercase ?? false,
    whitespace: options.whitespace ?? false,
    epsSmoothing: options.epsSmoothing ?? false,
  };
  check(Number.isInteger(o.charOrder) && o.charOrder >= 0 && Number.isInteger(o.wordOrder) && o.wordOrder >= 0 && o.charOrder + o.wordOrder > 0,
    () => `chrF: need non-negative integer orders, not both 0; got charOrder ${o.charOrder}, wordOrder ${o.wordOrder}`);
  const order = o.charOrder + o.wordOrder;
  const prep = (s: string): string => (o.lowercase ? s.toLowerCase() : s);
  const sums = new Array<number>(3 * order).fill(0);
  for (let i = 0; i < hyps.length; i++) {
    const hyp = prep(hyps[i]!);
    const hypChars = codePoints(hyp, o.whitespace);
    let best: number[] = [];
    let bestF = -1;
    for (const stream of streams) {
      const stats = pairStats(hyp, prep(stream[i]!), hypChars, o);
      const f = fScore(stats, order, o.beta, o.epsSmoothing);
      if (f > bestF) {
        bestF = f;
        best = stats;
      }
    }
    for (let k = 0; k < sums.length; k++) sums[k]! += best[k]!;
  }
  return {
    name: `chrF${o.beta}${'+'.repeat(o.wordOrder)}`,
    score: fScore(sums, order, o.beta, o.epsSmoothing),
    stats: sums,
    signature: chrfSignature(streams.length, options),
  };
}

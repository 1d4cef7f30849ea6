/**
 * chrF (Popović 2015) and chrF++ as sacreBLEU 2.6.0 computes them; the defaults are sacreBLEU's
 * chrF2: character n-grams up to 6, no word n-grams, β = 2, whitespace removed, effective-order
 * averaging (not ε-smoothing).
 */
import { check } from '../../util/errors.js';
import { pySplit } from '../../util/pystring.js';
import { referenceStreams, SACREBLEU_VERSION } from './bleu.js';

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

function charNgrams(line: string, maxOrder: number, whitespace: boolean): Map<string, number>[] {
  const chars = Array.from(whitespace ? line : pySplit(line).join(''));
  const out: Map<string, number>[] = [];
  for (let n = 1; n <= maxOrder; n++) {
    const m = new Map<string, number>();
    for (let i = 0; i + n <= chars.length; i++) {
      const g = chars.slice(i, i + n).join('');
      m.set(g, (m.get(g) ?? 0) + 1);
    }
    out.push(m);
  }
  return out;
}

function wordNgrams(words: readonly string[], n: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i + n <= words.length; i++) {
    const g = words.slice(i, i + n).join(' ');
    m.set(g, (m.get(g) ?? 0) + 1);
  }
  return m;
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

function allNgrams(sent: string, o: Required<Omit<ChrfOptions, 'version'>>): Map<string, number>[] {
  const grams = charNgrams(sent, o.charOrder, o.whitespace);
  if (o.wordOrder > 0) {
    const words = removePunctuation(sent);
    for (let n = 1; n <= o.wordOrder; n++) grams.push(wordNgrams(words, n));
  }
  return grams;
}

/** [hyp, ref, match] for one order; hypothesis n-grams do not count where the reference has none. */
function matchStats(hyp: Map<string, number>, ref: Map<string, number>): [number, number, number] {
  let match = 0;
  let hypCount = 0;
  for (const [g, c] of hyp) {
    hypCount += c;
    const r = ref.get(g);
    if (r !== undefined) match += Math.min(c, r);
  }
  let refCount = 0;
  for (const c of ref.values()) refCount += c;
  return [ref.size > 0 ? hypCount : 0, refCount, match];
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
    const hypGrams = allNgrams(prep(hyps[i]!), o);
    let best: number[] = [];
    let bestF = -1;
    for (const stream of streams) {
      const refGrams = allNgrams(prep(stream[i]!), o);
      const stats: number[] = [];
      for (let n = 0; n < order; n++) stats.push(...matchStats(hypGrams[n]!, refGrams[n]!));
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

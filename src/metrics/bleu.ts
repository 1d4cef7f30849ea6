/**
 * Corpus BLEU-4 exactly as PROTOCOL.md and the reference's `common.corpus_bleu` define it
 * (Papineni et al. 2002): clipped n-gram matches summed over the corpus, uniform weights,
 * brevity penalty, no smoothing, one reference per sentence, on token lists.
 */
import { check } from '../util/errors.js';

/** BLEU and everything it was computed from. */
export interface CorpusBleu {
  /** BLEU in [0, 1] (×100 for the usual figure). */
  bleu: number;
  /** p_n = matches_n / totals_n (0 when totals_n is 0), n = 1…maxN. */
  precisions: number[];
  /** Brevity penalty: 1 if c > r, else exp(1 − r/c) (0 when c = 0). */
  bp: number;
  /** c: total hypothesis length. */
  hypLen: number;
  /** r: total reference length. */
  refLen: number;
  /** Clipped n-gram matches per order. */
  matches: number[];
  /** Hypothesis n-grams per order. */
  totals: number[];
}

/** n-gram counts of a sentence given as token ids, keyed `"id,id,…"`, one map per order 1…maxN. */
function ngramCounts(ids: readonly number[], maxN: number): Map<string, number>[] {
  const out: Map<string, number>[] = [];
  for (let n = 1; n <= maxN; n++) {
    const m = new Map<string, number>();
    for (let i = 0; i + n <= ids.length; i++) {
      const key = ids.slice(i, i + n).join(',');
      m.set(key, (m.get(key) ?? 0) + 1);
    }
    out.push(m);
  }
  return out;
}

/**
 * Corpus BLEU of token-list hypotheses against one token-list reference each.
 * BLEU = BP · exp(Σ_n log p_n / N); 0 if any p_n is 0.
 *
 * @example
 * corpusBleu([['the', 'cat', 'sat', 'on', 'the', 'mat'], ['a', 'b', 'c', 'd']],
 *            [['the', 'cat', 'is', 'on', 'the', 'mat'], ['a', 'b', 'c', 'd', 'e']]).bleu; // 0.48767…
 */
export function corpusBleu(hyps: readonly (readonly string[])[], refs: readonly (readonly string[])[], maxN = 4): CorpusBleu {
  check(hyps.length === refs.length, () => `corpusBleu: ${hyps.length} hypotheses but ${refs.length} references; expected one reference per hypothesis`);
  check(Number.isInteger(maxN) && maxN >= 1, `corpusBleu: maxN must be a positive integer, got ${maxN}`);
  // Tokens become integer ids so n-gram keys are exact whatever characters tokens contain.
  const idOf = new Map<string, number>();
  const toIds = (toks: readonly string[]): number[] =>
    toks.map((t) => {
      let id = idOf.get(t);
      if (id === undefined) idOf.set(t, (id = idOf.size));
      return id;
    });
  const matches = new Array<number>(maxN).fill(0);
  const totals = new Array<number>(maxN).fill(0);
  let c = 0;
  let r = 0;
  for (let s = 0; s < hyps.length; s++) {
    const h = toIds(hyps[s]!);
    const ref = toIds(refs[s]!);
    c += h.length;
    r += ref.length;
    const hn = ngramCounts(h, maxN);
    const rn = ngramCounts(ref, maxN);
    for (let n = 0; n < maxN; n++) {
      for (const [g, cnt] of hn[n]!) matches[n]! += Math.min(cnt, rn[n]!.get(g) ?? 0);
      totals[n]! += Math.max(h.length - n, 0);
    }
  }
  const precisions = matches.map((m, n) => (totals[n]! > 0 ? m / totals[n]! : 0));
  let geo = 0;
  if (Math.min(...precisions) > 0) {
    let sum = 0;
    for (const p of precisions) sum += Math.log(p);
    geo = Math.exp(sum / maxN);
  }
  const bp = c > r ? 1 : c > 0 ? Math.exp(1 - r / c) : 0;
  return { bleu: bp * geo, precisions, bp, hypLen: c, refLen: r, matches, totals };
}

/** Cuts a decoded id sequence at the first `eos` (exclusive); the whole sequence if there is none. */
export function cutAtEos<T>(seq: readonly T[], eos: T): T[] {
  const k = seq.indexOf(eos);
  return k < 0 ? [...seq] : seq.slice(0, k);
}

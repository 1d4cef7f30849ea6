/**
 * Sequence accuracy as PROTOCOL W3 measures it: a prediction is cut at its first `<eos>`;
 * exact match = the whole cut prediction equals the target; token accuracy = position-wise
 * matches / target length, summed over the corpus.
 */
import { check } from '../util/errors.js';

/** Exact-match and token accuracy, overall and per length bucket. */
export interface SequenceAccuracy {
  /** Fraction of sequences predicted exactly. */
  exact: number;
  /** Σ position-wise matches / Σ target lengths. */
  tokenAccuracy: number;
  /** Number of sequences. */
  n: number;
  /** Per bucket `"lo-hi"` of source (or target) length, when buckets were given. */
  buckets?: Record<string, { exact: number; tokenAccuracy: number; n: number }>;
}

/** Options of {@link sequenceAccuracy}. */
export interface SequenceAccuracyOptions<T> {
  /** End token: predictions are cut at its first occurrence. */
  eos?: T;
  /** Inclusive length ranges, e.g. `[[10, 19], [20, 29]]` (W3b). */
  buckets?: readonly (readonly [number, number])[];
  /** Length that picks a pair's bucket (default: the target's length). */
  lengthOf?: (i: number) => number;
}

/**
 * W3's metrics of predictions against targets (targets without `<eos>`).
 *
 * @example
 * sequenceAccuracy([['c', 'b', 'a', '<eos>'], ['x', 'y']], [['c', 'b', 'a'], ['x', 'z']], { eos: '<eos>' });
 * // { exact: 0.5, tokenAccuracy: 0.8, n: 2 }
 */
export function sequenceAccuracy<T>(preds: readonly (readonly T[])[], targets: readonly (readonly T[])[], options: SequenceAccuracyOptions<T> = {}): SequenceAccuracy {
  check(preds.length === targets.length, () => `sequenceAccuracy: ${preds.length} predictions but ${targets.length} targets`);
  check(preds.length > 0, 'sequenceAccuracy: no sequences');
  const per = preds.map((p, i) => {
    const t = targets[i]!;
    const k = options.eos === undefined ? -1 : p.indexOf(options.eos);
    const seq = k < 0 ? p : p.slice(0, k);
    let matches = 0;
    for (let j = 0; j < t.length && j < seq.length; j++) if (seq[j] === t[j]) matches++;
    const exact = seq.length === t.length && matches === t.length;
    return { exact, matches, len: t.length, key: options.lengthOf ? options.lengthOf(i) : t.length };
  });
  const summarize = (sel: typeof per) => ({
    exact: sel.length ? sel.filter((x) => x.exact).length / sel.length : 0,
    tokenAccuracy: sel.reduce((a, x) => a + x.matches, 0) / Math.max(sel.reduce((a, x) => a + x.len, 0), 1),
    n: sel.length,
  });
  const out: SequenceAccuracy = summarize(per);
  if (options.buckets) {
    out.buckets = {};
    for (const [lo, hi] of options.buckets) out.buckets[`${lo}-${hi}`] = summarize(per.filter((x) => x.key >= lo && x.key <= hi));
  }
  return out;
}

/** Fraction of predictions (cut at `eos`) equal to their targets. */
export function exactMatch<T>(preds: readonly (readonly T[])[], targets: readonly (readonly T[])[], eos?: T): number {
  return sequenceAccuracy(preds, targets, { eos }).exact;
}

/** Position-wise matches / target tokens over the corpus (predictions cut at `eos`). */
export function tokenAccuracy<T>(preds: readonly (readonly T[])[], targets: readonly (readonly T[])[], eos?: T): number {
  return sequenceAccuracy(preds, targets, { eos }).tokenAccuracy;
}

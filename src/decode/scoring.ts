import { check } from '../util/errors.js';

export type LengthPenaltyKind = 'avg' | 'wu' | 'none';

export interface LengthPenaltyRule {
  readonly help: string;
  /** α when none is given. */
  readonly defaultAlpha: number;
  /** lp(|Y|): beam search ranks a finished hypothesis by log P(Y|X) / lp(|Y|) (+ the coverage penalty). */
  lp(length: number, alpha: number): number;
}

/** How beam search normalises a hypothesis's log-probability by its length. */
export const LENGTH_PENALTIES: { readonly [K in LengthPenaltyKind]: LengthPenaltyRule } = {
  avg: { help: 'lp = |Y|^α (α = 1: the per-token average)', defaultAlpha: 1, lp: (n, a) => Math.pow(n, a) },
  wu: { help: 'lp = ((5 + |Y|) / 6)^α, Wu et al. 2016 (GNMT)', defaultAlpha: 0.6, lp: (n, a) => Math.pow((5 + n) / 6, a) },
  none: { help: 'lp = 1, the raw log-probability', defaultAlpha: 0, lp: () => 1 },
};

export const LENGTH_PENALTY_KINDS = Object.keys(LENGTH_PENALTIES) as LengthPenaltyKind[];

/** Largest α and β a user may ask for. */
export const MAX_ALPHA = 10;
export const MAX_BETA = 10;

export interface ScoringOptions {
  /** Length normalisation (default `avg`). */
  lengthPenalty?: LengthPenaltyKind;
  /** α of the length penalty (default: the kind's `defaultAlpha`). */
  alpha?: number;
  /** β of the coverage penalty (default 0: off); needs a model that reports attention. */
  beta?: number;
}

/** A hypothesis scorer: s(Y, X) = log P(Y|X) / lp(|Y|) + cp(X; Y) (Wu et al. 2016, eq. 14). */
export interface Scorer {
  readonly beta: number;
  score(logProb: number, length: number, coverage: Float64Array | null): number;
}

/** Checks the options and builds the scorer. */
export function scorer(o: ScoringOptions): Scorer {
  const kind = o.lengthPenalty ?? 'avg';
  const rule = LENGTH_PENALTIES[kind];
  check(rule !== undefined, `length penalty must be one of ${LENGTH_PENALTY_KINDS.join(', ')}, got ${String(kind)}`);
  const alpha = o.alpha ?? rule.defaultAlpha;
  const beta = o.beta ?? 0;
  check(Number.isFinite(alpha) && alpha >= 0 && alpha <= MAX_ALPHA, `alpha must be a number in [0, ${MAX_ALPHA}], got ${alpha}`);
  check(Number.isFinite(beta) && beta >= 0 && beta <= MAX_BETA, `beta must be a number in [0, ${MAX_BETA}], got ${beta}`);
  return {
    beta,
    score: (logProb, length, coverage) => logProb / rule.lp(length, alpha) + (beta > 0 && coverage ? beta * coveragePenalty(coverage) : 0),
  };
}

/** Floor of a source position's coverage, so a position never attended costs log(1e-9), not −∞. */
const COVERAGE_FLOOR = 1e-9;

/**
 * Σ_i log(min(Σ_j p_ij, 1)) over source positions i, where Σ_j p_ij is the attention position i
 * received over the target steps j (Wu et al. 2016): 0 when every position got at least its
 * whole weight once, negative for positions left out.
 */
export function coveragePenalty(coverage: Float64Array): number {
  let s = 0;
  for (let i = 0; i < coverage.length; i++) s += Math.log(Math.max(Math.min(coverage[i]!, 1), COVERAGE_FLOOR));
  return s;
}

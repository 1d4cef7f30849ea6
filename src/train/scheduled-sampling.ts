/**
 * Scheduled sampling (Bengio et al. 2015): during training the decoder is fed the reference
 * token with probability ε_i, which decays with the training step i, and its own previous
 * prediction otherwise (each row and step decides on its own). The decays are a table keyed by
 * name; `none` keeps the constant `teacherForcing` probability.
 */
import { tableKeys } from '../util/table.js';

/** What a decay reads: Bengio's k, the linear slope c and floor ε, and the constant ratio. */
export interface DecayParams {
  /** k: the decay's own constant (null: the decay's default). */
  k: number | null;
  /** c: linear decay's slope per step. */
  c: number;
  /** ε: linear decay's floor. */
  min: number;
  /** The constant probability of `none`. */
  teacherForcing: number;
}

/** The settings a decay reads (a flag setting another is refused for it). */
export type DecayOption = 'k' | 'c' | 'min';

export interface DecayRule {
  /** One line for help texts. */
  readonly summary: string;
  readonly options: readonly DecayOption[];
  /** k when none is given. */
  readonly defaultK: number | null;
  /** Which k are valid, or null; the reason otherwise. */
  checkK?(k: number): string | null;
  /** ε_i: the probability of feeding the reference at step i (0-based). */
  ratio(i: number, p: DecayParams): number;
}

const kOf = (p: DecayParams, rule: DecayRule): number => p.k ?? rule.defaultK!;

const none: DecayRule = {
  summary: 'no decay: the reference with probability --teacher-forcing',
  options: [],
  defaultK: null,
  ratio: (_i, p) => p.teacherForcing,
};

const linear: DecayRule = {
  summary: 'ε_i = max(ε, k − c·i) (k default 1)',
  options: ['k', 'c', 'min'],
  defaultK: 1,
  ratio: (i, p) => Math.min(1, Math.max(p.min, kOf(p, linear) - p.c * i)),
};

const exp: DecayRule = {
  summary: 'ε_i = k^i, k < 1 (default 0.999)',
  options: ['k'],
  defaultK: 0.999,
  checkK: (k) => (k > 0 && k < 1 ? null : `exp decay needs 0 < k < 1, got ${k}`),
  ratio: (i, p) => kOf(p, exp) ** i,
};

const inverseSigmoid: DecayRule = {
  summary: 'ε_i = k / (k + exp(i/k)), k ≥ 1 (default 100)',
  options: ['k'],
  defaultK: 100,
  checkK: (k) => (k >= 1 ? null : `inverse-sigmoid decay needs k ≥ 1, got ${k}`),
  ratio: (i, p) => {
    const k = kOf(p, inverseSigmoid);
    return k / (k + Math.exp(i / k));
  },
};

const table = { none, linear, exp, 'inverse-sigmoid': inverseSigmoid } satisfies Record<string, DecayRule>;

export type SamplingDecay = keyof typeof table;
/**
 * The decays of scheduled sampling.
 * @example SAMPLING_DECAYS['inverse-sigmoid'].ratio(500, { k: 100, c: 0, min: 0, teacherForcing: 1 }) // ≈ 0.40
 */
export const SAMPLING_DECAYS: { readonly [K in SamplingDecay]: DecayRule } = table;
export const SAMPLING_DECAY_NAMES = tableKeys(SAMPLING_DECAYS);

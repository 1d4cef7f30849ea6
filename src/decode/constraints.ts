import { check } from '../util/errors.js';

/** Most lexical constraints one decode may carry (each a word or phrase that must appear). */
export const MAX_CONSTRAINTS = 16;
/** Most tokens all constraints of one decode may hold together. */
export const MAX_CONSTRAINT_TOKENS = 64;

/**
 * Lexical constraints (Post & Vilar 2018): token sequences that must each appear, contiguously,
 * in the output. A hypothesis's progress is a {@link ConstraintState}; the search keeps it
 * beside the tokens and never lets the end token come before every constraint is met, nor a
 * token after which the constraints no longer fit in the tokens left.
 */
export class ConstraintSet {
  readonly phrases: readonly (readonly number[])[];
  /** Σ |c| over the constraints. */
  readonly total: number;
  /** Every token that appears in a constraint (the only ones that can advance one). */
  readonly tokens: readonly number[];

  constructor(phrases: readonly (readonly number[])[], end: number | null) {
    check(phrases.length <= MAX_CONSTRAINTS, `at most ${MAX_CONSTRAINTS} constraints, got ${phrases.length}`);
    for (const [i, c] of phrases.entries()) {
      check(c.length > 0, `constraint ${i + 1} is empty`);
      check(end === null || !c.includes(end), `constraint ${i + 1} contains the end token`);
    }
    this.phrases = phrases.map((c) => [...c]);
    this.total = phrases.reduce((s, c) => s + c.length, 0);
    check(this.total <= MAX_CONSTRAINT_TOKENS, `the constraints hold ${this.total} tokens together; at most ${MAX_CONSTRAINT_TOKENS}`);
    this.tokens = [...new Set(phrases.flat())];
  }

  /** The state before any token. */
  start(): ConstraintState {
    return { met: this.phrases.map(() => false), needed: this.total };
  }

  /**
   * The state once `tokens` (the whole output so far, its last token the new one) is generated,
   * given `prev` (the state before that token). A constraint is met once the output ends with it.
   */
  advance(prev: ConstraintState, tokens: readonly number[]): ConstraintState {
    const met = prev.met.map((m, i) => m || endsWith(tokens, this.phrases[i]!, this.phrases[i]!.length));
    let needed = 0;
    let progress = 0;
    for (let i = 0; i < met.length; i++) {
      if (met[i]) continue;
      const c = this.phrases[i]!;
      needed += c.length;
      // The longest proper prefix of c that the output ends with: tokens already on the way.
      for (let k = c.length - 1; k > progress; k--) {
        if (endsWith(tokens, c, k)) {
          progress = k;
          break;
        }
      }
    }
    return { met, needed: needed - progress };
  }
}

/**
 * A hypothesis's progress through its constraints: which are met, and how many tokens it still
 * needs to meet all of them (finishing the constraint it is in the middle of, then the others).
 */
export interface ConstraintState {
  readonly met: readonly boolean[];
  readonly needed: number;
}

/** Whether `tokens` ends with the first `k` tokens of `c`. */
function endsWith(tokens: readonly number[], c: readonly number[], k: number): boolean {
  if (k > tokens.length) return false;
  const o = tokens.length - k;
  for (let i = 0; i < k; i++) if (tokens[o + i] !== c[i]) return false;
  return true;
}

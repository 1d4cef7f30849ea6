import { check } from '../util/errors.js';
import { ConstraintSet, type ConstraintState } from './constraints.js';
import { PROCESSORS, PROCESSOR_KINDS, type Processor, type ProcessorOptions, type ProcessorRule } from './processors/index.js';

/** One hypothesis as the processors follow it: its tokens and its constraint progress. */
export interface Track {
  readonly tokens: readonly number[];
  readonly constraints: ConstraintState | null;
}

/**
 * The one place where greedy decoding, sampling and beam search apply the processors: it
 * builds them from the options, turns a row of model log-probabilities into the scores a
 * decoder chooses from, and follows each hypothesis (tokens, constraint progress).
 *
 * @example
 * const steer = new Steering({ noRepeatNgram: 3, minLength: 5 }, { vocabSize: V, end: EOS, maxTokens: 50 });
 * let track = steer.start();
 * const scores = steer.scores(logProbs.subarray(0, V), track); // choose a token j from these
 * track = steer.advance(track, j);
 */
export class Steering {
  private readonly soft: Processor[] = [];
  private readonly hard: Processor[] = [];
  private readonly set: ConstraintSet | null;

  constructor(options: ProcessorOptions, decode: { vocabSize: number; end: number | null; maxTokens: number }) {
    const phrases = options.constraints ?? [];
    for (const [i, c] of phrases.entries()) {
      for (const t of c) check(Number.isInteger(t) && t >= 0 && t < decode.vocabSize, `constraint ${i + 1} has token ${t}, not a token id in [0, ${decode.vocabSize})`);
    }
    this.set = phrases.length ? new ConstraintSet(phrases, decode.end) : null;
    if (this.set) {
      const room = this.set.total + (options.prefix?.length ?? 0);
      check(room <= decode.maxTokens, `the prefix and constraints need ${room} tokens, more than the ${decode.maxTokens} allowed`);
    }
    const ctx = { ...decode, constraints: this.set };
    for (const kind of PROCESSOR_KINDS) {
      const value = options[kind];
      if (value === undefined) continue;
      // One rule per kind; the cast pairs the rule with its own option's type.
      const p = (PROCESSORS[kind] as ProcessorRule<typeof kind>).build(value as never, ctx);
      if (p) (p.hard ? this.hard : this.soft).push(p);
    }
  }

  /** Whether any processor is on (when not, decoders use the model's log-probabilities as they are). */
  get active(): boolean {
    return this.soft.length + this.hard.length > 0;
  }

  /** The lexical constraints, for beam search's allocation (null without). */
  get constraints(): ConstraintSet | null {
    return this.set;
  }

  start(): Track {
    return { tokens: [], constraints: this.set ? this.set.start() : null };
  }

  advance(track: Track, token: number): Track {
    const tokens = [...track.tokens, token];
    return { tokens, constraints: this.set && track.constraints ? this.set.advance(track.constraints, tokens) : null };
  }

  /**
   * The scores [V] to choose the next token of `track` from, given the model's log-probabilities
   * `raw` [V] (left untouched). When the soft processors leave no token, they give way to the hard
   * ones alone; the hard ones never conflict given the checks made when building them.
   */
  scores(raw: Float32Array, track: Track): Float32Array {
    if (!this.active) return raw;
    const s = Float32Array.from(raw);
    for (const p of this.soft) p.apply(s, raw, track);
    for (const p of this.hard) p.apply(s, raw, track);
    if (anyFinite(s)) return s;
    s.set(raw);
    for (const p of this.hard) p.apply(s, raw, track);
    return anyFinite(s) ? s : Float32Array.from(raw);
  }
}

function anyFinite(s: Float32Array): boolean {
  for (let j = 0; j < s.length; j++) if (s[j]! > -Infinity) return true;
  return false;
}

/**
 * The sizes a client of `glimpse serve` controls, each bounded: the server's operator picks
 * each limit (a flag of `glimpse serve`) up to its hard bound, so no request can ask for an
 * allocation that runs until the process is killed.
 */

import { GlimpseError } from '../util/errors.js';

/** The limits of a server, one per key of {@link SERVE_LIMITS}. */
export interface ServeLimits {
  /** Largest request body in bytes. */
  bodyBytes: number;
  /** Longest input text in characters. */
  inputChars: number;
  /** Longest input in the model's tokens (after tokenisation). */
  inputTokens: number;
  /** Most texts in one request. */
  texts: number;
  /** Widest beam (also bounded by the target vocabulary). */
  beam: number;
  /** Most output tokens one request may ask for. */
  maxTokens: number;
  /** Most requests accepted at once (decoding or waiting); one more is answered 503. */
  queue: number;
  /** Most texts decoded in one greedy batch. */
  batch: number;
}

export type ServeLimitKey = keyof ServeLimits;

/** One limit: what it bounds, its default and the largest value an operator may set. */
export interface ServeLimitRule {
  readonly help: string;
  readonly default: number;
  readonly max: number;
}

/** Every limit, with its default and hard bound. */
export const SERVE_LIMITS: { readonly [K in ServeLimitKey]: ServeLimitRule } = {
  bodyBytes: { help: 'largest request body in bytes', default: 64 * 1024, max: 16 * 1024 * 1024 },
  inputChars: { help: 'longest input text in characters', default: 2000, max: 1_000_000 },
  inputTokens: { help: 'longest input in the model\'s tokens', default: 512, max: 100_000 },
  texts: { help: 'most texts in one request', default: 64, max: 10_000 },
  beam: { help: 'widest beam (and at most the target vocabulary)', default: 16, max: 1000 },
  maxTokens: { help: 'most output tokens a request may ask for', default: 200, max: 10_000 },
  queue: { help: 'most requests accepted at once (decoding or waiting); more are answered 503', default: 64, max: 100_000 },
  batch: { help: 'most texts decoded together in one greedy batch', default: 32, max: 1024 },
};

export const SERVE_LIMIT_KEYS = Object.keys(SERVE_LIMITS) as ServeLimitKey[];

/** The default limits, overridden by `given` (each checked against its bound by the caller). */
export function resolveLimits(given: Partial<ServeLimits> = {}): ServeLimits {
  const out = {} as ServeLimits;
  for (const k of SERVE_LIMIT_KEYS) out[k] = given[k] ?? SERVE_LIMITS[k].default;
  return out;
}

/** Default output length of a request that does not say (the CLI's default). */
export const DEFAULT_MAX_TOKENS = 50;

/** Checks operator-given limits against their bounds (one line naming the limit) and fills defaults. */
export function checkLimits(given: Partial<ServeLimits>, name: (key: ServeLimitKey) => string = (k) => k): ServeLimits {
  const limits = resolveLimits(given);
  for (const k of SERVE_LIMIT_KEYS) {
    const v = limits[k];
    if (!Number.isInteger(v) || v < 1 || v > SERVE_LIMITS[k].max) {
      throw new GlimpseError(`${name(k)} must be an integer from 1 to ${SERVE_LIMITS[k].max.toLocaleString('en-US')}, got ${v}`);
    }
  }
  return limits;
}

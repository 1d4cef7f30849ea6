/**
 * A request's decoding options as the library's: the same rules as `glimpse translate`'s
 * flags (src/cli/search-flags.ts), answered with one message naming the field. An option that
 * would change nothing (a length penalty with greedy search, top-k without sampling) is refused
 * rather than ignored.
 */
import { MAX_CONSTRAINT_TOKENS } from '../decode/index.js';
import { type SearchSettings, type TrainedModel, encodeTarget } from '../train/index.js';
import { GlimpseError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { DEFAULT_MAX_TOKENS } from './limits.js';
import type { TranslateBody } from './schemas.js';

/** A request the server refuses: its HTTP status and one message. */
export class RequestError extends GlimpseError {
  override readonly name = 'RequestError';
  constructor(message: string, readonly statusCode = 400) {
    super(message);
  }
}

type Seq2SeqModel = Extract<TrainedModel, { kind: 'seq2seq' }>;

/** The translation options of one request, resolved. */
export interface TranslateRequest {
  beam: number;
  nBest: number;
  maxTokens: number;
  search: SearchSettings;
  prefix?: string;
  constraints?: string[];
  attention: boolean;
  /** Plain greedy search: may share a batch with other requests of the same `batchKey`. */
  greedy: boolean;
  /** What batched requests must agree on (output length and processors). */
  batchKey: string;
}

const RANKING: readonly (keyof TranslateBody)[] = ['lengthPenalty', 'alpha', 'beta'];
const SAMPLING: readonly (keyof TranslateBody)[] = ['temperature', 'topK', 'topP', 'seed'];

/** The output length of a request that does not say: the CLI's default, within the server's limit. */
export const defaultMaxTokens = (limit: number) => Math.min(DEFAULT_MAX_TOKENS, limit);

/**
 * Resolves and checks a `/translate` body's options against the model (status 400 on misuse);
 * `maxTokensLimit` is the server's bound on output length.
 */
export function translateRequest(m: Seq2SeqModel, b: TranslateBody, maxTokensLimit: number): TranslateRequest {
  const beam = b.beam ?? 1;
  const nBest = b.nBest ?? 1;
  const maxTokens = b.maxTokens ?? defaultMaxTokens(maxTokensLimit);
  const sample = b.sample === true;
  for (const k of RANKING) {
    if (b[k] === undefined) continue;
    if (sample) throw new RequestError(`${k} ranks beam search hypotheses, not samples`);
    if (beam === 1 && nBest === 1) throw new RequestError(`${k} ranks beam search hypotheses; it needs beam 2 or more`);
  }
  for (const k of SAMPLING) if (b[k] !== undefined && !sample) throw new RequestError(`${k} applies to sampling: add "sample": true`);
  if (sample && beam > 1) throw new RequestError(`sample draws tokens instead of searching; it does not go with beam ${beam}`);
  if (!sample && nBest > beam) throw new RequestError(`nBest ${nBest} needs a beam of at least ${nBest}, got ${beam}`);
  if (b.alpha !== undefined && b.lengthPenalty === 'none') throw new RequestError('alpha sets the length penalty, and lengthPenalty "none" has none');
  if (b.minLength !== undefined && b.minLength >= maxTokens) throw new RequestError(`minLength ${b.minLength} must be below maxTokens ${maxTokens}`);
  if (beam > m.vocabs.tgt.size) throw new RequestError(`beam ${beam} is larger than the target vocabulary (${m.vocabs.tgt.size} tokens); a beam never needs more`);
  const prefix = b.prefix !== undefined ? asRequestError(() => encodeTarget(m, b.prefix!, 'prefix')).length : 0;
  const total = (b.constraints ?? []).reduce((n, c, i) => n + asRequestError(() => encodeTarget(m, c, `constraints[${i}]`)).length, 0);
  if (total > MAX_CONSTRAINT_TOKENS) throw new RequestError(`constraints hold ${total} tokens together; at most ${MAX_CONSTRAINT_TOKENS}`);
  if (prefix + total > maxTokens) throw new RequestError(`prefix and constraints need ${prefix + total} tokens, more than maxTokens ${maxTokens}`);
  const processors = {
    ...(b.noRepeatNgram !== undefined ? { noRepeatNgram: b.noRepeatNgram } : {}),
    ...(b.repetitionPenalty !== undefined ? { repetitionPenalty: b.repetitionPenalty } : {}),
    ...(b.minLength !== undefined ? { minLength: b.minLength } : {}),
  };
  const search: SearchSettings = {
    ...processors,
    ...(b.lengthPenalty !== undefined ? { lengthPenalty: b.lengthPenalty } : {}),
    ...(b.alpha !== undefined ? { alpha: b.alpha } : {}),
    ...(b.beta !== undefined ? { beta: b.beta } : {}),
    ...(sample ? {
      sample: {
        ...(b.temperature !== undefined ? { temperature: b.temperature } : {}),
        ...(b.topK !== undefined ? { topK: b.topK } : {}),
        ...(b.topP !== undefined ? { topP: b.topP } : {}),
        rng: new Rng(b.seed ?? 1),
      },
    } : {}),
  };
  const greedy = beam === 1 && nBest === 1 && !sample && b.prefix === undefined && !b.constraints?.length;
  return {
    beam, nBest, maxTokens, search, attention: b.attention === true, greedy,
    batchKey: JSON.stringify({ maxTokens, ...processors }),
    ...(b.prefix !== undefined ? { prefix: b.prefix } : {}),
    ...(b.constraints?.length ? { constraints: b.constraints } : {}),
  };
}

/** Runs `f`, turning the library's one-line errors about the input into 400s. */
export function asRequestError<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof GlimpseError && !(e instanceof RequestError)) throw new RequestError(e.message);
    throw e;
  }
}

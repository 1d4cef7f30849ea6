/**
 * The JSON schemas of the request bodies, built from the server's limits: Fastify validates
 * every body against them (unknown fields, wrong types and out-of-range numbers are 400s), and
 * the OpenAPI description serves the same objects. Option names are the CLI's flags in
 * camelCase (`--n-best` → `nBest`, `--no-repeat-ngram` → `noRepeatNgram`).
 */
import { LENGTH_PENALTY_KINDS, MAX_ALPHA, MAX_BETA, MAX_CONSTRAINTS, MAX_NGRAM } from '../decode/index.js';
import type { ServeLimits } from './limits.js';

/** A JSON schema, as plain data. */
export type JsonSchema = { [key: string]: unknown };

const text = (limits: ServeLimits, description: string): JsonSchema => ({ type: 'string', minLength: 1, maxLength: limits.inputChars, description });
const int = (minimum: number, maximum: number, description: string): JsonSchema => ({ type: 'integer', minimum, maximum, description });
const num = (minimum: number, maximum: number, description: string, exclusive = false): JsonSchema => ({
  type: 'number', ...(exclusive ? { exclusiveMinimum: minimum } : { minimum }), maximum, description,
});

/** Options `/translate` and `/generate` share. */
function processorProps(): JsonSchema {
  return {
    noRepeatNgram: int(1, MAX_NGRAM, 'never generate the same n-gram twice'),
    repetitionPenalty: num(0, 100, 'CTRL repetition penalty θ on tokens already generated (1: off)', true),
    topK: int(0, 10_000_000, 'sampling: among the k most likely tokens (0: all)'),
    topP: num(0, 1, 'sampling: among the most likely tokens holding probability p', true),
    seed: int(0, 2 ** 32 - 1, 'sampling: random seed (the same seed repeats the output; default 1)'),
    attention: { type: 'boolean', description: 'return the attention weights of the best output' },
  };
}

/** Body of `POST /translate`: one of `text` or `texts`, and the decoding options. */
export function translateBody(limits: ServeLimits): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      text: text(limits, 'one input'),
      texts: { type: 'array', minItems: 1, maxItems: limits.texts, items: text(limits, 'an input'), description: 'several inputs' },
      beam: int(1, limits.beam, 'beam size (1: greedy, the default)'),
      nBest: int(1, limits.beam, 'hypotheses returned per input (at most the beam; with sample: samples drawn)'),
      maxTokens: int(1, limits.maxTokens, 'longest output (default 50, or the limit if lower)'),
      lengthPenalty: { type: 'string', enum: [...LENGTH_PENALTY_KINDS], description: 'beam search length normalisation' },
      alpha: num(0, MAX_ALPHA, 'α of the length penalty'),
      beta: num(0, MAX_BETA, 'coverage penalty β'),
      minLength: int(0, limits.maxTokens, 'no end of sentence before this many output tokens'),
      prefix: text(limits, 'target text every output starts with (forced decoding)'),
      constraints: { type: 'array', maxItems: MAX_CONSTRAINTS, items: text(limits, 'target words'), description: 'target words every output must contain' },
      sample: { type: 'boolean', description: 'sample instead of searching' },
      temperature: num(0, 100, 'sampling temperature', true),
      ...processorProps(),
    },
  };
}

/** Body of `POST /generate` (language models). */
export function generateBody(limits: ServeLimits): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['prompt'],
    properties: {
      prompt: text(limits, 'text to continue'),
      maxTokens: int(1, limits.maxTokens, 'tokens to generate (default 50, or the limit if lower)'),
      temperature: num(0, 100, '0: greedy; else the sampling temperature (default 1)'),
      ...processorProps(),
    },
  };
}

/** The body types the schemas describe (what a handler receives once Fastify validated it). */
export interface TranslateBody {
  text?: string;
  texts?: string[];
  beam?: number;
  nBest?: number;
  maxTokens?: number;
  lengthPenalty?: (typeof LENGTH_PENALTY_KINDS)[number];
  alpha?: number;
  beta?: number;
  minLength?: number;
  prefix?: string;
  constraints?: string[];
  sample?: boolean;
  temperature?: number;
  noRepeatNgram?: number;
  repetitionPenalty?: number;
  topK?: number;
  topP?: number;
  seed?: number;
  attention?: boolean;
}

export interface GenerateBody {
  prompt: string;
  maxTokens?: number;
  temperature?: number;
  noRepeatNgram?: number;
  repetitionPenalty?: number;
  topK?: number;
  topP?: number;
  seed?: number;
  attention?: boolean;
}

/**
 * The OpenAPI 3.1 description `GET /openapi.json` serves, written from the same request schemas
 * Fastify validates with (OpenAPI 3.1 schemas are JSON Schema), so the two cannot drift apart.
 */
import type { TrainedModel } from '../train/index.js';
import type { JsonSchema } from './schemas.js';

const error = { type: 'object', required: ['error'], properties: { error: { type: 'string', description: 'what was wrong, in one line (naming the field)' } } };
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), {
  description: ({ 400: 'bad request: malformed JSON, unknown field, wrong type, value out of range, unreadable input', 413: 'body too large', 415: 'body is not JSON', 503: 'queue full (or shutting down): try again later' } as Record<number, string>)[c] ?? 'error',
  content: { 'application/json': { schema: error } },
}]));
const json = (schema: JsonSchema, description: string) => ({ description, content: { 'application/json': { schema } } });

const hypothesis = {
  type: 'object',
  properties: { text: { type: 'string' }, tokens: { type: 'array', items: { type: 'string' } }, score: { type: 'number' }, finished: { type: 'boolean' } },
};
const translation = {
  ...hypothesis,
  properties: {
    ...hypothesis.properties,
    hypotheses: { type: 'array', items: hypothesis, description: 'with nBest > 1: every hypothesis, best first' },
    attention: {
      type: 'object', description: 'with attention: true; weights[t][s] for output token t over source token s',
      properties: { source: { type: 'array', items: { type: 'string' } }, target: { type: 'array', items: { type: 'string' } }, weights: { type: 'array', items: { type: 'array', items: { type: 'number' } } } },
    },
  },
};

/** The OpenAPI document for a server of this model. */
export function openApi(t: TrainedModel, translateBody: JsonSchema, generateBody: JsonSchema) {
  return {
    openapi: '3.1.0',
    info: { title: `glimpse serve (${t.config.task})`, version: '1', description: 'Translation and generation with a glimpse run. Errors are {"error": "…"} with a 4xx or 503 status.' },
    paths: {
      '/health': { get: { summary: 'liveness and queue occupancy', responses: { 200: json({ type: 'object', properties: { status: { const: 'ok' }, pending: { type: 'integer' }, capacity: { type: 'integer' } } }, 'up') } } },
      '/info': { get: { summary: 'the model, vocabularies, options and limits', responses: { 200: json({ type: 'object' }, 'model description') } } },
      '/openapi.json': { get: { summary: 'this document', responses: { 200: json({ type: 'object' }, 'OpenAPI 3.1') } } },
      '/translate': {
        post: {
          summary: 'translate "text" or "texts" (seq2seq runs); greedy requests are batched across callers',
          requestBody: { required: true, content: { 'application/json': { schema: translateBody } } },
          responses: { 200: json({ type: 'object', properties: { translations: { type: 'array', items: translation } } }, 'one translation per input, in order'), ...errors(400, 413, 415, 503) },
        },
      },
      '/generate': {
        post: {
          summary: 'continue "prompt" (language model runs)',
          requestBody: { required: true, content: { 'application/json': { schema: generateBody } } },
          responses: {
            200: json({ type: 'object', properties: { text: { type: 'string' }, tokens: { type: 'array', items: { type: 'string' } }, unknown: { type: 'array', items: { type: 'string' } }, attention: { type: ['object', 'null'] } } }, 'the prompt and its continuation'),
            ...errors(400, 413, 415, 503),
          },
        },
      },
    },
  };
}

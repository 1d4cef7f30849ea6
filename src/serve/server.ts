/**
 * `glimpse serve`'s HTTP server: a small JSON API over one trained run (or an ensemble), on
 * Fastify. Bodies are validated against the schemas of `schemas.ts` (no coercion, no silently
 * dropped fields); every refusal is `{"error": "one line"}` with a 4xx status; decoding goes
 * through a bounded {@link BatchQueue} that answers 503 when full.
 */
import { basename } from 'node:path';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { type TrainedModel, checkEnsemble, encodeInput } from '../train/index.js';
import { GlimpseError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { type Job, type JobResult, jobRule } from './jobs.js';
import type { ServeLimits } from './limits.js';
import { openApi } from './openapi.js';
import { RequestError, asRequestError, defaultMaxTokens, translateRequest } from './options.js';
import { BatchQueue, QueueFullError } from './queue.js';
import { type GenerateBody, type TranslateBody, generateBody, translateBody } from './schemas.js';
import { formatGeneration, formatTranslation } from './responses.js';

export interface ServerOptions {
  /** The model (several: an ensemble of one task with the same vocabularies). */
  models: readonly TrainedModel[];
  /** Where they came from (run folders), for `/info`. */
  runs: readonly string[];
  limits: ServeLimits;
  /** Milliseconds a batch waits for more requests before it decodes (default 1; 0: no wait). */
  batchWaitMs?: number;
  /** Where to write one line per request (accepted into the queue, and answered); default: nowhere. */
  log?: (line: string) => void;
}

/** An Ajv error as one line naming the field, e.g. `beam must be <= 16`, `unknown field "foo"`. */
function ajvMessage(e: { instancePath: string; keyword: string; params: Record<string, unknown>; message?: string }): string {
  const field = e.instancePath.replace(/^\//, '').replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.');
  if (e.keyword === 'additionalProperties') return `unknown field ${JSON.stringify(e.params.additionalProperty)}${field ? ` in ${field}` : ''} (see GET /info for the options)`;
  if (e.keyword === 'required') return `missing field ${JSON.stringify(e.params.missingProperty)}`;
  return `${field || 'the body'} ${e.message ?? 'is not valid'}`;
}

/**
 * Builds the server (not yet listening): `await app.listen({ port, host })`, `await app.close()`.
 *
 * @example
 * const { app } = createServer({ models: [loadTrainedModel('runs/rev')], runs: ['runs/rev'], limits: resolveLimits() });
 * await app.listen({ port: 8080, host: '127.0.0.1' });
 */
export function createServer(o: ServerOptions): { app: FastifyInstance; queue: BatchQueue<Job, JobResult> } {
  const { models, limits } = o;
  checkEnsemble(models, o.runs);
  const trained = models[0]!;
  const queue = new BatchQueue(jobRule(models), limits.queue, limits.batch, o.batchWaitMs ?? 1);
  const tSchema = translateBody(limits);
  const gSchema = generateBody(limits);
  const app = Fastify({
    bodyLimit: limits.bodyBytes,
    logger: false,
    // Only JSON bodies: text/plain (which Fastify reads by default) is a 415 like any other type.
    return503OnClosing: true,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
    schemaErrorFormatter: (errors) => new RequestError(ajvMessage(errors[0]!)),
  });

  app.removeContentTypeParser('text/plain');
  app.setErrorHandler((err: FastifyError, _req, reply) => {
    if (err instanceof QueueFullError) return reply.code(503).header('retry-after', '1').send({ error: err.message });
    if (err instanceof RequestError) return reply.code(err.statusCode).send({ error: err.message });
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send({ error: `the body is larger than ${limits.bodyBytes} bytes (the server's limit)` });
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return reply.code(415).send({ error: 'send the body as JSON, with content-type: application/json' });
    if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return reply.code(400).send({ error: 'the body is empty: send a JSON object' });
    if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') return reply.code(400).send({ error: 'the body is not valid JSON (send one JSON object)' });
    if (err instanceof GlimpseError) return reply.code(400).send({ error: err.message.split('\n')[0] });
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) process.stderr.write(`glimpse serve: ${err.stack ?? err.message}\n`);
    return reply.code(status).send({ error: status === 500 ? `internal error: ${err.message}` : err.message });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: `no route ${req.method} ${req.url.split('?')[0]}; see GET /openapi.json` }));

  const log = o.log;
  if (log) {
    app.addHook('onResponse', async (req, reply) => log(`${req.method} ${req.url} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)} ms`));
  }
  /** Queues a job, logging that it was accepted (after this line, shutdown waits for its answer). */
  const enqueue = (job: Job, what: string) => {
    const answer = queue.push(job);
    log?.(`${what} queued (${queue.pending} pending of ${queue.capacity})`);
    return answer;
  };

  app.get('/health', async () => ({ status: 'ok', pending: queue.pending, capacity: queue.capacity }));
  app.get('/info', async () => info(o, tSchema, gSchema));
  app.get('/openapi.json', async () => openApi(trained, tSchema, gSchema));

  app.post('/translate', { schema: { body: tSchema } }, async (req) => {
    if (trained.kind !== 'seq2seq') throw new RequestError(`this server runs a language model (${trained.config.task}); POST /generate`);
    const body = req.body as TranslateBody;
    if ((body.text === undefined) === (body.texts === undefined)) throw new RequestError('give "text" (one input) or "texts" (several), not both and not neither');
    const request = translateRequest(trained, body, limits.maxTokens);
    const texts = body.texts ?? [body.text!];
    texts.forEach((t, i) => checkInput(trained, t, body.texts ? `texts[${i}]` : 'text', limits));
    const r = await enqueue({ kind: 'translate', texts, request }, `POST /translate: ${texts.length} text(s)`);
    if (r.kind !== 'translate') throw new Error('a translation job answered with a generation');
    return { translations: r.translations.map((t) => formatTranslation(t, request)) };
  });

  app.post('/generate', { schema: { body: gSchema } }, async (req) => {
    if (trained.kind !== 'lm') throw new RequestError(`this server runs a ${trained.config.task} translation model; POST /translate`);
    const b = req.body as GenerateBody;
    const temperature = b.temperature ?? 1;
    if (temperature === 0 && (b.topK !== undefined || b.topP !== undefined || b.seed !== undefined)) {
      throw new RequestError('temperature 0 is greedy decoding; topK, topP and seed apply to sampling');
    }
    checkInput(trained, b.prompt, 'prompt', limits);
    const r = await enqueue({
      kind: 'generate', prompt: b.prompt,
      options: {
        maxTokens: b.maxTokens ?? defaultMaxTokens(limits.maxTokens), temperature, rng: new Rng(b.seed ?? 1),
        ...(b.topK !== undefined ? { topK: b.topK } : {}), ...(b.topP !== undefined ? { topP: b.topP } : {}),
        ...(b.noRepeatNgram !== undefined ? { noRepeatNgram: b.noRepeatNgram } : {}),
        ...(b.repetitionPenalty !== undefined ? { repetitionPenalty: b.repetitionPenalty } : {}),
      },
    }, 'POST /generate');
    if (r.kind !== 'generate') throw new Error('a generation job answered with translations');
    return formatGeneration(r.generation, b.attention === true);
  });
  return { app, queue };
}

/** Refuses an input the model cannot read or that is longer than the limit (400 naming the field). */
function checkInput(m: TrainedModel, text: string, field: string, limits: ServeLimits): void {
  const e = asRequestError(() => encodeInput(m, text));
  if (e.tokens.length === 0) throw new RequestError(`${field} is empty after tokenisation`);
  if (e.tokens.length > limits.inputTokens) throw new RequestError(`${field} has ${e.tokens.length} tokens; at most ${limits.inputTokens}`);
}

/** `/info`: the model, its vocabularies, the options and limits. */
function info(o: ServerOptions, tSchema: Record<string, unknown>, gSchema: Record<string, unknown>) {
  const t = o.models[0]!;
  const route = t.kind === 'seq2seq' ? 'POST /translate' : 'POST /generate';
  const schema = t.kind === 'seq2seq' ? tSchema : gSchema;
  return {
    // Folder names only: the server's file system is none of its clients' business.
    runs: o.runs.map((r) => basename(r.replace(/[/\\]+$/, ''))),
    kind: t.kind,
    task: t.config.task,
    model: t.config.model,
    vocab: t.kind === 'seq2seq' ? { source: t.vocabs.src.size, target: t.vocabs.tgt.size } : { lm: t.vocabs.lm.size },
    endpoint: route,
    options: schema.properties,
    limits: o.limits,
  };
}

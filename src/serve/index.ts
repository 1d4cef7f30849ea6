/**
 * `glimpse serve`'s HTTP server (Node only): a JSON API over a trained run with bounded inputs,
 * a bounded batching queue and an OpenAPI description.
 *
 * @example
 * import { createServer, resolveLimits, loadTrainedModel } from 'glimpse/node';
 * const { app } = createServer({ models: [loadTrainedModel('runs/rev')], runs: ['runs/rev'], limits: resolveLimits({ beam: 8 }) });
 * await app.listen({ port: 8080, host: '127.0.0.1' });
 *
 * @packageDocumentation
 */
export { createServer, type ServerOptions } from './server.js';
export { SERVE_LIMITS, SERVE_LIMIT_KEYS, DEFAULT_MAX_TOKENS, resolveLimits, checkLimits, type ServeLimits, type ServeLimitKey, type ServeLimitRule } from './limits.js';
export { BatchQueue, QueueFullError, type BatchRule } from './queue.js';
export { RequestError } from './options.js';

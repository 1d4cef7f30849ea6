/**
 * What the queue runs: a request's texts translated (greedy ones batched with other requests'),
 * or a prompt continued. Requests are checked before they are queued, so a batch fails only on
 * something unexpected.
 */
import { type Generation, type GenerateOptions, type TrainedModel, type Translation, generateText, translateBatch, translateText } from '../train/index.js';
import type { BatchRule } from './queue.js';
import type { TranslateRequest } from './options.js';

export type Job =
  | { kind: 'translate'; texts: string[]; request: TranslateRequest }
  | { kind: 'generate'; prompt: string; options: GenerateOptions };

export type JobResult = { kind: 'translate'; translations: Translation[] } | { kind: 'generate'; generation: Generation };

/** Greedy translations with the same output length and processors go together; the rest run alone. */
export function jobRule(models: readonly TrainedModel[]): BatchRule<Job, JobResult> {
  return {
    key: (j) => (j.kind === 'translate' && j.request.greedy ? j.request.batchKey : null),
    size: (j) => (j.kind === 'translate' ? j.texts.length : 1),
    run(jobs) {
      const first = jobs[0]!;
      if (first.kind === 'generate') return jobs.map((j) => ({ kind: 'generate', generation: generateText(models[0]!, (j as typeof first).prompt, (j as typeof first).options) }));
      if (first.request.greedy) {
        const all = jobs.flatMap((j) => (j.kind === 'translate' ? j.texts : []));
        const out = translateBatch(models, all, { maxTokens: first.request.maxTokens, search: first.request.search });
        let k = 0;
        return jobs.map((j) => {
          const n = j.kind === 'translate' ? j.texts.length : 0;
          const translations = out.slice(k, k + n);
          k += n;
          return { kind: 'translate', translations };
        });
      }
      return jobs.map((j) => {
        if (j.kind !== 'translate') throw new Error('a translation batch holds only translations');
        const r = j.request;
        return {
          kind: 'translate',
          translations: j.texts.map((text) => translateText(models, text, {
            beam: r.beam, nBest: r.nBest, maxTokens: r.maxTokens, search: r.search,
            ...(r.prefix !== undefined ? { prefix: r.prefix } : {}), ...(r.constraints ? { constraints: r.constraints } : {}),
          })),
        };
      });
    },
  };
}

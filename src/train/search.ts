import {
  type Hypothesis, type ProcessorOptions, type SamplingOptions, type ScoringOptions, type StepModel,
  beamSearch, ensemble, greedy, sample,
} from '../decode/index.js';
import type { Vocab } from '../data/index.js';
import type { SourceBatch } from '../models/index.js';
import type { Seq2SeqLike } from '../models/index.js';
import { GlimpseError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import type { TrainedModel } from './model.js';
import { RUN_FILES } from './run-file.js';

/**
 * How to decode a translation, beyond the beam size: the decoders' processors and beam
 * search's scoring (token ids; `translateText` takes the prefix and constraints as text), or
 * sampling instead of search.
 */
export interface SearchSettings extends Omit<ProcessorOptions, 'prefix' | 'constraints'>, ScoringOptions {
  /** Sample (temperature, top-k, top-p) instead of searching; n-best then draws that many samples. */
  sample?: SamplingOptions & { rng: Rng };
}

/**
 * One or several models decoding together: a single model's own step model, or their
 * ensemble (averaged log-probabilities), with the matching start state.
 */
export function seq2seqDecoder(models: readonly Seq2SeqLike[], batch: SourceBatch): { step: StepModel<unknown>; state: unknown } {
  if (models.length === 1) return { step: models[0]!.asStepModel() as StepModel<unknown>, state: models[0]!.startState(batch) };
  return { step: ensemble(models.map((m) => m.asStepModel() as StepModel<unknown>)), state: models.map((m) => m.startState(batch)) };
}

/** Decodes n rows of `state` with greedy search, beam search (one row) or sampling, as `settings` say. */
export function decodeRows(
  step: StepModel<unknown>, state: unknown, n: number,
  o: { beam: number; nBest?: number; start: number; end: number; maxTokens: number; withAttention?: boolean; prefix?: readonly number[]; constraints?: readonly (readonly number[])[] },
  settings: SearchSettings = {},
): Hypothesis[] {
  const { sample: sampling, lengthPenalty, alpha, beta, ...processors } = settings;
  const common = { start: o.start, end: o.end, maxTokens: o.maxTokens, withAttention: o.withAttention ?? false, ...processors, ...(o.prefix ? { prefix: o.prefix } : {}), ...(o.constraints ? { constraints: o.constraints } : {}) };
  if (sampling) return sample(step, state, n, { ...common, ...sampling });
  const scoring = { ...(lengthPenalty !== undefined ? { lengthPenalty } : {}), ...(alpha !== undefined ? { alpha } : {}), ...(beta !== undefined ? { beta } : {}) };
  if (o.beam === 1 && (o.nBest ?? 1) === 1) return greedy(step, state, n, common);
  if (n !== 1) throw new GlimpseError(`beam search decodes one source at a time, got ${n}`);
  return beamSearch(step, state, { ...common, ...scoring, beam: o.beam, nBest: o.nBest ?? 1 });
}

/**
 * Refuses an ensemble whose members cannot decode together: another task, or another source or
 * target vocabulary (naming both vocabularies and the first difference). `names` label the
 * models in messages (run folders; default "model 1", "model 2"…).
 */
export function checkEnsemble(models: readonly TrainedModel[], names?: readonly string[]): void {
  const name = (i: number) => names?.[i] ?? `model ${i + 1}`;
  const first = models[0];
  if (!first) throw new GlimpseError('an ensemble needs at least one model');
  models.forEach((m, i) => {
    if (i === 0) return;
    if (m.kind !== first.kind || m.config.task !== first.config.task) {
      throw new GlimpseError(`cannot decode ${name(0)} (a ${first.config.task} model) and ${name(i)} (a ${m.config.task} model) together: an ensemble needs models of one task`);
    }
    if (m.kind !== 'seq2seq' || first.kind !== 'seq2seq') return;
    for (const side of ['src', 'tgt'] as const) {
      const diff = vocabDifference(first.vocabs[side], m.vocabs[side]);
      if (diff) {
        const file = RUN_FILES.vocab(side);
        throw new GlimpseError(`cannot decode these models together: their ${side === 'src' ? 'source' : 'target'} vocabularies differ, ${name(0)}/${file} (${first.vocabs[side].size} tokens) and ${name(i)}/${file} (${m.vocabs[side].size} tokens), ${diff}`);
      }
    }
  });
}

/** Where two vocabularies first differ, or null when they are the same. */
function vocabDifference(a: Vocab, b: Vocab): string | null {
  const n = Math.min(a.size, b.size);
  for (let i = 0; i < n; i++) if (a.itos[i] !== b.itos[i]) return `first at id ${i} (${JSON.stringify(a.itos[i])} vs ${JSON.stringify(b.itos[i])})`;
  return a.size === b.size ? null : `the longer one goes on at id ${n} (${JSON.stringify((a.size > n ? a : b).itos[n])})`;
}

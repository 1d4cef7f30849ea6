import { tensor } from '../core/create.js';
import { EOS, PAD } from '../data/index.js';
import { GlimpseError } from '../util/errors.js';
import type { TrainedModel } from './model.js';
import { type SearchSettings, checkEnsemble, decodeRows, seq2seqDecoder } from './search.js';
import { TASKS } from './task-rules/index.js';
import { type Translation, decodeOutput, encodeInput } from './use.js';

type Seq2SeqModel = Extract<TrainedModel, { kind: 'seq2seq' }>;

/** What a batch of greedy translations shares: length bound and the processors (no beam, no sampling). */
export interface GreedyBatchOptions {
  maxTokens: number;
  /** Processors only (repetition penalty, n-gram blocking, minimum length); no sampling. */
  search?: Omit<SearchSettings, 'sample'>;
}

/**
 * Translates several inputs greedily in one batch (B = texts.length): one encoder pass over the
 * padded sources [B, S] and one decoder step per output position for all rows, as `decodeSplit`
 * does. Each translation is what `translateText` gives for that text alone with beam 1 (the
 * padding is masked), with its attention cut to its own source length.
 *
 * @example
 * translateBatch(model, ['abc', 'hello'], { maxTokens: 50 }).map((t) => t.hypotheses[0]!.text);
 */
export function translateBatch(t: TrainedModel | readonly TrainedModel[], texts: readonly string[], options: GreedyBatchOptions): Translation[] {
  const all: readonly TrainedModel[] = Array.isArray(t) ? t : [t as TrainedModel];
  const first = all[0];
  if (!first || first.kind !== 'seq2seq') throw new GlimpseError('this run is a language model; translation needs a seq2seq run');
  checkEnsemble(all);
  if (texts.length === 0) return [];
  const m = first as Seq2SeqModel;
  const eos = TASKS[m.config.task].sourceEnd && m.vocabs.src.has(EOS) ? [m.vocabs.src.id(EOS)] : [];
  const sources = texts.map((text) => {
    const s = encodeInput(m, text);
    const ids = [...s.ids, ...eos];
    if (ids.length === 0) throw new GlimpseError(`the input ${JSON.stringify(text)} is empty after tokenisation`);
    return { ...s, ids, tokens: [...s.tokens, ...(eos.length ? [EOS] : [])] };
  });
  const B = sources.length;
  const S = Math.max(...sources.map((s) => s.ids.length));
  const pad = m.vocabs.src.has(PAD) ? m.vocabs.src.id(PAD) : 0;
  const src = new Int32Array(B * S).fill(pad); // [B, S], batch first
  sources.forEach((s, b) => src.set(s.ids, b * S));
  const maxTokens = Math.min(options.maxTokens, ...all.map((x) => (x as Seq2SeqModel).model.maxLength?.length ?? Infinity));
  const decoder = seq2seqDecoder(all.map((x) => (x as Seq2SeqModel).model), {
    src: tensor(src, { shape: [B, S] }), srcLengths: sources.map((s) => s.ids.length),
  });
  const tgt = m.vocabs.tgt;
  const hyps = decodeRows(decoder.step, decoder.state, B, {
    beam: 1, start: tgt.id('<bos>'), end: tgt.id(EOS), maxTokens, withAttention: true,
  }, options.search ?? {});
  return hyps.map((h, b) => {
    const n = sources[b]!.ids.length;
    const cut = (rows: number[][] | undefined) => rows?.map((r) => r.slice(0, n));
    const attention = cut(h.attention);
    const memberAttention = h.memberAttention?.map((rows) => cut(rows)!);
    return {
      source: sources[b]!,
      hypotheses: [{
        ...h, ...(attention ? { attention } : {}), ...(memberAttention ? { memberAttention } : {}),
        text: decodeOutput(m, h.tokens).text, words: tgt.decode(h.tokens),
      }],
    };
  });
}

import { noGrad } from '../core/grad.js';
import { type Seq2SeqExample, type Vocab, detokenizeWords, makeSeq2SeqBatch } from '../data/index.js';
import { bleuSignature, chrF, corpusBleu, sacreBleu } from '../metrics/index.js';
import type { Seq2SeqLike } from '../models/index.js';
import { type SearchSettings, decodeRows, seq2seqDecoder } from './search.js';
import { batchTensors } from './tasks/seq2seq.js';

export interface DecodeSplitOptions {
  /** 1 = greedy (batched), else beam search per sentence. */
  beam: number;
  /** Most tokens generated per sentence (PROTOCOL W2: 50). */
  maxTokens: number;
  pad: number;
  bos: number;
  eos: number;
  batchSize?: number;
  /** Processors, length and coverage penalties, or sampling (default: plain search). */
  search?: SearchSettings;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Decodes every source of `examples` (in order): target ids, without <bos> and <eos>. Several
 * models (with the same vocabularies, see `checkEnsemble`) decode as an ensemble. Greedy
 * decoding and sampling run in batches; beam search one sentence at a time.
 */
export function decodeSplit(model: Seq2SeqLike | readonly Seq2SeqLike[], examples: readonly Seq2SeqExample[], o: DecodeSplitOptions): number[][] {
  const models: readonly Seq2SeqLike[] = Array.isArray(model) ? model : [model as Seq2SeqLike];
  const out: number[][] = [];
  const size = o.beam === 1 ? (o.batchSize ?? 128) : 1;
  for (let k = 0; k < examples.length; k += size) {
    const idx = Array.from({ length: Math.min(size, examples.length - k) }, (_, i) => k + i);
    const b = batchTensors(makeSeq2SeqBatch(examples, idx, o, { batchFirst: true }));
    const { step, state } = seq2seqDecoder(models, b);
    const hyps = decodeRows(step, state, idx.length, { beam: o.beam, start: o.bos, end: o.eos, maxTokens: Math.min(o.maxTokens, ...models.map((m) => m.maxLength?.length ?? Infinity)) }, o.search);
    for (const h of hyps) out.push(h.tokens);
    o.onProgress?.(Math.min(k + size, examples.length), examples.length);
  }
  return out;
}

/** Translation quality of decoded ids against the references of a split. */
export interface TranslationScores {
  /** PROTOCOL W2's corpus BLEU-4 ×100 on the normalised tokens (`<unk>` kept; it never matches a real word). */
  bleu: number;
  /** sacreBLEU-style BLEU ×100 on detokenised text against the reference lines (lowercased: the models see lowercase text). */
  sacrebleu: number;
  sacrebleuSignature: string;
  /** chrF (sacreBLEU's default chrF2) on the same text, lowercased. */
  chrf: number;
}

export function scoreTranslations(hypIds: readonly number[][], tgtVocab: Vocab, refs: { tokens: readonly string[][]; lines: readonly string[] }): TranslationScores {
  const hypTokens = hypIds.map((ids) => tgtVocab.decode(ids));
  const hypText = hypTokens.map((t) => detokenizeWords(t));
  const sb = sacreBleu(hypText, refs.lines, { lowercase: true });
  return {
    bleu: 100 * corpusBleu(hypTokens, refs.tokens).bleu,
    sacrebleu: sb.score,
    sacrebleuSignature: bleuSignature(1, { lowercase: true }),
    chrf: chrF(hypText, refs.lines, { lowercase: true }).score,
  };
}

/**
 * Perplexity with the decoder fed its own greedy predictions instead of the reference prefix
 * ("free-running"), beside the usual teacher-forced one: the gap measures exposure bias.
 */
export function freeRunningLoss(model: Seq2SeqLike, examples: readonly Seq2SeqExample[], ids: { pad: number; bos: number }, batchSize = 128): number {
  let total = 0;
  let tokens = 0;
  noGrad(() => {
    for (let k = 0; k < examples.length; k += batchSize) {
      const idx = Array.from({ length: Math.min(batchSize, examples.length - k) }, (_, i) => k + i);
      const b = batchTensors(makeSeq2SeqBatch(examples, idx, ids, { batchFirst: true }));
      const { loss, tokens: n } = model.loss(b, b.tgtIn, b.tgtOut, { teacherForcing: 0 });
      total += loss.item() * n;
      tokens += n;
    }
  });
  return total / tokens;
}


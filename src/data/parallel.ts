/**
 * Parallel corpora (source/target sentence pairs) for encoder–decoder models: alignment checks,
 * per-side vocabularies and encoding as PROTOCOL W2 does it (source gets `<eos>`, no `<bos>`;
 * the target is stored as `y… <eos>` and the decoder input `<bos> y…` is made when batching).
 */
import { GlimpseError, check } from '../util/errors.js';
import { protocolTokenize, splitLines } from './tokenize.js';
import { DEFAULT_SPECIALS, EOS, Vocab } from './vocab.js';

/** One encoded pair: `src` = source ids (+ `<eos>` when asked), `tgt` = target ids + `<eos>`. */
export interface Seq2SeqExample {
  src: Int32Array;
  tgt: Int32Array;
}

/** Names used in messages for the two sides (usually the file paths). */
export interface SideNames {
  src: string;
  tgt: string;
}

/**
 * Checks that two sides have the same number of lines and at least one, and returns them.
 * Misaligned corpora are the commonest data mistake, so the message names both sides and counts.
 */
export function alignParallel(srcLines: readonly string[], tgtLines: readonly string[], names: SideNames = { src: 'source', tgt: 'target' }): {
  src: readonly string[];
  tgt: readonly string[];
} {
  if (srcLines.length !== tgtLines.length) {
    throw new GlimpseError(`parallel corpus is misaligned: ${names.src} has ${srcLines.length} lines but ${names.tgt} has ` +
      `${tgtLines.length}; expected one target line per source line`);
  }
  check(srcLines.length > 0, () => `parallel corpus is empty: ${names.src} and ${names.tgt} have no lines`);
  return { src: srcLines, tgt: tgtLines };
}

/** The text of one split's two sides (file contents) and their names for messages. */
export interface ParallelSplitText {
  src: string;
  tgt: string;
  srcName?: string;
  tgtName?: string;
}

/** Options of {@link buildParallelCorpus}. */
export interface ParallelCorpusOptions {
  /** Split whose tokens build the vocabularies (default `'train'`). */
  trainSplit?: string;
  /** Keep tokens seen at least this often in train (default 2, as W2). */
  minFreq?: number;
  /** Largest vocabulary size per side, specials included. */
  maxSize?: number;
  /** Specials of both vocabularies (default `<pad> <unk> <bos> <eos>`). */
  specials?: readonly string[];
  /** Tokenizer (default: the protocol tokenizer). */
  tokenize?: (line: string) => string[];
  /** Append `<eos>` to the source (default true, as W2). */
  srcEos?: boolean;
}

/** Vocabularies, tokens and encoded pairs of every split. */
export interface ParallelCorpus {
  srcVocab: Vocab;
  tgtVocab: Vocab;
  tokens: Record<string, { src: string[][]; tgt: string[][] }>;
  examples: Record<string, Seq2SeqExample[]>;
}

/**
 * Tokenizes each split, builds one vocabulary per side from the train split and encodes all
 * pairs. With the defaults on Multi30K this is PROTOCOL W2 (5,948 English / 7,879 German types).
 *
 * @example
 * const corpus = buildParallelCorpus({
 *   train: { src: enText, tgt: deText, srcName: 'train.en', tgtName: 'train.de' },
 * });
 * corpus.examples.train[0].src; // Int32Array of English ids ending in <eos>
 */
export function buildParallelCorpus(splits: Readonly<Record<string, ParallelSplitText>>, options: ParallelCorpusOptions = {}): ParallelCorpus {
  const trainSplit = options.trainSplit ?? 'train';
  check(trainSplit in splits, () => `buildParallelCorpus: no "${trainSplit}" split among [${Object.keys(splits).join(', ')}]`);
  const tokenize = options.tokenize ?? protocolTokenize;
  const tokens: ParallelCorpus['tokens'] = {};
  for (const [split, text] of Object.entries(splits)) {
    const names = { src: text.srcName ?? `${split} source`, tgt: text.tgtName ?? `${split} target` };
    const { src, tgt } = alignParallel(splitLines(text.src), splitLines(text.tgt), names);
    tokens[split] = { src: src.map(tokenize), tgt: tgt.map(tokenize) };
  }
  const build = (seqs: string[][]): Vocab =>
    Vocab.build(seqs, { specials: options.specials ?? DEFAULT_SPECIALS, minFreq: options.minFreq ?? 2, maxSize: options.maxSize });
  const srcVocab = build(tokens[trainSplit]!.src);
  const tgtVocab = build(tokens[trainSplit]!.tgt);
  const examples: ParallelCorpus['examples'] = {};
  for (const [split, t] of Object.entries(tokens)) {
    examples[split] = encodeParallel(t.src, t.tgt, srcVocab, tgtVocab, { srcEos: options.srcEos ?? true });
  }
  return { srcVocab, tgtVocab, tokens, examples };
}

/** Encodes token pairs: source ids (+ `<eos>`), target ids + `<eos>`. */
export function encodeParallel(
  srcTokens: readonly (readonly string[])[],
  tgtTokens: readonly (readonly string[])[],
  srcVocab: Vocab,
  tgtVocab: Vocab,
  options: { srcEos?: boolean } = {},
): Seq2SeqExample[] {
  check(srcTokens.length === tgtTokens.length, () => `encodeParallel: ${srcTokens.length} sources but ${tgtTokens.length} targets`);
  const srcEos = options.srcEos ?? true;
  const out: Seq2SeqExample[] = [];
  for (let i = 0; i < srcTokens.length; i++) {
    out.push({
      src: withSuffix(srcVocab.encode(srcTokens[i]!), srcEos ? srcVocab.id(EOS) : -1),
      tgt: withSuffix(tgtVocab.encode(tgtTokens[i]!), tgtVocab.id(EOS)),
    });
  }
  return out;
}

function withSuffix(ids: Int32Array, suffix: number): Int32Array {
  if (suffix < 0) return ids;
  const out = new Int32Array(ids.length + 1);
  out.set(ids);
  out[ids.length] = suffix;
  return out;
}

/**
 * Language-model data as PyTorch's word_language_model example feeds it: a token stream cut
 * into B contiguous streams (`batchify`), read in BPTT windows of T steps (`lmWindow`), the
 * last window of a pass shorter. The model carries its state across windows (the training loop's job).
 *
 * Layout: time-major, like the reference. A batched stream is `[rows, B]` row-major
 * (`data[r * B + b]`); a window's input and target are `[L, B]`.
 */
import { check } from '../util/errors.js';
import { tableKeys } from '../util/table.js';
import { charTokenize, detokenizeChars, detokenizeWords, protocolTokenize, splitLines } from './tokenize.js';
import { EOS, UNK, Vocab } from './vocab.js';

/** Line ranges `[start, end)` (0-based) of each split. */
export type LineRanges = Readonly<Record<string, readonly [number, number]>>;

/** PROTOCOL W1: lines 1–36,000 train, 36,001–38,000 valid, 38,001–40,000 test. */
export const W1_LINE_RANGES = { train: [0, 36000], valid: [36000, 38000], test: [38000, 40000] } as const;
/** PROTOCOL W1 batching: 32 streams, windows of 35. */
export const W1_BATCH_SIZE = 32;
export const W1_BPTT = 35;

/**
 * Word-level stream of `lines`: each line with at least one token becomes its tokens followed
 * by `<eos>`; lines without tokens are skipped (PROTOCOL W1).
 */
export function lmTokenStream(lines: readonly string[], tokenize: (line: string) => string[] = protocolTokenize, eos = EOS): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const toks = tokenize(line);
    if (toks.length === 0) continue;
    for (const t of toks) out.push(t);
    out.push(eos);
  }
  return out;
}

/** Character-level stream of `lines`: every character, and `'\n'` after each line (empty lines included). */
export function charStream(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    for (const c of charTokenize(line)) out.push(c);
    out.push('\n');
  }
  return out;
}

/** Ranges that give the last `valid` and `test` fractions of `nLines` lines to valid and test, in file order. */
export function lineRangesByFraction(nLines: number, fractions: { valid: number; test: number } = { valid: 0.05, test: 0.05 }): LineRanges {
  const { valid, test } = fractions;
  check(valid >= 0 && test >= 0 && valid + test < 1, `lineRangesByFraction: need valid, test >= 0 and valid + test < 1, got ${valid}, ${test}`);
  const nTest = Math.floor(nLines * test);
  const nValid = Math.floor(nLines * valid);
  const a = nLines - nValid - nTest;
  return { train: [0, a], valid: [a, a + nValid], test: [a + nValid, nLines] };
}

/** How a text is read at one level of tokens: as a stream, and as one input or output. */
export interface TextLevelRule {
  /** Lines → the token stream (with the level's line ends). */
  stream(lines: readonly string[]): string[];
  /** One input text → tokens. */
  tokenize(text: string): string[];
  /** Tokens (a stream's, line ends included) → text. */
  detokenize(tokens: readonly string[]): string;
  /** Vocabulary specials and the default least count. */
  readonly specials: readonly string[];
  readonly minFreq: number;
  /** Every token seen in train gets an id, whatever the least count asked for (characters). */
  readonly keepsRare: boolean;
}

const levels = {
  /** Words (the protocol tokenizer), each line ending in `<eos>` (PROTOCOL W1). */
  word: {
    stream: (lines) => lmTokenStream(lines),
    tokenize: protocolTokenize,
    detokenize: (tokens) => {
      const lines: string[][] = [[]];
      for (const tok of tokens) {
        if (tok === EOS) lines.push([]);
        else lines[lines.length - 1]!.push(tok);
      }
      return lines.map((l) => detokenizeWords(l)).join('\n');
    },
    specials: [UNK, EOS],
    minFreq: 2,
    keepsRare: false,
  },
  /** Characters, each line ending in `'\n'`. */
  char: { stream: charStream, tokenize: charTokenize, detokenize: detokenizeChars, specials: [UNK], minFreq: 1, keepsRare: true },
} satisfies Record<string, TextLevelRule>;

/** The token levels of a text corpus: `word` or `char`. */
export type TextLevel = keyof typeof levels;
export const TEXT_LEVELS: { readonly [L in TextLevel]: TextLevelRule } = levels;
export const TEXT_LEVEL_NAMES = tableKeys(TEXT_LEVELS);

/** Options of {@link buildLmCorpus}. */
export interface LmCorpusOptions {
  /** Split ranges (default: the W1 ranges). */
  ranges?: LineRanges;
  /** `'word'` (protocol tokenizer + `<eos>`) or `'char'` (characters + `'\n'`); default `'word'`. */
  level?: TextLevel;
  /** Keep train tokens seen at least this often (default 2 for words, 1 for characters). */
  minFreq?: number;
  /** Vocabulary specials (default `<unk> <eos>` for words, `<unk>` for characters). */
  specials?: readonly string[];
  /** Name for messages (a file path). */
  name?: string;
}

/** A language-model corpus: the vocabulary from train and each split's tokens and ids. */
export interface LmCorpus {
  vocab: Vocab;
  tokens: Record<string, string[]>;
  ids: Record<string, Int32Array>;
}

/**
 * Splits `text` by line ranges, tokenizes each split and builds the vocabulary from train.
 * With the defaults this is exactly PROTOCOL W1 (6,516 types on Tiny Shakespeare).
 *
 * @example
 * const { vocab, ids } = buildLmCorpus(readFileSync('input.txt', 'utf8'));
 * const train = batchify(ids.train!, W1_BATCH_SIZE);
 */
export function buildLmCorpus(text: string, options: LmCorpusOptions = {}): LmCorpus {
  const level = TEXT_LEVELS[options.level ?? 'word'];
  const ranges = options.ranges ?? W1_LINE_RANGES;
  const lines = splitLines(text);
  const needed = Math.max(...Object.values(ranges).map((r) => r[1]));
  check(lines.length >= needed,
    () => `buildLmCorpus: ${options.name ?? 'text'} has ${lines.length} lines, the split ranges need ${needed}`);
  check('train' in ranges, 'buildLmCorpus: the split ranges need a "train" split');
  const tokens: Record<string, string[]> = {};
  for (const [split, [a, b]] of Object.entries(ranges)) {
    const part = lines.slice(a, b);
    tokens[split] = level.stream(part);
  }
  const vocab = Vocab.build([tokens.train!], {
    specials: options.specials ?? level.specials,
    minFreq: options.minFreq ?? level.minFreq,
  });
  const ids: Record<string, Int32Array> = {};
  for (const [split, toks] of Object.entries(tokens)) ids[split] = vocab.encode(toks);
  return { vocab, tokens, ids };
}

/** A token stream cut into `batchSize` contiguous streams: `data[r * batchSize + b]`, `[rows, B]`. */
export interface BatchedStream {
  data: Int32Array;
  rows: number;
  batchSize: number;
}

/**
 * As word_language_model's `batchify`: drops the `n mod B` trailing tokens and makes stream b
 * the b-th contiguous slice, so `data[r, b] = ids[b * rows + r]`.
 */
export function batchify(ids: ArrayLike<number>, batchSize: number): BatchedStream {
  check(Number.isInteger(batchSize) && batchSize >= 1, `batchify: batch size must be a positive integer, got ${batchSize}`);
  const rows = Math.floor(ids.length / batchSize);
  check(rows >= 2, () => `batchify: ${ids.length} tokens give ${rows} row(s) for ${batchSize} streams; need at least 2 to predict anything`);
  const data = new Int32Array(rows * batchSize);
  for (let b = 0; b < batchSize; b++) {
    const base = b * rows;
    for (let r = 0; r < rows; r++) data[r * batchSize + b] = ids[base + r]!;
  }
  return { data, rows, batchSize };
}

/** One BPTT window: inputs rows `[start, start + length)`, targets shifted by one; both `[length, B]`. */
export interface LmWindow {
  input: Int32Array;
  target: Int32Array;
  length: number;
  batchSize: number;
  /** First row of the window. */
  start: number;
  /** Window number within the pass (0-based). */
  index: number;
}

/** Windows in one pass over a batched stream: starts 0, T, 2T, … below `rows - 1`. */
export function numLmWindows(stream: BatchedStream, bptt: number): number {
  check(Number.isInteger(bptt) && bptt >= 1, `numLmWindows: bptt must be a positive integer, got ${bptt}`);
  return Math.ceil((stream.rows - 1) / bptt);
}

/** Window `index` of a pass (as `get_batch(source, index * bptt, bptt)`; the last one may be shorter). */
export function lmWindow(stream: BatchedStream, index: number, bptt: number): LmWindow {
  const n = numLmWindows(stream, bptt);
  check(Number.isInteger(index) && index >= 0 && index < n, () => `lmWindow: window ${index} out of range [0, ${n})`);
  const start = index * bptt;
  const length = Math.min(bptt, stream.rows - 1 - start);
  const B = stream.batchSize;
  return {
    input: stream.data.slice(start * B, (start + length) * B),
    target: stream.data.slice((start + 1) * B, (start + 1 + length) * B),
    length,
    batchSize: B,
    start,
    index,
  };
}

/** The windows of one pass in order, from window `from` (to resume mid-epoch). */
export function* lmWindows(stream: BatchedStream, bptt: number, from = 0): Generator<LmWindow> {
  const n = numLmWindows(stream, bptt);
  for (let i = from; i < n; i++) yield lmWindow(stream, i, bptt);
}

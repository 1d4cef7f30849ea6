/**
 * Subword models and files in Node: reading codes, vocabularies and `.model` files with size
 * limits and one-line errors, learning BPE from files streamed in chunks (words counted from
 * their bytes), writing codes atomically.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { GlimpseError } from '../../util/errors.js';
import { writeFileAtomic } from '../../util/fs-node.js';
import { formatBpeCodes, formatBpeVocabulary, parseBpeVocabulary } from './bpe-codes.js';
import { ByteWordCounter } from './bpe-count.js';
import { learnBpeMerges } from './bpe-learn.js';
import { BpeModel, type LearnBpeOptions } from './bpe-model.js';
import { decodeText, loadSubwordModel } from './index.js';
import { parseSubwordSpec, SUBWORD_LIMITS, type SubwordModel } from './model.js';

function statFile(path: string, what: string): number {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new GlimpseError(`${what} ${path} is a directory; expected a file`);
    size = st.size;
  } catch (e) {
    if (e instanceof GlimpseError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new GlimpseError(`${what} ${path} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? (e as Error).message})`}`);
  }
  return size;
}

/**
 * The bytes of a subword file (codes, vocabulary, `.model`), refusing one over
 * {@link SUBWORD_LIMITS.maxFileBytes} or empty with one line naming it.
 *
 * @example
 * const model = loadSentencePiece(readSubwordFile('m.model', 'SentencePiece model'), 'm.model');
 */
export function readSubwordFile(path: string, what: string): Uint8Array {
  const size = statFile(path, what);
  if (size > SUBWORD_LIMITS.maxFileBytes) {
    throw new GlimpseError(`${what} ${path} is ${size} bytes, more than the limit of ${SUBWORD_LIMITS.maxFileBytes} (64 MiB)`);
  }
  if (size === 0) throw new GlimpseError(`${what} ${path} is empty`);
  const fd = openSync(path, 'r');
  try {
    const bytes = new Uint8Array(size);
    let at = 0;
    while (at < size) {
      const n = readSync(fd, bytes, at, size - at, at);
      if (n === 0) break;
      at += n;
    }
    return bytes.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}

/** Options of {@link loadSubwordModelFile}. */
export interface SubwordFileOptions {
  /** `bpe`: a vocabulary file (`PIECE COUNT` lines) to split pieces outside it, as `apply_bpe.py --vocabulary`. */
  vocabulary?: string;
  /** `bpe`: pieces in the vocabulary seen fewer times than this count as outside it. */
  vocabularyThreshold?: number;
}

/**
 * Loads the model a spec names: `bpe:CODES` or `spm:FILE` (a `bpe:N` spec names merges to
 * learn, not a file, and is refused here).
 *
 * @example
 * const model = loadSubwordModelFile('spm:m.model');
 * model.encode('Ein Hund.');
 */
export function loadSubwordModelFile(spec: string, options: SubwordFileOptions = {}): SubwordModel {
  const parsed = parseSubwordSpec(spec, '--model');
  if (!('path' in parsed)) throw new GlimpseError(`--model '${spec}': expected a codes file (bpe:CODES), not a number of merges; learn codes first with glimpse bpe learn`);
  if (parsed.kind === 'spm' && (options.vocabulary !== undefined || options.vocabularyThreshold !== undefined)) {
    throw new GlimpseError(`--vocabulary applies to BPE codes (bpe:CODES), not to SentencePiece models`);
  }
  const what = parsed.kind === 'bpe' ? 'codes file' : 'SentencePiece model';
  const bytes = readSubwordFile(parsed.path, what);
  let vocabulary: Map<string, number> | undefined;
  if (options.vocabulary !== undefined) {
    const text = decodeText(readSubwordFile(options.vocabulary, 'vocabulary file'), options.vocabulary, 'a vocabulary file');
    vocabulary = parseBpeVocabulary(text, options.vocabulary);
  }
  return loadSubwordModel(
    { kind: parsed.kind, bytes, name: parsed.path },
    { ...(vocabulary ? { vocabulary } : {}), ...(options.vocabularyThreshold !== undefined ? { vocabularyThreshold: options.vocabularyThreshold } : {}) },
  );
}

/** Progress of reading input files while learning. */
export interface ReadProgress {
  file: string;
  bytesRead: number;
  /** Bytes of all the files together, and read of them so far. */
  totalBytes: number;
  allBytesRead: number;
}

/**
 * Counts the words of a file into `counter`, reading 1 MiB chunks of bytes and splitting lines
 * at `\n` (a last line without one included); a line longer than
 * {@link SUBWORD_LIMITS.maxLineBytes} or a word that is not UTF-8 is one error naming the line.
 */
function countFile(path: string, counter: ByteWordCounter, onChunk: (bytesRead: number) => void): void {
  const fd = openSync(path, 'r');
  const chunk = new Uint8Array(1 << 20);
  let carry = new Uint8Array(0);
  let read = 0;
  const linesBefore = counter.lines;
  const where = (): string => `input file ${path} line ${counter.lines - linesBefore}`;
  try {
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) {
        if (carry.length > 0) counter.addLine(carry, 0, carry.length, where);
        return;
      }
      read += n;
      let buf = chunk.subarray(0, n);
      if (carry.length > 0) {
        buf = new Uint8Array(carry.length + n);
        buf.set(carry);
        buf.set(chunk.subarray(0, n), carry.length);
      }
      let start = 0;
      for (let nl = buf.indexOf(0x0a); nl >= 0; nl = buf.indexOf(0x0a, start)) {
        counter.addLine(buf, start, nl, where);
        start = nl + 1;
      }
      carry = buf.slice(start);
      if (carry.length > SUBWORD_LIMITS.maxLineBytes) {
        throw new GlimpseError(`input file ${path} line ${counter.lines - linesBefore + 1} is longer than ${SUBWORD_LIMITS.maxLineBytes} bytes`);
      }
      onChunk(read);
    }
  } finally {
    closeSync(fd);
  }
}

/** What {@link learnBpeFromFiles} read and learned. */
export interface LearnedBpe {
  model: BpeModel;
  lines: number;
  tokens: number;
  distinctWords: number;
  /** Piece counts of the input encoded with the codes (for a vocabulary file). */
  vocabulary: () => Map<string, number>;
}

/**
 * Learns BPE from text files (concatenated), streaming them line by line.
 *
 * @example
 * const { model } = learnBpeFromFiles(['train.en', 'train.de'], { merges: 10000 });
 * saveBpeCodes('codes.bpe', model);
 */
export function learnBpeFromFiles(paths: readonly string[], options: LearnBpeOptions & { onRead?: (p: ReadProgress) => void }): LearnedBpe {
  if (paths.length === 0) throw new GlimpseError('learnBpe: no input files');
  const sizes = paths.map((p) => statFile(p, 'input file'));
  const totalBytes = sizes.reduce((a, b) => a + b, 0);
  const counter = new ByteWordCounter();
  let before = 0;
  paths.forEach((path, i) => {
    countFile(path, counter, (bytesRead) => options.onRead?.({ file: path, bytesRead, totalBytes, allBytesRead: before + bytesRead }));
    before += sizes[i]!;
  });
  const counts = counter.toMap();
  const merges = learnBpeMerges(counts, options);
  const model = new BpeModel(merges, { name: options.name ?? paths.join('+') });
  return {
    model, lines: counter.lines, tokens: counter.tokens, distinctWords: counts.size,
    vocabulary: () => model.vocabularyOf(counts),
  };
}

/**
 * Writes a codes file atomically (see `bpe-codes.ts` for the format).
 *
 * @example
 * saveBpeCodes('codes.bpe', learnBpe(lines, { merges: 8000 }));
 */
export function saveBpeCodes(path: string, model: BpeModel): void {
  writeFileAtomic(path, formatBpeCodes(model.merges));
}

/**
 * Writes a vocabulary file (`PIECE COUNT` lines by descending count) atomically.
 *
 * @example
 * const learned = learnBpeFromFiles(['train.en'], { merges: 8000 });
 * saveBpeVocabulary('vocab.txt', learned.vocabulary());
 */
export function saveBpeVocabulary(path: string, vocabulary: ReadonlyMap<string, number>): void {
  writeFileAtomic(path, formatBpeVocabulary(vocabulary));
}

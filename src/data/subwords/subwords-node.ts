/**
 * Subword models and files in Node: reading codes, vocabularies and `.model` files with size
 * limits and one-line errors, learning BPE from files streamed line by line, writing codes
 * atomically.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { GlimpseError } from '../../util/errors.js';
import { writeFileAtomic } from '../../util/fs-node.js';
import { formatBpeCodes, formatBpeVocabulary, parseBpeVocabulary } from './bpe-codes.js';
import { WordCounter, learnBpeMerges } from './bpe-learn.js';
import { BpeModel, type LearnBpeOptions } from './bpe-model.js';
import { decodeText, loadSubwordModel } from './index.js';
import { parseSubwordSpec, SUBWORD_LIMITS, type SubwordModel } from './model.js';
import { validCharLen } from './spm-utf8.js';

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

/** The bytes of a subword file (codes, vocabulary, `.model`), refusing one over {@link SUBWORD_LIMITS.maxFileBytes} or empty. */
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
 * The lines of a UTF-8 text file, read in 1 MiB chunks (without their `\n`; a final line
 * without one is included). Not UTF-8, or a line longer than {@link SUBWORD_LIMITS.maxLineBytes}:
 * one error naming the file and line.
 */
export function* readLines(path: string, onChunk?: (bytesRead: number) => void): Generator<string> {
  statFile(path, 'input file');
  const fd = openSync(path, 'r');
  // ignoreBOM keeps a byte-order mark as U+FEFF, as Python's utf-8 codec (subword-nmt) does.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const chunk = new Uint8Array(1 << 20);
  let pending = '';
  let line = 0;
  let read = 0;
  try {
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      read += n;
      let text: string;
      try {
        text = decoder.decode(chunk.subarray(0, n), { stream: n > 0 });
      } catch {
        throw new GlimpseError(`input file ${path} is not valid UTF-8 text (line ${line + 1 + newlinesBeforeBadByte(chunk.subarray(0, n))})`);
      }
      pending += text;
      let nl: number;
      let from = 0;
      while ((nl = pending.indexOf('\n', from)) >= 0) {
        line++;
        yield pending.slice(from, nl);
        from = nl + 1;
      }
      pending = pending.slice(from);
      if (pending.length > SUBWORD_LIMITS.maxLineBytes) {
        throw new GlimpseError(`input file ${path} line ${line + 1} is longer than ${SUBWORD_LIMITS.maxLineBytes} characters`);
      }
      if (n === 0) break;
      onChunk?.(read);
    }
    if (pending.length > 0) yield pending;
  } finally {
    closeSync(fd);
  }
}

/** Lines that end in `chunk` before its first malformed UTF-8 sequence. */
function newlinesBeforeBadByte(chunk: Uint8Array): number {
  let lines = 0;
  for (let i = 0; i < chunk.length;) {
    const n = validCharLen(chunk, i);
    if (n === 0) break;
    if (chunk[i] === 10) lines++;
    i += n;
  }
  return lines;
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
  const counter = new WordCounter();
  let before = 0;
  paths.forEach((path, i) => {
    for (const line of readLines(path, (bytesRead) => options.onRead?.({ file: path, bytesRead, totalBytes, allBytesRead: before + bytesRead }))) counter.add(line);
    before += sizes[i]!;
  });
  const merges = learnBpeMerges(counter.counts, options);
  const model = new BpeModel(merges, { name: options.name ?? paths.join('+') });
  return {
    model, lines: counter.lines, tokens: counter.tokens, distinctWords: counter.counts.size,
    vocabulary: () => model.vocabularyOf(counter.counts),
  };
}

/** Writes a codes file atomically (see `bpe-codes.ts` for the format). */
export function saveBpeCodes(path: string, model: BpeModel): void {
  writeFileAtomic(path, formatBpeCodes(model.merges));
}

/** Writes a vocabulary file (`PIECE COUNT` lines by descending count) atomically. */
export function saveBpeVocabulary(path: string, vocabulary: ReadonlyMap<string, number>): void {
  writeFileAtomic(path, formatBpeVocabulary(vocabulary));
}

/**
 * Applying BPE codes as subword-nmt's `apply_bpe.py` does, with its output convention:
 * pieces of a word are joined by `@@ ` — every piece but a word's last ends with `@@` — so
 * `lowest` → `low@@ est`. The end-of-word marker `</w>` is used inside (as in learning) and
 * never shown. Decoding joins a piece ending in `@@` to the next one and puts a space after
 * every other piece, which undoes encoding exactly: `decode(encode(s))` is `s` with its words
 * (split at spaces) joined by single spaces. To keep that exact for words that end in `@@`,
 * a word's last piece never ends in `@@`: such a piece `X@` + `@` is emitted as `X@@@ @`.
 */
import { GlimpseError } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import { formatBpeCodes, parseBpeCodes } from './bpe-codes.js';
import { END_OF_WORD, bpeWords, learnBpeMerges, WordCounter, type BpeMergeOptions } from './bpe-learn.js';
import { Heap } from './heap.js';
import { checkDropout, type SubwordEncodeOptions, type SubwordModel, type SubwordModelInfo } from './model.js';

/** The continuation mark of every piece but a word's last. */
export const BPE_SEPARATOR = '@@';

/** Options of {@link BpeModel}. */
export interface BpeModelOptions {
  /** Where the codes came from (shown in errors and `toJSON`). */
  name?: string;
  /**
   * Pieces with their counts (`PIECE COUNT` lines, as `subword-nmt get-vocab` writes and
   * {@link BpeModel.vocabularyOf} computes). With it, a piece not in the vocabulary — or seen
   * fewer than `vocabularyThreshold` times — is split back by undoing merges, as `apply_bpe.py
   * --vocabulary … --vocabulary-threshold K` does.
   */
  vocabulary?: ReadonlyMap<string, number>;
  vocabularyThreshold?: number;
}

interface Candidate {
  rank: number;
  left: number;
  right: number;
  leftVersion: number;
  rightVersion: number;
}

const before = (x: Candidate, y: Candidate): boolean => x.rank < y.rank || (x.rank === y.rank && x.left < y.left);
const CACHE_LIMIT = 1_000_000;
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * BPE codes ready to apply.
 *
 * @example
 * const bpe = BpeModel.fromCodes('#version: 0.2\nl o\nlo w</w>\ne s\n', 'codes.bpe');
 * bpe.encode('low lowes');             // ['low', 'lo@@', 'w@@', 'e@@', 's'] ('e s' is word-internal only)
 * bpe.decode(bpe.encode('low lowes')); // 'low lowes'
 */
export class BpeModel implements SubwordModel {
  readonly kind = 'bpe' as const;
  readonly name: string;
  readonly merges: ReadonlyArray<readonly [string, string]>;
  private readonly ranks = new Map<string, Map<string, number>>();
  private readonly reverse = new Map<string, readonly [string, string]>();
  private readonly vocabulary: Set<string> | null;
  private readonly cache = new Map<string, readonly string[]>();

  constructor(merges: ReadonlyArray<readonly [string, string]>, options: BpeModelOptions = {}) {
    this.name = options.name ?? 'bpe';
    this.merges = merges;
    merges.forEach(([a, b], rank) => {
      let row = this.ranks.get(a);
      if (row === undefined) this.ranks.set(a, (row = new Map()));
      if (!row.has(b)) row.set(b, rank);
      if (!this.reverse.has(a + b)) this.reverse.set(a + b, [a, b]);
    });
    const threshold = options.vocabularyThreshold;
    if (threshold !== undefined && !(Number.isInteger(threshold) && threshold >= 0)) {
      throw new GlimpseError(`${this.name}: vocabularyThreshold must be a whole number ≥ 0, got ${threshold}`);
    }
    if (threshold !== undefined && options.vocabulary === undefined) {
      throw new GlimpseError(`${this.name}: vocabularyThreshold needs a vocabulary`);
    }
    this.vocabulary = options.vocabulary === undefined ? null
      : new Set([...options.vocabulary].filter(([, c]) => threshold === undefined || c >= threshold).map(([p]) => p));
  }

  /** Reads a codes file's text (see `bpe-codes.ts` for the format). */
  static fromCodes(text: string, name: string, options: Omit<BpeModelOptions, 'name'> = {}): BpeModel {
    return new BpeModel(parseBpeCodes(text, name), { ...options, name });
  }

  encode(text: string, options?: SubwordEncodeOptions): string[] {
    const p = checkDropout(options, this.name);
    const out: string[] = [];
    for (const word of bpeWords(text)) {
      const pieces = this.segmentWord(word, p, options?.rng);
      for (let i = 0; i + 1 < pieces.length; i++) out.push(pieces[i]! + BPE_SEPARATOR);
      out.push(pieces[pieces.length - 1]!);
    }
    return out;
  }

  encodeBytes(line: Uint8Array, options?: SubwordEncodeOptions): string[] {
    let text: string;
    try {
      text = UTF8.decode(line);
    } catch {
      throw new GlimpseError(`${this.name}: the text is not valid UTF-8`);
    }
    return this.encode(text, options);
  }

  /** Joins pieces (empty strings, which no encoding produces, are skipped). */
  decode(allPieces: readonly string[]): string {
    const pieces = allPieces.filter((p) => p !== '');
    let out = '';
    const last = pieces.length - 1;
    for (let i = 0; i <= last; i++) {
      const piece = pieces[i]!;
      if (i < last && piece.endsWith(BPE_SEPARATOR)) out += piece.slice(0, -BPE_SEPARATOR.length);
      else out += i < last ? `${piece} ` : piece;
    }
    return out;
  }

  serialize(): Uint8Array {
    return new TextEncoder().encode(formatBpeCodes(this.merges));
  }

  toJSON(): SubwordModelInfo {
    return { kind: 'bpe', name: this.name, size: this.merges.length, algorithm: 'bpe' };
  }

  /**
   * Piece counts of a corpus given as word counts (what `get-vocab` counts in the encoded
   * corpus), for {@link BpeModelOptions.vocabulary}.
   */
  vocabularyOf(wordCounts: ReadonlyMap<string, number>): Map<string, number> {
    const out = new Map<string, number>();
    for (const [word, count] of wordCounts) {
      for (const piece of this.encode(word)) out.set(piece, (out.get(piece) ?? 0) + count);
    }
    return out;
  }

  /** The segments of one word, without separators. */
  private segmentWord(word: string, dropout: number, rng: Rng | undefined): readonly string[] {
    if (dropout === 0) {
      const hit = this.cache.get(word);
      if (hit !== undefined) return hit;
    }
    const chars = Array.from(word);
    if (chars.length === 1) return [word];
    let segments = this.merge(chars, dropout, rng);
    if (this.vocabulary !== null) segments = this.splitUnknown(segments);
    const last = segments[segments.length - 1]!;
    if (last.endsWith(BPE_SEPARATOR)) segments.splice(segments.length - 1, 1, last.slice(0, -1), '@');
    if (dropout === 0) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(word, segments);
    }
    return segments;
  }

  /**
   * Applies merges by rank: the lowest-ranked pair present is merged at all its (non-overlapping,
   * left to right) positions, then pairs are looked up again — `apply_bpe.py`'s loop, run with a
   * priority queue of (rank, position). With dropout, each candidate is skipped with
   * probability p when reached, as SentencePiece's BPE-dropout does.
   */
  private merge(chars: string[], dropout: number, rng: Rng | undefined): string[] {
    const n = chars.length;
    const syms = chars.slice();
    syms[n - 1] += END_OF_WORD;
    const next = Int32Array.from({ length: n }, (_, i) => (i + 1 < n ? i + 1 : -1));
    const prev = Int32Array.from({ length: n }, (_, i) => i - 1);
    const version = new Int32Array(n);
    const alive = new Uint8Array(n).fill(1);
    const heap = new Heap<Candidate>(before);
    const consider = (left: number, right: number): void => {
      if (left < 0 || right < 0) return;
      const rank = this.ranks.get(syms[left]!)?.get(syms[right]!);
      if (rank !== undefined) heap.push({ rank, left, right, leftVersion: version[left]!, rightVersion: version[right]! });
    };
    const valid = (c: Candidate): boolean =>
      alive[c.left] === 1 && alive[c.right] === 1 && next[c.left] === c.right &&
      version[c.left] === c.leftVersion && version[c.right] === c.rightVersion;
    for (let i = 0; i + 1 < n; i++) consider(i, i + 1);
    const merged: number[] = [];
    for (;;) {
      let top = heap.pop();
      while (top !== undefined && !valid(top)) top = heap.pop();
      if (top === undefined) break;
      const rank = top.rank;
      merged.length = 0;
      for (let c: Candidate | undefined = top; c !== undefined; c = heap.peek()?.rank === rank ? heap.pop() : undefined) {
        if (!valid(c)) continue;
        if (dropout > 0 && rng!.uniform() < dropout) continue;
        syms[c.left] += syms[c.right]!;
        version[c.left]!++;
        alive[c.right] = 0;
        const after = next[c.right]!;
        next[c.left] = after;
        if (after >= 0) prev[after] = c.left;
        merged.push(c.left);
      }
      for (const i of merged) {
        if (alive[i] !== 1) continue;
        consider(prev[i]!, i);
        consider(i, next[i]!);
      }
    }
    const out: string[] = [];
    for (let i = 0; i >= 0; i = next[i]!) out.push(syms[i]!);
    const last = out[out.length - 1]!;
    if (last === END_OF_WORD) out.pop();
    else out[out.length - 1] = last.slice(0, -END_OF_WORD.length);
    return out;
  }

  /** `apply_bpe.py`'s `check_vocab_and_split`: undo merges of pieces not in the vocabulary. */
  private splitUnknown(segments: string[]): string[] {
    const vocab = this.vocabulary!;
    const known = (s: string, final: boolean): boolean => vocab.has(final ? s : s + BPE_SEPARATOR);
    const out: string[] = [];
    segments.forEach((segment, i) => {
      // recursive_split as a stack: a known piece is kept, an unknown one is replaced by the
      // pair it was merged from (left non-final, right final if the piece was), left first.
      const stack: Array<{ s: string; final: boolean }> = [{ s: segment, final: i === segments.length - 1 }];
      while (stack.length > 0) {
        const { s, final } = stack.pop()!;
        const pair = known(s, final) ? undefined : this.reverse.get(final ? s + END_OF_WORD : s);
        if (pair === undefined) {
          out.push(s);
          continue;
        }
        const right = final ? pair[1].slice(0, -END_OF_WORD.length) : pair[1];
        stack.push({ s: right, final }, { s: pair[0], final: false });
      }
    });
    return out;
  }
}

/** Options of {@link learnBpe}. */
export interface LearnBpeOptions extends BpeMergeOptions {
  /** Name of the resulting model (default `'bpe'`). */
  name?: string;
}

/**
 * Learns BPE codes from lines of text (counted line by line; only distinct words are kept).
 *
 * @example
 * const bpe = learnBpe(['the lowest low', 'newer newest'], { merges: 20, minFrequency: 1 });
 * bpe.encode('lower');           // ['lo@@', 'wer']
 * new TextDecoder().decode(bpe.serialize());  // '#version: 0.2\n…'
 */
export function learnBpe(lines: Iterable<string>, options: LearnBpeOptions): BpeModel {
  const counter = new WordCounter();
  for (const line of lines) counter.add(line);
  return new BpeModel(learnBpeMerges(counter.counts, options), { name: options.name ?? 'bpe' });
}

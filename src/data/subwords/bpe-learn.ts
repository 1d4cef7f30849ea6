/**
 * Learning BPE merge operations (Sennrich, Haddow & Birch 2016) from word counts, as
 * subword-nmt's `learn_bpe.py` does (same words, end-of-word marker, tie-breaking and stopping
 * rule, so the codes are the same), but with a priority queue instead of pruned rescans.
 *
 * Each distinct word is a sequence of symbols: its characters (code points), the last one
 * carrying the end-of-word marker `</w>` (subword-nmt's version 0.2: `low` → `l o w</w>`).
 * An index from each adjacent symbol pair to the words containing it lets a merge touch only
 * those words; the pair counts change by exact deltas (old pairs of a word out, new pairs in).
 */
import { GlimpseError } from '../../util/errors.js';
import { compareCodePoints } from '../../util/pystring.js';
import { Heap } from './heap.js';
import { SUBWORD_LIMITS } from './model.js';

/** The end-of-word marker appended to a word's last symbol. */
export const END_OF_WORD = '</w>';

const isEdge = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d;

/**
 * The words of a line as subword-nmt sees them: `\r`, `\n` and spaces stripped at both ends,
 * then split at single spaces (U+0020 only), empty words dropped.
 *
 * @example
 * bpeWords('  a  b\tc \r');  // ['a', 'b\tc']
 */
export function bpeWords(line: string): string[] {
  let a = 0;
  let b = line.length;
  while (a < b && isEdge(line.charCodeAt(a))) a++;
  while (b > a && isEdge(line.charCodeAt(b - 1))) b--;
  const out: string[] = [];
  for (const w of line.slice(a, b).split(' ')) if (w !== '') out.push(w);
  return out;
}

/**
 * Counts words line by line, so a corpus never has to be held in memory (only its distinct
 * words). More than {@link SUBWORD_LIMITS.maxDistinctWords} distinct words is refused.
 *
 * @example
 * const counter = new WordCounter();
 * for (const line of lines) counter.add(line);
 * counter.counts.get('the');
 */
export class WordCounter {
  readonly counts = new Map<string, number>();
  lines = 0;
  tokens = 0;

  add(line: string): void {
    this.lines++;
    for (const w of bpeWords(line)) {
      const c = this.counts.get(w);
      if (c === undefined) {
        if (this.counts.size >= SUBWORD_LIMITS.maxDistinctWords) {
          throw new GlimpseError(`learnBpe: more than ${SUBWORD_LIMITS.maxDistinctWords} distinct words (at line ${this.lines}); glimpse keeps each in memory`);
        }
        this.counts.set(w, 1);
      } else this.counts.set(w, c + 1);
      this.tokens++;
    }
  }
}

/** Progress of {@link learnBpeMerges}, reported every 100 merges and at the end. */
export interface BpeMergeProgress {
  done: number;
  total: number;
  /** Frequency of the pair merged last. */
  frequency: number;
}

/** Options of {@link learnBpeMerges}. */
export interface BpeMergeOptions {
  /** How many merge operations to learn (at most {@link SUBWORD_LIMITS.maxMerges}). */
  merges: number;
  /** Stop when no pair occurs at least this often (subword-nmt's `--min-frequency`, default 2). */
  minFrequency?: number;
  onProgress?: (p: BpeMergeProgress) => void;
}

interface Pair {
  a: number;
  b: number;
  count: number;
  /** Words that contain (or once contained) the pair; may repeat, checked when used. */
  words: number[];
  lastWord: number;
}

interface Entry {
  count: number;
  pair: Pair;
}

/** Pair keys pack two symbol ids: a · 2^26 + b (exact below 2^53). */
const KEY = 2 ** 26;

/**
 * Learns merge operations from word counts: repeatedly merges the most frequent adjacent pair,
 * ties broken towards the greater pair in code-point order (first symbol, then second), as
 * subword-nmt's `max(stats, key=lambda x: (stats[x], x))` does.
 *
 * @example
 * learnBpeMerges(new Map([['low', 5], ['lowest', 2], ['newer', 6]]), { merges: 3 });
 * // [['w', 'e'], ['l', 'o'], ['we', 'r</w>']]  (8, 7, then a tie at 6 won by 'we' > 'n' > 'e')
 */
export function learnBpeMerges(counts: ReadonlyMap<string, number>, options: BpeMergeOptions): Array<[string, string]> {
  const total = options.merges;
  const minFrequency = options.minFrequency ?? 2;
  if (!Number.isInteger(total) || total < 0 || total > SUBWORD_LIMITS.maxMerges) {
    throw new GlimpseError(`learnBpe: merges must be an integer in [0, ${SUBWORD_LIMITS.maxMerges}], got ${total}`);
  }
  if (!Number.isInteger(minFrequency) || minFrequency < 1) throw new GlimpseError(`learnBpe: minFrequency must be an integer ≥ 1, got ${minFrequency}`);

  const symbols: string[] = [];
  const symbolIds = new Map<string, number>();
  const intern = (s: string): number => {
    let id = symbolIds.get(s);
    if (id === undefined) {
      id = symbols.length;
      if (id >= KEY) throw new GlimpseError(`learnBpe: more than ${KEY} distinct symbols`);
      symbols.push(s);
      symbolIds.set(s, id);
    }
    return id;
  };

  // All words' symbols in one array; a merge rewrites a word in place (it only gets shorter).
  const wordCount: number[] = [];
  const wordStart: number[] = [];
  const wordLength: number[] = [];
  let flat: number[] = [];
  for (const [word, count] of counts) {
    const chars = Array.from(word);
    if (chars.length === 0) continue;
    chars[chars.length - 1] += END_OF_WORD;
    wordCount.push(count);
    wordStart.push(flat.length);
    wordLength.push(chars.length);
    for (const c of chars) flat.push(intern(c));
  }
  const syms = Int32Array.from(flat);
  flat = [];

  const pairs = new Map<number, Pair>();
  const pairOf = (a: number, b: number): Pair => {
    const key = a * KEY + b;
    let p = pairs.get(key);
    if (p === undefined) {
      p = { a, b, count: 0, words: [], lastWord: -1 };
      pairs.set(key, p);
    }
    return p;
  };
  const noteWord = (p: Pair, w: number): void => {
    if (p.lastWord !== w) {
      p.words.push(w);
      p.lastWord = w;
    }
  };
  for (let w = 0; w < wordCount.length; w++) {
    const s = wordStart[w]!;
    for (let i = 0; i + 1 < wordLength[w]!; i++) {
      const p = pairOf(syms[s + i]!, syms[s + i + 1]!);
      p.count += wordCount[w]!;
      noteWord(p, w);
    }
  }

  const before = (x: Entry, y: Entry): boolean => {
    if (x.count !== y.count) return x.count > y.count;
    const first = compareCodePoints(symbols[x.pair.a]!, symbols[y.pair.a]!);
    if (first !== 0) return first > 0;
    return compareCodePoints(symbols[x.pair.b]!, symbols[y.pair.b]!) > 0;
  };
  const heap = new Heap<Entry>(before);
  for (const p of pairs.values()) if (p.count > 0) heap.push({ count: p.count, pair: p });
  const live = (e: Entry): boolean => e.pair.count === e.count && e.count > 0;

  const merges: Array<[string, string]> = [];
  const seen = new Int32Array(wordCount.length).fill(-1);
  const delta = new Map<number, number>();
  let lastFrequency = 0;
  while (merges.length < total) {
    let top = heap.pop();
    while (top !== undefined && !live(top)) top = heap.pop();
    if (top === undefined || top.count < minFrequency) break;
    const { a, b } = top.pair;
    lastFrequency = top.count;
    merges.push([symbols[a]!, symbols[b]!]);
    const c = intern(symbols[a]! + symbols[b]!);
    const stamp = merges.length;
    delta.clear();
    for (const w of top.pair.words) {
      if (seen[w] === stamp) continue;
      seen[w] = stamp;
      const s = wordStart[w]!;
      const n = wordLength[w]!;
      let found = false;
      for (let i = 0; i + 1 < n; i++) if (syms[s + i] === a && syms[s + i + 1] === b) { found = true; break; }
      if (!found) continue;
      const count = wordCount[w]!;
      for (let i = 0; i + 1 < n; i++) {
        const key = syms[s + i]! * KEY + syms[s + i + 1]!;
        delta.set(key, (delta.get(key) ?? 0) - count);
      }
      let j = 0;
      for (let i = 0; i < n; j++) {
        if (i + 1 < n && syms[s + i] === a && syms[s + i + 1] === b) {
          syms[s + j] = c;
          i += 2;
        } else syms[s + j] = syms[s + i++]!;
      }
      wordLength[w] = j;
      for (let i = 0; i + 1 < j; i++) {
        const x = syms[s + i]!;
        const y = syms[s + i + 1]!;
        const key = x * KEY + y;
        delta.set(key, (delta.get(key) ?? 0) + count);
        if (x === c || y === c) noteWord(pairOf(x, y), w);
      }
    }
    for (const [key, d] of delta) {
      if (d === 0) continue;
      const p = pairs.get(key) ?? pairOf(Math.floor(key / KEY), key % KEY);
      p.count += d;
      if (p.count > 0) heap.push({ count: p.count, pair: p });
    }
    top.pair.count = 0;
    top.pair.words = [];
    pairs.delete(a * KEY + b);
    if (heap.size > 4 * pairs.size + 1_000_000) heap.filter(live);
    if (merges.length % 100 === 0) options.onProgress?.({ done: merges.length, total, frequency: lastFrequency });
  }
  if (merges.length % 100 !== 0) options.onProgress?.({ done: merges.length, total, frequency: lastFrequency });
  return merges;
}

/**
 * Counting words straight from UTF-8 bytes, for learning BPE from large files: words are the
 * byte runs between spaces (0x20 is never part of a multi-byte character, so this splits
 * exactly as splitting the decoded text would), looked up in an open-addressing hash table
 * keyed by their bytes. Only a word seen for the first time is decoded into a string, so a
 * million-line corpus costs one string per distinct word rather than one per token.
 */
import { GlimpseError } from '../../util/errors.js';
import { SUBWORD_LIMITS } from './model.js';

const SPACE = 0x20;
const isEdge = (b: number): boolean => b === SPACE || b === 0x0a || b === 0x0d;

export class ByteWordCounter {
  lines = 0;
  tokens = 0;
  private arena = new Uint8Array(1 << 20);
  private arenaUsed = 0;
  private starts: number[] = [];
  private lengths: number[] = [];
  private hashes: number[] = [];
  private counts: number[] = [];
  private words: string[] = [];
  private slots = new Int32Array(1 << 16).fill(-1);
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

  /** Distinct words counted so far. */
  get size(): number {
    return this.words.length;
  }

  /**
   * Counts the words of one line, `bytes[from..to)` without its `\n`: `\r`, `\n` and spaces
   * stripped at both ends, then split at spaces, as subword-nmt reads a line.
   */
  addLine(bytes: Uint8Array, from: number, to: number, where: () => string): void {
    this.lines++;
    while (from < to && isEdge(bytes[from]!)) from++;
    while (to > from && isEdge(bytes[to - 1]!)) to--;
    let start = from;
    for (let i = from; i <= to; i++) {
      if (i < to && bytes[i] !== SPACE) continue;
      if (i > start) this.addWord(bytes, start, i, where);
      start = i + 1;
    }
  }

  private addWord(bytes: Uint8Array, from: number, to: number, where: () => string): void {
    this.tokens++;
    let h = 0x811c9dc5;
    for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
    h >>>= 0;
    const mask = this.slots.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const w = this.slots[slot]!;
      if (w < 0) {
        this.insert(bytes, from, to, h, slot, where);
        return;
      }
      if (this.hashes[w] === h && this.sameBytes(w, bytes, from, to)) {
        this.counts[w]!++;
        return;
      }
    }
  }

  private sameBytes(w: number, bytes: Uint8Array, from: number, to: number): boolean {
    const n = to - from;
    if (this.lengths[w] !== n) return false;
    const a = this.arena;
    const s = this.starts[w]!;
    for (let i = 0; i < n; i++) if (a[s + i] !== bytes[from + i]) return false;
    return true;
  }

  private insert(bytes: Uint8Array, from: number, to: number, hash: number, slot: number, where: () => string): void {
    if (this.words.length >= SUBWORD_LIMITS.maxDistinctWords) {
      throw new GlimpseError(`learnBpe: more than ${SUBWORD_LIMITS.maxDistinctWords} distinct words (${where()}); glimpse keeps each in memory`);
    }
    let word: string;
    try {
      word = this.decoder.decode(bytes.subarray(from, to));
    } catch {
      throw new GlimpseError(`${where()} is not valid UTF-8 text`);
    }
    const n = to - from;
    if (this.arenaUsed + n > this.arena.length) {
      const grown = new Uint8Array(Math.max(this.arena.length * 2, this.arenaUsed + n));
      grown.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = grown;
    }
    this.arena.set(bytes.subarray(from, to), this.arenaUsed);
    const w = this.words.length;
    this.starts.push(this.arenaUsed);
    this.lengths.push(n);
    this.hashes.push(hash);
    this.counts.push(1);
    this.words.push(word);
    this.arenaUsed += n;
    this.slots[slot] = w;
    if (this.words.length * 2 > this.slots.length) this.rehash();
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    this.hashes.forEach((h, w) => {
      let slot = h & mask;
      while (slots[slot]! >= 0) slot = (slot + 1) & mask;
      slots[slot] = w;
    });
    this.slots = slots;
  }

  /** The counts as word → count, words in the order first seen. */
  toMap(): Map<string, number> {
    const out = new Map<string, number>();
    this.words.forEach((w, i) => out.set(w, this.counts[i]!));
    return out;
  }
}

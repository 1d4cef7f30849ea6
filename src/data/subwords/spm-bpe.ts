/**
 * SentencePiece BPE segmentation (`bpe_model.cc`): start from characters (user-defined symbols
 * whole and frozen), repeatedly merge the adjacent pair whose concatenation is a piece with
 * the highest score (ties: leftmost), until no pair is a piece. An unused piece may be merged
 * through but is split back into the two symbols it was made of. With BPE-dropout each merge
 * is skipped with probability p when it comes out of the queue, as SentencePiece does.
 */
import type { Rng } from '../../util/rng.js';
import { Heap } from './heap.js';
import { PIECE_TYPE } from './spm-proto.js';
import { oneCharLen } from './spm-utf8.js';
import { byteKey, type SpmVocab } from './spm-vocab.js';
import type { EncodedPiece } from './spm-encoders.js';

interface SymbolPair {
  left: number;
  right: number;
  score: number;
  size: number;
}

const before = (x: SymbolPair, y: SymbolPair): boolean => x.score > y.score || (x.score === y.score && x.left < y.left);

/** Segments `normalized` (bytes) into pieces by score-ordered merges. */
export function bpeEncode(vocab: SpmVocab, normalized: Uint8Array, dropout = 0, rng?: Rng): EncodedPiece[] {
  const n = normalized.length;
  if (n === 0) return [];
  const start: number[] = [];
  const size: number[] = [];
  const frozen: boolean[] = [];
  for (let at = 0; at < n;) {
    const user = vocab.userDefined?.longestPrefix(normalized, at, n) ?? 0;
    const len = user > 0 ? user : Math.min(oneCharLen(normalized[at]!), n - at);
    start.push(at);
    size.push(len);
    frozen.push(user > 0);
    at += len;
  }
  const count = start.length;
  const prev = Int32Array.from({ length: count }, (_, i) => i - 1);
  const next = Int32Array.from({ length: count }, (_, i) => (i + 1 < count ? i + 1 : -1));
  const heap = new Heap<SymbolPair>(before);
  // Unused pieces met while merging → the two symbols they were made of (binary-string keys).
  const unmerge = new Map<string, [string, string]>();
  const maybeAdd = (left: number, right: number): void => {
    if (left < 0 || right < 0 || frozen[left] || frozen[right]) return;
    const key = byteKey(normalized, start[left]!, start[left]! + size[left]! + size[right]!);
    const id = vocab.normal.get(key);
    if (id === undefined) return;
    heap.push({ left, right, score: vocab.scores[id]!, size: size[left]! + size[right]! });
    if (vocab.types[id] === PIECE_TYPE.unused) {
      const l = byteKey(normalized, start[left]!, start[left]! + size[left]!);
      unmerge.set(key, [l, key.slice(l.length)]);
    }
  };
  for (let i = 1; i < count; i++) maybeAdd(i - 1, i);
  for (let top = heap.pop(); top !== undefined; top = heap.pop()) {
    const { left, right } = top;
    if (size[left] === 0 || size[right] === 0 || size[left]! + size[right]! !== top.size) continue;
    if (dropout > 0 && rng!.uniform() < dropout) continue;
    size[left] = top.size;
    const after = next[right]!;
    next[left] = after;
    if (after >= 0) prev[after] = left;
    size[right] = 0;
    maybeAdd(prev[left]!, left);
    maybeAdd(left, next[left]!);
  }
  const out: EncodedPiece[] = [];
  const resegment = (from: number, key: string): void => {
    const id = vocab.pieceToId(key);
    const split = vocab.types[id] === PIECE_TYPE.unused ? unmerge.get(key) : undefined;
    if (split === undefined) {
      out.push({ start: from, end: from + key.length, id });
      return;
    }
    resegment(from, split[0]);
    resegment(from + split[0].length, split[1]);
  };
  for (let i = 0; i !== -1; i = next[i]!) resegment(start[i]!, byteKey(normalized, start[i]!, start[i]! + size[i]!));
  return out;
}

/**
 * Unigram segmentation as `spm_encode` does it (`unigram_model.cc`, `EncodeOptimized`, the
 * default encoder): Viterbi over the lattice of all pieces found in the normalized bytes,
 * keeping for each end position the best-scoring path. A position where no one-character piece
 * starts gets an `<unk>` node scored min_score − 10 (the unknown penalty). User-defined pieces
 * score length · max_score − 0.1, so they always win; unused pieces are skipped.
 *
 * The arithmetic repeats SentencePiece's float/double mix exactly (a path score is stored as
 * a float; a candidate through a vocabulary piece is summed in double, one through `<unk>` in
 * float), so ties and near-ties resolve the same way.
 */
import { PIECE_TYPE } from './spm-proto.js';
import { ByteTrie } from './spm-tries.js';
import { oneCharLen, utf8 } from './spm-utf8.js';
import type { SpmVocab } from './spm-vocab.js';
import type { EncodedPiece } from './spm-encoders.js';

const UNK_PENALTY = 10;
const f32 = Math.fround;

/** The trie of every piece segmentation may use (normal, user-defined, unused), valued by id. */
export function pieceTrie(vocab: SpmVocab): ByteTrie {
  const trie = new ByteTrie();
  vocab.proto.pieces.forEach((p, id) => {
    if (p.type === PIECE_TYPE.normal || p.type === PIECE_TYPE.userDefined || p.type === PIECE_TYPE.unused) trie.insert(utf8(p.piece), id);
  });
  return trie;
}

/** The best segmentation of `normalized` (bytes) into pieces (byte ranges with ids). */
export function unigramEncode(vocab: SpmVocab, trie: ByteTrie, normalized: Uint8Array): EncodedPiece[] {
  const n = normalized.length;
  if (n === 0) return [];
  const unkScore = f32(vocab.minScore - UNK_PENALTY);
  const maxScore = vocab.maxScore;
  const best = new Float64Array(n + 1); // always holds float32 values
  const startsAt = new Int32Array(n + 1).fill(-1);
  const ids = new Int32Array(n + 1);
  for (let pos = 0; pos < n;) {
    const tillHere = best[pos]!;
    const mblen = Math.min(oneCharLen(normalized[pos]!), n - pos);
    let hasSingleNode = false;
    let node = 0;
    for (let key = pos; key < n;) {
      node = trie.child(node, normalized[key]!);
      key++;
      if (node < 0) break;
      const id = trie.value(node);
      if (id < 0 || vocab.types[id] === PIECE_TYPE.unused) continue;
      const length = key - pos;
      const score = vocab.types[id] === PIECE_TYPE.userDefined ? f32(length * maxScore) - 0.1 : vocab.scores[id]!;
      const candidate = score + tillHere;
      if (startsAt[key] === -1 || candidate > best[key]!) {
        best[key] = f32(candidate);
        startsAt[key] = pos;
        ids[key] = id;
      }
      if (length === mblen) hasSingleNode = true;
    }
    if (!hasSingleNode) {
      const target = pos + mblen;
      const candidate = f32(unkScore + tillHere);
      if (startsAt[target] === -1 || candidate > best[target]!) {
        best[target] = candidate;
        startsAt[target] = pos;
        ids[target] = vocab.unkId;
      }
    }
    pos += mblen;
  }
  const out: EncodedPiece[] = [];
  for (let end = n; end > 0;) {
    const start = startsAt[end]!;
    out.push({ start, end, id: ids[end]! });
    end = start;
  }
  return out.reverse();
}

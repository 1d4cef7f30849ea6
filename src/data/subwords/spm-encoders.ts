/**
 * One segmentation rule per SentencePiece model type, in a table `tsc` checks is complete:
 * unigram and BPE (their own files), and the two simple ones, word (split before each ▁) and
 * char (one character, or one user-defined symbol, per piece).
 */
import type { Rng } from '../../util/rng.js';
import { GlimpseError } from '../../util/errors.js';
import { bpeEncode } from './spm-bpe.js';
import type { SpmModelType } from './spm-proto.js';
import type { ByteTrie } from './spm-tries.js';
import { pieceTrie, unigramEncode } from './spm-unigram.js';
import { oneCharLen, SPACE_SYMBOL_UTF8 } from './spm-utf8.js';
import { byteKey, type SpmVocab } from './spm-vocab.js';

/** A piece of the normalized bytes: [start, end) and its vocabulary id. */
export interface EncodedPiece {
  start: number;
  end: number;
  id: number;
}

/** What a model type needs once, built when the model is loaded. */
export interface SpmEncoderState {
  vocab: SpmVocab;
  trie: ByteTrie | null;
}

interface SpmEncoderRule {
  /** Whether BPE-dropout applies. */
  dropout: boolean;
  prepare(vocab: SpmVocab): SpmEncoderState;
  encode(state: SpmEncoderState, normalized: Uint8Array, dropout: number, rng: Rng | undefined): EncodedPiece[];
}

function isSpaceSymbolAt(bytes: Uint8Array, at: number): boolean {
  return bytes[at] === SPACE_SYMBOL_UTF8[0] && bytes[at + 1] === SPACE_SYMBOL_UTF8[1] && bytes[at + 2] === SPACE_SYMBOL_UTF8[2];
}

const plain = (vocab: SpmVocab): SpmEncoderState => ({ vocab, trie: null });
const piece = (vocab: SpmVocab, bytes: Uint8Array, start: number, end: number): EncodedPiece =>
  ({ start, end, id: vocab.pieceToId(byteKey(bytes, start, end)) });

export const SPM_ENCODERS: { [K in SpmModelType]: SpmEncoderRule } = {
  unigram: {
    dropout: false,
    prepare: (vocab) => ({ vocab, trie: pieceTrie(vocab) }),
    encode: (state, normalized) => unigramEncode(state.vocab, state.trie!, normalized),
  },
  bpe: {
    dropout: true,
    prepare: plain,
    encode: (state, normalized, dropout, rng) => bpeEncode(state.vocab, normalized, dropout, rng),
  },
  word: {
    dropout: false,
    prepare: plain,
    // SplitIntoWords: a word starts at the beginning and at every ▁.
    encode: ({ vocab }, bytes) => {
      const out: EncodedPiece[] = [];
      let wordStart = 0;
      for (let at = 0; at < bytes.length;) {
        if (at > 0 && isSpaceSymbolAt(bytes, at)) {
          out.push(piece(vocab, bytes, wordStart, at));
          wordStart = at;
        }
        at += Math.min(oneCharLen(bytes[at]!), bytes.length - at);
      }
      if (bytes.length > 0) out.push(piece(vocab, bytes, wordStart, bytes.length));
      return out;
    },
  },
  char: {
    dropout: false,
    prepare: plain,
    encode: ({ vocab }, bytes) => {
      const out: EncodedPiece[] = [];
      for (let at = 0; at < bytes.length;) {
        const user = vocab.userDefined?.longestPrefix(bytes, at, bytes.length) ?? 0;
        const len = user > 0 ? user : Math.min(oneCharLen(bytes[at]!), bytes.length - at);
        out.push(piece(vocab, bytes, at, at + len));
        at += len;
      }
      return out;
    },
  },
};

/** Refuses dropout for model types that have none. */
export function checkSpmDropout(type: SpmModelType, dropout: number, name: string): void {
  if (dropout > 0 && !SPM_ENCODERS[type].dropout) {
    throw new GlimpseError(`${name}: dropout applies to BPE models; this SentencePiece model is ${type}`);
  }
}

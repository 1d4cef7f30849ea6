/**
 * What every subword model in glimpse is: a {@link SubwordModel} that turns a line of text into
 * pieces and back, and the `bpe:…` / `spm:…` spec strings that name one. Tensor-free and
 * browser-safe; reading files is in `./subwords-node.ts`.
 */
import type { Rng } from '../../util/rng.js';
import { GlimpseError } from '../../util/errors.js';

/** The kinds of subword model: subword-nmt BPE codes learned in glimpse, or a SentencePiece `.model`. */
export type SubwordKind = 'bpe' | 'spm';

/** The sizes glimpse accepts; anything larger is refused with one line naming the limit. */
export const SUBWORD_LIMITS = {
  /** Merge operations to learn or to read from a codes file. */
  maxMerges: 1_000_000,
  /** Bytes of a codes file, a vocabulary file or a SentencePiece model. */
  maxFileBytes: 64 * 1024 * 1024,
  /** Pieces of a SentencePiece model. */
  maxPieces: 1_000_000,
  /** Distinct words counted while learning BPE (each is kept in memory). */
  maxDistinctWords: 50_000_000,
  /** Bytes of one line given to `encode` or `decode` on the command line. */
  maxLineBytes: 16 * 1024 * 1024,
} as const;

/** Options of {@link SubwordModel.encode}. */
export interface SubwordEncodeOptions {
  /**
   * BPE-dropout probability p (Provilkov et al. 2020): each merge is skipped with probability p
   * when it is reached, so training sees varied segmentations. 0 (the default) is deterministic.
   * Only BPE models (glimpse's codes and SentencePiece BPE) accept it.
   */
  dropout?: number;
  /** Where dropout draws from; pass a seeded `Rng` for repeatable output (required when dropout > 0). */
  rng?: Rng;
}

/** A plain description of a loaded model (what a run folder would record beside the model's bytes). */
export interface SubwordModelInfo {
  kind: SubwordKind;
  /** The file (or name) it was loaded from. */
  name: string;
  /** `bpe`: merge operations; `spm`: pieces in the vocabulary. */
  size: number;
  /** `spm`: the SentencePiece model type (`unigram`, `bpe`, …); `bpe`: `'bpe'`. */
  algorithm: string;
}

/**
 * A subword model: text → pieces → text. `encode` gives the pieces of one line (no newline
 * inside); `decode` joins pieces back into text, undoing `encode` exactly up to the whitespace
 * each kind normalises (see docs/subwords.md).
 *
 * @example
 * const bpe = learnBpe(['the lowest low', 'newer newest'], { merges: 20, minFrequency: 1 });
 * const pieces = bpe.encode('lower');    // ['lo@@', 'wer']
 * bpe.decode(pieces);                    // 'lower'
 */
export interface SubwordModel {
  readonly kind: SubwordKind;
  readonly name: string;
  /** The pieces of one line of text. */
  encode(text: string, options?: SubwordEncodeOptions): string[];
  /**
   * The pieces of one line given as UTF-8 bytes (how command-line input arrives). SentencePiece
   * models read malformed bytes as `spm_encode` does (each becomes U+FFFD); BPE refuses them.
   */
  encodeBytes(line: Uint8Array, options?: SubwordEncodeOptions): string[];
  /** The text of a sequence of pieces. */
  decode(pieces: readonly string[]): string;
  /** The model's file, byte for byte as glimpse would write it (codes text or the `.model` protobuf). */
  serialize(): Uint8Array;
  /** Kind, name, size and algorithm, for logs and run folders. */
  toJSON(): SubwordModelInfo;
}

/** What a `--subwords` / `--model` spec names. */
export type SubwordSpec =
  | { kind: 'bpe'; path: string }
  | { kind: 'bpe'; merges: number }
  | { kind: 'spm'; path: string };

/**
 * Parses a subword spec: `bpe:CODES` (a codes file), `bpe:N` (learn N merges; all digits),
 * or `spm:FILE` (a SentencePiece `.model`). Anything else is a {@link GlimpseError}.
 *
 * @example
 * parseSubwordSpec('bpe:8000');          // { kind: 'bpe', merges: 8000 }
 * parseSubwordSpec('bpe:codes.bpe');     // { kind: 'bpe', path: 'codes.bpe' }
 * parseSubwordSpec('spm:m.model');       // { kind: 'spm', path: 'm.model' }
 */
export function parseSubwordSpec(spec: string, what = 'subword model'): SubwordSpec {
  const m = /^(bpe|spm):(.+)$/s.exec(spec);
  if (!m) throw new GlimpseError(`${what} '${spec}': expected bpe:CODES, bpe:N (merges to learn) or spm:FILE (a SentencePiece .model)`);
  const kind = m[1] as SubwordKind;
  const rest = m[2]!;
  if (kind === 'bpe' && /^\d+$/.test(rest)) {
    const merges = Number(rest);
    if (merges < 1 || merges > SUBWORD_LIMITS.maxMerges) {
      throw new GlimpseError(`${what} '${spec}': the number of merges must be in [1, ${SUBWORD_LIMITS.maxMerges}], got ${merges}`);
    }
    return { kind, merges };
  }
  return kind === 'bpe' ? { kind, path: rest } : { kind, path: rest };
}

/** Checks a dropout probability and its generator; returns p (0 when absent). */
export function checkDropout(options: SubwordEncodeOptions | undefined, model: string): number {
  const p = options?.dropout ?? 0;
  if (!(p >= 0 && p < 1)) throw new GlimpseError(`${model}: dropout must be in [0, 1), got ${p}`);
  if (p > 0 && options?.rng === undefined) throw new GlimpseError(`${model}: dropout ${p} needs a seeded rng (options.rng)`);
  return p;
}

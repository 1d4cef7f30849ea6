/**
 * SentencePiece's normalizer (`normalizer.cc`), byte for byte: the precompiled charsmap of the
 * model (a darts-clone double array whose values point into a blob of NUL-terminated
 * replacement strings; `nmt_nfkc` is NFKC plus NMT clean-ups compiled this way, `identity`
 * is no charsmap) applied longest-match first, user-defined symbols passed through untouched,
 * then the whitespace rules: drop leading, trailing and repeated spaces
 * (`remove_extra_whitespaces`), add one space in front (`add_dummy_prefix`; behind with
 * `treat_whitespace_as_suffix`), and write spaces as ▁ (`escape_whitespaces`).
 */
import { GlimpseError } from '../../util/errors.js';
import { ByteBuffer, REPLACEMENT_UTF8, SPACE_SYMBOL_UTF8, validCharLen } from './spm-utf8.js';
import { DoubleArray, type ByteTrie } from './spm-tries.js';

/** The normalizer settings of a model (its `NormalizerSpec`, and one flag of its `TrainerSpec`). */
export interface NormalizerSettings {
  precompiledCharsmap: Uint8Array;
  addDummyPrefix: boolean;
  removeExtraWhitespaces: boolean;
  escapeWhitespaces: boolean;
  treatWhitespaceAsSuffix: boolean;
}

const SPACE = 0x20;

export class SpmNormalizer {
  private readonly trie: DoubleArray | null = null;
  private readonly replacements: Uint8Array = new Uint8Array(0);

  /**
   * @param settings the spec's flags and charsmap
   * @param userDefined user-defined symbols, copied through without normalization
   * @param name the model file, for errors
   */
  constructor(private readonly settings: NormalizerSettings, private readonly userDefined: ByteTrie | null, name: string) {
    const blob = settings.precompiledCharsmap;
    if (blob.length === 0) return;
    // <trie size: uint32 little-endian><double array><replacement strings>
    if (blob.length <= 4) throw new GlimpseError(`${name}: the normalizer's precompiled charsmap is broken (${blob.length} bytes)`);
    const trieSize = new DataView(blob.buffer, blob.byteOffset, 4).getUint32(0, true);
    if (trieSize >= blob.length || trieSize % 4 !== 0) {
      throw new GlimpseError(`${name}: the normalizer's precompiled charsmap is broken (trie of ${trieSize} bytes in a blob of ${blob.length})`);
    }
    this.trie = new DoubleArray(blob.subarray(4, 4 + trieSize));
    this.replacements = blob.subarray(4 + trieSize);
  }

  /**
   * The normalized form of one char (or user-defined symbol, or charsmap key) at `at`:
   * writes the bytes it becomes into `out` as [start, end) of `source` and returns how many
   * input bytes it consumed (`NormalizePrefix`).
   */
  private prefix(input: Uint8Array, at: number, out: { source: Uint8Array; start: number; end: number }): number {
    const end = input.length;
    if (this.userDefined !== null) {
      const n = this.userDefined.longestPrefix(input, at, end);
      if (n > 0) return set(out, input, at, at + n, n);
    }
    if (this.trie !== null) {
      const hit = this.trie.longestPrefix(input, at, end);
      if (hit !== null) {
        const r = this.replacements;
        if (hit.value >= r.length) return set(out, r, r.length, r.length, hit.length);
        let stop = hit.value;
        while (stop < r.length && r[stop] !== 0) stop++;
        return set(out, r, hit.value, stop, hit.length);
      }
    }
    const n = validCharLen(input, at, end);
    if (n === 0) return set(out, REPLACEMENT_UTF8, 0, 3, 1);
    return set(out, input, at, at + n, n);
  }

  /** Normalizes one line of UTF-8 bytes (`Normalizer::Normalize`). */
  normalize(input: Uint8Array): Uint8Array {
    const s = this.settings;
    const piece = { source: input, start: 0, end: 0 };
    let at = 0;
    if (s.removeExtraWhitespaces) {
      while (at < input.length) {
        const consumed = this.prefix(input, at, piece);
        if (!(piece.end - piece.start === 1 && piece.source[piece.start] === SPACE)) break;
        at += consumed;
      }
    }
    if (at >= input.length) return new Uint8Array(0);
    const out = new ByteBuffer();
    const addSpace = (): void => {
      if (s.escapeWhitespaces) out.append(SPACE_SYMBOL_UTF8);
      else out.push(SPACE);
    };
    if (!s.treatWhitespaceAsSuffix && s.addDummyPrefix) addSpace();
    let isPrevSpace = s.removeExtraWhitespaces;
    while (at < input.length) {
      const consumed = this.prefix(input, at, piece);
      let from = piece.start;
      while (isPrevSpace && from < piece.end && piece.source[from] === SPACE) from++;
      if (from < piece.end) {
        for (let k = from; k < piece.end; k++) {
          const b = piece.source[k]!;
          if (s.escapeWhitespaces && b === SPACE) out.append(SPACE_SYMBOL_UTF8);
          else out.push(b);
        }
        isPrevSpace = piece.source[piece.end - 1] === SPACE;
      }
      at += consumed;
      if (!s.removeExtraWhitespaces) isPrevSpace = false;
    }
    if (s.removeExtraWhitespaces) {
      const space = s.escapeWhitespaces ? SPACE_SYMBOL_UTF8 : Uint8Array.of(SPACE);
      while (out.endsWith(space)) out.length -= space.length;
    }
    if (s.treatWhitespaceAsSuffix && s.addDummyPrefix) addSpace();
    return out.view().slice();
  }
}

function set(out: { source: Uint8Array; start: number; end: number }, source: Uint8Array, start: number, end: number, consumed: number): number {
  out.source = source;
  out.start = start;
  out.end = end;
  return consumed;
}

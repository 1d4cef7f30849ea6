/**
 * UTF-8 as SentencePiece reads it (`util.h` / `util.cc`): character lengths from the lead byte
 * alone, and a decoder that reports a malformed sequence as one bad byte. The normalizer and
 * both models work on UTF-8 bytes, so that positions, lengths and malformed input are handled
 * byte for byte as `spm_encode` handles them.
 */

/** Bytes of the character starting with `lead`, judged by the lead byte only (`OneCharLen`). */
export function oneCharLen(lead: number): number {
  const hi = lead >> 4;
  return hi < 12 ? 1 : hi < 14 ? 2 : hi === 14 ? 3 : 4;
}

const isTrail = (b: number | undefined): boolean => b !== undefined && (b & 0xc0) === 0x80;
const isValidCodepoint = (c: number): boolean => c < 0xd800 || (c >= 0xe000 && c <= 0x10ffff);

/**
 * Length of the well-formed character at `bytes[at]`, or 0 when the bytes there are malformed
 * (SentencePiece then consumes one byte as U+FFFD). A real U+FFFD (EF BF BD) is well-formed.
 */
export function validCharLen(bytes: Uint8Array, at: number, end = bytes.length): number {
  const b0 = bytes[at]!;
  const left = end - at;
  if (b0 < 0x80) return 1;
  if (left >= 2 && (b0 & 0xe0) === 0xc0) {
    const cp = ((b0 & 0x1f) << 6) | (bytes[at + 1]! & 0x3f);
    return isTrail(bytes[at + 1]) && cp >= 0x80 && isValidCodepoint(cp) ? 2 : 0;
  }
  if (left >= 3 && (b0 & 0xf0) === 0xe0) {
    const cp = ((b0 & 0x0f) << 12) | ((bytes[at + 1]! & 0x3f) << 6) | (bytes[at + 2]! & 0x3f);
    return isTrail(bytes[at + 1]) && isTrail(bytes[at + 2]) && cp >= 0x800 && isValidCodepoint(cp) ? 3 : 0;
  }
  if (left >= 4 && (b0 & 0xf8) === 0xf0) {
    const cp = ((b0 & 0x07) << 18) | ((bytes[at + 1]! & 0x3f) << 12) | ((bytes[at + 2]! & 0x3f) << 6) | (bytes[at + 3]! & 0x3f);
    return isTrail(bytes[at + 1]) && isTrail(bytes[at + 2]) && isTrail(bytes[at + 3]) && cp >= 0x10000 && isValidCodepoint(cp) ? 4 : 0;
  }
  return 0;
}

/** U+FFFD REPLACEMENT CHARACTER in UTF-8. */
export const REPLACEMENT_UTF8 = Uint8Array.of(0xef, 0xbf, 0xbd);
/** U+2581 LOWER ONE EIGHTH BLOCK (▁), SentencePiece's visible space, in UTF-8. */
export const SPACE_SYMBOL_UTF8 = Uint8Array.of(0xe2, 0x96, 0x81);
export const SPACE_SYMBOL = '\u2581';

const encoder = new TextEncoder();
// ignoreBOM: a U+FEFF inside the text is a character to keep, not a byte-order mark to drop.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

export const utf8 = (s: string): Uint8Array => encoder.encode(s);
/** Decodes bytes SentencePiece produced (well-formed by construction). */
export const fromUtf8 = (b: Uint8Array): string => decoder.decode(b);

/** A growable byte buffer. */
export class ByteBuffer {
  bytes = new Uint8Array(64);
  length = 0;

  push(b: number): void {
    if (this.length === this.bytes.length) this.grow(1);
    this.bytes[this.length++] = b;
  }

  append(src: Uint8Array, from = 0, to = src.length): void {
    const n = to - from;
    if (this.length + n > this.bytes.length) this.grow(n);
    this.bytes.set(src.subarray(from, to), this.length);
    this.length += n;
  }

  endsWith(tail: Uint8Array): boolean {
    if (this.length < tail.length) return false;
    for (let i = 0; i < tail.length; i++) if (this.bytes[this.length - tail.length + i] !== tail[i]) return false;
    return true;
  }

  view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  private grow(n: number): void {
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }
}

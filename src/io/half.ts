// 16-bit floats for safetensors' F16 and BF16: decoding to float32, and encoding float32 with
// round-to-nearest-even (the rounding of numpy's astype(float16) and PyTorch's .half() /
// .bfloat16()). glimpse computes in float32; 16-bit floats are only a storage format.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 binary16 bits → number (subnormals, ±∞ and NaN included). */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // subnormal (or zero)
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** bfloat16 bits → number: the top half of a float32. */
export function bfloat16ToFloat(bits: number): number {
  u32[0] = (bits & 0xffff) << 16;
  return f32[0]!;
}

/** `q` plus the rounding of the `shift` bits below it (`rest`): to nearest, ties to even. */
function roundEven(q: number, rest: number, shift: number): number {
  const half = 2 ** (shift - 1);
  return rest > half || (rest === half && (q & 1) === 1) ? q + 1 : q;
}

/**
 * number → IEEE 754 binary16 bits, rounded to nearest with ties to even. The value is first
 * taken as a float32 (the tensors' type); what rounds above 65504 (from 65520 up) becomes ±∞,
 * what is below 2⁻²⁵ becomes ±0, subnormals are kept, and NaN stays NaN (its payload's top
 * bits kept, as numpy does).
 *
 * @example floatToHalf(1) === 0x3c00; floatToHalf(65520) === 0x7c00; floatToHalf(2 ** -24) === 0x0001
 */
export function floatToHalf(x: number): number {
  f32[0] = x;
  const b = u32[0]!;
  const sign = (b >>> 16) & 0x8000;
  const e = (b >>> 23) & 0xff; // float32 biased exponent (bias 127)
  const m = b & 0x7fffff;
  if (e === 0xff) return m === 0 ? sign | 0x7c00 : sign | 0x7c00 | (m >>> 13) | (m >>> 13 === 0 ? 1 : 0);
  if (e >= 143) return sign | 0x7c00; // |x| ≥ 2¹⁶: beyond every half
  if (e >= 113) {
    // A normal half (2⁻¹⁴ ≤ |x| < 2¹⁶): rebias, keep 10 fraction bits, round the other 13. A
    // carry out of the fraction moves to the next exponent, and past the largest one to ∞.
    return sign | roundEven(((e - 112) << 10) | (m >>> 13), m & 0x1fff, 13);
  }
  if (e < 102) return sign; // |x| < 2⁻²⁵: half of the smallest subnormal or less rounds to 0
  // A subnormal half: |x| = (2²³ + m)·2^(e−150) in units of 2⁻²⁴ is (2²³ + m) / 2^(126−e).
  const full = 0x800000 | m;
  const shift = 126 - e; // 14..24
  return sign | roundEven(full >>> shift, full & (2 ** shift - 1), shift);
}

/**
 * number → bfloat16 bits (the top 16 bits of a float32), rounded to nearest with ties to even
 * as PyTorch's `.bfloat16()` does; overflow becomes ±∞ and NaN stays a (quiet) NaN.
 *
 * @example floatToBfloat16(1) === 0x3f80; floatToBfloat16(1 + 2 ** -8) === 0x3f80 // a tie: even
 */
export function floatToBfloat16(x: number): number {
  f32[0] = x;
  const b = u32[0]!;
  if ((b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0) return (b >>> 16) | 0x40;
  return roundEven(b >>> 16, b & 0xffff, 16) & 0xffff;
}

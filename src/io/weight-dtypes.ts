/**
 * The float formats glimpse writes weights in, one row each: float32 tensors are stored as F32
 * (exact), F16 (IEEE half, half the bytes) or BF16 (bfloat16, half the bytes), and read back
 * as float32 by decodeSafetensors whichever they are.
 */
import { floatToBfloat16, floatToHalf } from './half.js';
import type { SafetensorsDtype } from './safetensors-header.js';

/** How one float format is written. */
export interface WeightDtypeRule {
  /** The safetensors dtype in the header. */
  readonly safetensors: SafetensorsDtype;
  /** Bytes per element. */
  readonly bytes: number;
  /** Stores `x` (a float32 value) little-endian at byte `at`. */
  readonly write: (view: DataView, at: number, x: number) => void;
  readonly summary: string;
}

export const WEIGHT_DTYPES = {
  f32: { safetensors: 'F32', bytes: 4, write: (v, at, x) => v.setFloat32(at, x, true), summary: 'float32, exact (4 bytes a weight)' },
  f16: {
    safetensors: 'F16', bytes: 2, write: (v, at, x) => v.setUint16(at, floatToHalf(x), true),
    summary: 'IEEE half, rounded to nearest even (2 bytes; 11 significant bits, |x| ≤ 65504)',
  },
  bf16: {
    safetensors: 'BF16', bytes: 2, write: (v, at, x) => v.setUint16(at, floatToBfloat16(x), true),
    summary: 'bfloat16, rounded to nearest even (2 bytes; 8 significant bits, float32\'s range)',
  },
} as const satisfies Record<string, WeightDtypeRule>;

/** A float format for weights: `f32`, `f16` or `bf16`. */
export type WeightDtype = keyof typeof WEIGHT_DTYPES;
export const WEIGHT_DTYPE_NAMES = Object.keys(WEIGHT_DTYPES) as WeightDtype[];
const RULES: { readonly [K in WeightDtype]: WeightDtypeRule } = WEIGHT_DTYPES;

/** The bytes of a float32 array in format `dtype`, little-endian. */
export function encodeFloats(data: Float32Array, dtype: WeightDtype): Uint8Array {
  const rule = RULES[dtype];
  const out = new Uint8Array(data.length * rule.bytes);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) rule.write(view, i * rule.bytes, data[i]!);
  return out;
}

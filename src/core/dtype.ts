import type { AnyArray } from '../backend/backend.js';

/**
 * Element types. `float32` is the working type; `float64` exists for gradient checks (it
 * always runs on the reference backend); `int32` holds indices and `bool` masks (0/1 bytes).
 */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

export type TypedArrayOf<D extends DType> = D extends 'float32'
  ? Float32Array
  : D extends 'float64'
    ? Float64Array
    : D extends 'int32'
      ? Int32Array
      : Uint8Array;

export function allocate(dtype: DType, n: number): AnyArray {
  switch (dtype) {
    case 'float32': return new Float32Array(n);
    case 'float64': return new Float64Array(n);
    case 'int32': return new Int32Array(n);
    case 'bool': return new Uint8Array(n);
  }
}

export function dtypeOf(data: AnyArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  return 'bool';
}

export function isFloat(dtype: DType): dtype is 'float32' | 'float64' {
  return dtype === 'float32' || dtype === 'float64';
}

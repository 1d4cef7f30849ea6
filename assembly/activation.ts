// Elementwise activations worth a trip into wasm: the transcendental ones, in SIMD.
import { at, int, ptr } from './desc';
import { gelu4, geluGrad4 } from './erf';
import { exp4, sigmoid4, tanh4 } from './simdmath';

export namespace UnaryCode {
  export const EXP = 0;
  export const TANH = 1;
  export const SIGMOID = 2;
  export const GELU = 3;
}

@inline function apply(op: i32, v: v128): v128 {
  if (op == UnaryCode.EXP) return exp4(v);
  if (op == UnaryCode.TANH) return tanh4(v);
  if (op == UnaryCode.GELU) return gelu4(v);
  return sigmoid4(v);
}

/** f′(x) for the activations whose backward needs x itself (not just y): GELU. */
@inline function derivative(op: i32, v: v128): v128 {
  return geluGrad4(v);
}

/** out[i] = f(x[i]) for i < n (out may equal x). */
export function unary(op: i32, x: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(out, i), apply(op, v128.load(at(x, i))));
  for (; i < n; i++) {
    store<f32>(at(out, i), f32x4.extract_lane(apply(op, f32x4.splat(load<f32>(at(x, i)))), 0));
  }
}

// desc: OP, X, OUT, N, PER_CHUNK. One chunk of a large activation, for the worker pool.
export function unary_chunk(desc: usize, chunk: i32, tid: i32): void {
  const n = int(desc, 3);
  const per = int(desc, 4);
  const start = chunk * per;
  const end = min(n, start + per);
  if (end > start) unary(int(desc, 0), ptr(desc, 1) + (<usize>start << 2), ptr(desc, 2) + (<usize>start << 2), end - start);
}

/** gx[i] = gy[i]·f′(x[i]) for i < n (gx may equal gy). */
export function unary_bwd(op: i32, x: usize, gy: usize, gx: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(gx, i), f32x4.mul(v128.load(at(gy, i)), derivative(op, v128.load(at(x, i)))));
  for (; i < n; i++) {
    const d = f32x4.extract_lane(derivative(op, f32x4.splat(load<f32>(at(x, i)))), 0);
    store<f32>(at(gx, i), load<f32>(at(gy, i)) * d);
  }
}

// desc: OP, X, GY, GX, N, PER_CHUNK. One chunk of a large activation backward.
export function unary_bwd_chunk(desc: usize, chunk: i32, tid: i32): void {
  const n = int(desc, 4);
  const per = int(desc, 5);
  const start = chunk * per;
  const end = min(n, start + per);
  const off = <usize>start << 2;
  if (end > start) unary_bwd(int(desc, 0), ptr(desc, 1) + off, ptr(desc, 2) + off, ptr(desc, 3) + off, end - start);
}

/** dst[r, j] = b1[j] + b2[j] for r < rows (a pointer of 0 is a missing bias). */
export function fill_rows(dst: usize, rows: i32, n: i32, b1: usize, b2: usize): void {
  for (let j = 0; j < n; j++) {
    let v: f32 = 0;
    if (b1) v += load<f32>(at(b1, j));
    if (b2) v += load<f32>(at(b2, j));
    store<f32>(at(dst, j), v);
  }
  for (let r = 1; r < rows; r++) memory.copy(at(dst, r * n), dst, <usize>n << 2);
}

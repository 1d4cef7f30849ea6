// Sums over one axis of an [outer, n, inner] view, accumulated in f64 as the reference does
// (a float32 running sum of 2^20 values of 0.1 is off by hundreds).
import { at } from './desc';

/** Two f32 at `p` widened to f64x2. */
@inline function load2(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/**
 * out[o, i] (+)= Σ_j x[o, j, i]. `scratch` holds `inner` f64 (8-byte aligned) for the
 * inner > 1 case.
 */
export function sum_axis(x: usize, outer: i32, n: i32, inner: i32, out: usize, accumulate: bool, scratch: usize): void {
  if (inner == 1) {
    for (let o = 0; o < outer; o++) {
      const row = at(x, o * n);
      let a0 = f64x2.splat(0);
      let a1 = f64x2.splat(0);
      let j = 0;
      for (; j + 4 <= n; j += 4) {
        a0 = f64x2.add(a0, load2(at(row, j)));
        a1 = f64x2.add(a1, load2(at(row, j + 2)));
      }
      const a = f64x2.add(a0, a1);
      let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
      for (; j < n; j++) s += <f64>load<f32>(at(row, j));
      const dst = at(out, o);
      store<f32>(dst, <f32>(accumulate ? <f64>load<f32>(dst) + s : s));
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    memory.fill(scratch, 0, <usize>inner << 3);
    for (let j = 0; j < n; j++) {
      const src = at(x, (o * n + j) * inner);
      let i = 0;
      for (; i + 2 <= inner; i += 2) {
        const d = scratch + (<usize>i << 3);
        v128.store(d, f64x2.add(v128.load(d), load2(at(src, i))));
      }
      if (i < inner) {
        const d = scratch + (<usize>i << 3);
        store<f64>(d, load<f64>(d) + <f64>load<f32>(at(src, i)));
      }
    }
    const dst = at(out, o * inner);
    for (let i = 0; i < inner; i++) {
      const s = load<f64>(scratch + (<usize>i << 3));
      const d = at(dst, i);
      store<f32>(d, <f32>(accumulate ? <f64>load<f32>(d) + s : s));
    }
  }
}

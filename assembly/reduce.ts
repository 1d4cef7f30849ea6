// Sums over one axis of an [outer, n, inner] view.
import { at } from './desc';

/** out[o, i] (+)= Σ_j x[o, j, i]. */
export function sum_axis(x: usize, outer: i32, n: i32, inner: i32, out: usize, accumulate: bool): void {
  if (inner == 1) {
    for (let o = 0; o < outer; o++) {
      const row = at(x, o * n);
      let acc = f32x4.splat(0);
      let j = 0;
      for (; j + 4 <= n; j += 4) acc = f32x4.add(acc, v128.load(at(row, j)));
      let s = (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) + (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
      for (; j < n; j++) s += load<f32>(at(row, j));
      const dst = at(out, o);
      store<f32>(dst, accumulate ? load<f32>(dst) + s : s);
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    const dst = at(out, o * inner);
    if (!accumulate) memory.fill(dst, 0, <usize>inner << 2);
    for (let j = 0; j < n; j++) {
      const src = at(x, (o * n + j) * inner);
      let i = 0;
      for (; i + 4 <= inner; i += 4) v128.store(at(dst, i), f32x4.add(v128.load(at(dst, i)), v128.load(at(src, i))));
      for (; i < inner; i++) store<f32>(at(dst, i), load<f32>(at(dst, i)) + load<f32>(at(src, i)));
    }
  }
}

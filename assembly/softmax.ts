// Softmax, log-softmax and cross-entropy over the rows of [rows, n], forward and backward.
// Parallel over rows: chunk c covers rows [c·rpc, (c+1)·rpc).
import { at, flt, int, ptr } from './desc';
import { exp4, log64 } from './simdmath';

@inline function hmax(v: v128): f32 {
  return max(max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}

@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

@inline function exp1(x: f32): f32 {
  return f32x4.extract_lane(exp4(f32x4.splat(x)), 0);
}

/** max over x[0:n] (−∞ for an empty or fully −∞ row; starts at −∞, never f32.MIN_VALUE). */
export function rowMax(x: usize, n: i32): f32 {
  let mv = f32x4.splat(-Infinity);
  let j = 0;
  for (; j + 4 <= n; j += 4) mv = f32x4.max(mv, v128.load(at(x, j)));
  let m = hmax(mv);
  for (; j < n; j++) m = max(m, load<f32>(at(x, j)));
  return m;
}

/** out[j] = e^(x[j] − shift); returns Σ out (out may be 0: only the sum). */
export function rowExpSum(x: usize, n: i32, shift: f32, out: usize): f32 {
  const s = f32x4.splat(shift);
  let acc = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const e = exp4(f32x4.sub(v128.load(at(x, j)), s));
    if (out) v128.store(at(out, j), e);
    acc = f32x4.add(acc, e);
  }
  let sum = hsum(acc);
  for (; j < n; j++) {
    const e = exp1(load<f32>(at(x, j)) - shift);
    if (out) store<f32>(at(out, j), e);
    sum += e;
  }
  return sum;
}

/** Stable softmax (or log-softmax) of one row; a fully −∞ row gives 0 (−∞), never NaN. */
export function softmaxRow(x: usize, out: usize, n: i32, log: bool): void {
  const m = rowMax(x, n);
  if (m == -Infinity) {
    const fill: f32 = log ? -Infinity : 0;
    for (let j = 0; j < n; j++) store<f32>(at(out, j), fill);
    return;
  }
  if (log) {
    const lse = m + <f32>log64(<f64>rowExpSum(x, n, m, 0));
    for (let j = 0; j < n; j++) store<f32>(at(out, j), load<f32>(at(x, j)) - lse);
    return;
  }
  const inv = f32x4.splat(1 / rowExpSum(x, n, m, out));
  let j = 0;
  for (; j + 4 <= n; j += 4) v128.store(at(out, j), f32x4.mul(v128.load(at(out, j)), inv));
  const invs = f32x4.extract_lane(inv, 0);
  for (; j < n; j++) store<f32>(at(out, j), load<f32>(at(out, j)) * invs);
}

// desc: X, OUT, ROWS, N, LOG, ROWS_PER_CHUNK
export function softmax_chunk(desc: usize, chunk: i32, tid: i32): void {
  const x = ptr(desc, 0);
  const out = ptr(desc, 1);
  const rows = int(desc, 2);
  const n = int(desc, 3);
  const log = int(desc, 4) != 0;
  const rpc = int(desc, 5);
  const end = min(rows, (chunk + 1) * rpc);
  for (let r = chunk * rpc; r < end; r++) softmaxRow(at(x, r * n), at(out, r * n), n, log);
}

// desc: Y, GY, GX, ROWS, N, LOG, ROWS_PER_CHUNK
export function softmax_bwd_chunk(desc: usize, chunk: i32, tid: i32): void {
  const y = ptr(desc, 0);
  const gy = ptr(desc, 1);
  const gx = ptr(desc, 2);
  const rows = int(desc, 3);
  const n = int(desc, 4);
  const log = int(desc, 5) != 0;
  const rpc = int(desc, 6);
  const end = min(rows, (chunk + 1) * rpc);
  for (let r = chunk * rpc; r < end; r++) {
    const yr = at(y, r * n);
    const gr = at(gy, r * n);
    const xr = at(gx, r * n);
    let acc = f32x4.splat(0);
    let j = 0;
    if (log) {
      // gx = gy − softmax·Σgy  (softmax = e^y; a −∞ log-weight gets gradient 0)
      for (; j + 4 <= n; j += 4) acc = f32x4.add(acc, v128.load(at(gr, j)));
      let s = hsum(acc);
      for (; j < n; j++) s += load<f32>(at(gr, j));
      const sv = f32x4.splat(s);
      j = 0;
      for (; j + 4 <= n; j += 4) {
        const yv = v128.load(at(yr, j));
        const g = f32x4.sub(v128.load(at(gr, j)), f32x4.mul(exp4(yv), sv));
        v128.store(at(xr, j), v128.bitselect(f32x4.splat(0), g, f32x4.eq(yv, f32x4.splat(-Infinity))));
      }
      for (; j < n; j++) {
        const yj = load<f32>(at(yr, j));
        store<f32>(at(xr, j), yj == -Infinity ? 0 : load<f32>(at(gr, j)) - exp1(yj) * s);
      }
    } else {
      // gx = y ⊙ (gy − Σ gy ⊙ y)
      for (; j + 4 <= n; j += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(at(gr, j)), v128.load(at(yr, j))));
      let s = hsum(acc);
      for (; j < n; j++) s += load<f32>(at(gr, j)) * load<f32>(at(yr, j));
      const sv = f32x4.splat(s);
      j = 0;
      for (; j + 4 <= n; j += 4) {
        v128.store(at(xr, j), f32x4.mul(v128.load(at(yr, j)), f32x4.sub(v128.load(at(gr, j)), sv)));
      }
      for (; j < n; j++) store<f32>(at(xr, j), load<f32>(at(yr, j)) * (load<f32>(at(gr, j)) - s));
    }
  }
}

// desc: LOGITS, TARGET, ROWS, N, IGNORE, SMOOTHING(f32), LOSS, LSE, ROWS_PER_CHUNK
export function ce_chunk(desc: usize, chunk: i32, tid: i32): void {
  const logits = ptr(desc, 0);
  const target = ptr(desc, 1);
  const rows = int(desc, 2);
  const n = int(desc, 3);
  const ignore = int(desc, 4);
  const eps = flt(desc, 5);
  const loss = ptr(desc, 6);
  const lseOut = ptr(desc, 7);
  const rpc = int(desc, 8);
  const end = min(rows, (chunk + 1) * rpc);
  for (let r = chunk * rpc; r < end; r++) {
    const x = at(logits, r * n);
    const m = rowMax(x, n);
    const sum = rowExpSum(x, n, m, 0);
    const l = <f64>m + log64(<f64>sum);
    store<f32>(at(lseOut, r), <f32>l);
    const t = load<i32>(at(target, r));
    if (t == ignore) {
      store<f32>(at(loss, r), 0);
      continue;
    }
    const nll = l - <f64>load<f32>(at(x, t));
    if (eps == 0) {
      store<f32>(at(loss, r), <f32>nll);
      continue;
    }
    // mean_c(−log p_c) = lse − mean_c(x_c)
    let acc = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= n; j += 4) acc = f32x4.add(acc, v128.load(at(x, j)));
    let total = <f64>hsum(acc);
    for (; j < n; j++) total += <f64>load<f32>(at(x, j));
    store<f32>(at(loss, r), <f32>((1 - <f64>eps) * nll + <f64>eps * (l - total / <f64>n)));
  }
}

// desc: LOGITS, LSE, TARGET, ROWS, N, IGNORE, SMOOTHING(f32), GLOSS, GLOGITS, ROWS_PER_CHUNK
export function ce_bwd_chunk(desc: usize, chunk: i32, tid: i32): void {
  const logits = ptr(desc, 0);
  const lse = ptr(desc, 1);
  const target = ptr(desc, 2);
  const rows = int(desc, 3);
  const n = int(desc, 4);
  const ignore = int(desc, 5);
  const eps = flt(desc, 6);
  const gLoss = ptr(desc, 7);
  const gLogits = ptr(desc, 8);
  const rpc = int(desc, 9);
  const uniform = eps / <f32>n;
  const end = min(rows, (chunk + 1) * rpc);
  for (let r = chunk * rpc; r < end; r++) {
    const x = at(logits, r * n);
    const gx = at(gLogits, r * n);
    const t = load<i32>(at(target, r));
    if (t == ignore) {
      memory.fill(gx, 0, <usize>n << 2);
      continue;
    }
    // ∂/∂x_j = p_j − (1−ε)·[j = t] − ε/n
    const g = load<f32>(at(gLoss, r));
    const l = load<f32>(at(lse, r));
    const gv = f32x4.splat(g);
    const lv = f32x4.splat(l);
    const uv = f32x4.splat(uniform);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      v128.store(at(gx, j), f32x4.mul(gv, f32x4.sub(exp4(f32x4.sub(v128.load(at(x, j)), lv)), uv)));
    }
    for (; j < n; j++) store<f32>(at(gx, j), g * (exp1(load<f32>(at(x, j)) - l) - uniform));
    store<f32>(at(gx, t), load<f32>(at(gx, t)) - g * (1 - eps));
  }
}

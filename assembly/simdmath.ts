// Vector transcendental functions on f32x4 (Cephes-style polynomials, ~2 ulp), so the
// activation and softmax kernels stay in SIMD. Edge cases follow IEEE: exp(±∞) = ∞ / 0,
// exp(x > 88.72) = ∞, NaN propagates.

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;

@inline function splat(x: f32): v128 {
  return f32x4.splat(x);
}

/** e^x per lane. */
@inline export function exp4(x: v128): v128 {
  const xc = f32x4.min(f32x4.max(x, splat(-87.0)), splat(88.0));
  // x = n·ln2 + r, |r| ≤ ln2/2
  const n = f32x4.floor(f32x4.add(f32x4.mul(xc, splat(LOG2E)), splat(0.5)));
  let r = f32x4.sub(xc, f32x4.mul(n, splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(n, splat(LN2_LO)));
  const r2 = f32x4.mul(r, r);
  let p = splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(p, r2), r), splat(1.0));
  // 2^n by building the exponent bits (n ∈ [-126, 127] after the clamp).
  const pow2n = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  let y = f32x4.mul(p, pow2n);
  y = v128.bitselect(splat(Infinity), y, f32x4.gt(x, splat(88.72283)));
  y = v128.bitselect(splat(0), y, f32x4.lt(x, splat(-87.0)));
  // NaN in, NaN out (the clamp above already propagates it through min/max).
  return y;
}

/** 1 / (1 + e^-x) per lane. */
@inline export function sigmoid4(x: v128): v128 {
  return f32x4.div(splat(1), f32x4.add(splat(1), exp4(f32x4.neg(x))));
}

/** tanh per lane: an odd polynomial near 0 (no cancellation), 1 − 2/(e^{2x}+1) elsewhere. */
@inline export function tanh4(x: v128): v128 {
  const z = f32x4.mul(x, x);
  let p = splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  const e = exp4(f32x4.add(x, x));
  const large = f32x4.sub(splat(1), f32x4.div(splat(2), f32x4.add(e, splat(1))));
  return v128.bitselect(small, large, f32x4.lt(f32x4.abs(x), splat(0.625)));
}

// Scalar versions for loop tails: the same formulas on lane 0, so tails match the body.
@inline export function exp1(x: f32): f32 {
  return f32x4.extract_lane(exp4(f32x4.splat(x)), 0);
}

@inline export function sigmoid1(x: f32): f32 {
  return f32x4.extract_lane(sigmoid4(f32x4.splat(x)), 0);
}

@inline export function tanh1(x: f32): f32 {
  return f32x4.extract_lane(tanh4(f32x4.splat(x)), 0);
}

/**
 * Natural log in f64 without lookup tables (AssemblyScript's Math.log brings data segments,
 * which every instance would rewrite into the shared memory): x = m·2^e, m ∈ [√½, √2),
 * log m = 2·atanh(s), s = (m−1)/(m+1), |s| < 0.172, series to s^21 (error < 1e-16).
 */
export function log64(x: f64): f64 {
  if (!(x > 0) || x == Infinity) {
    if (x == 0) return -Infinity;
    return x == Infinity ? Infinity : NaN;
  }
  let bits = reinterpret<u64>(x);
  let e = <i32>((bits >> 52) & 0x7ff);
  if (e == 0) {
    // subnormal: scale into the normal range first
    bits = reinterpret<u64>(x * 18014398509481984.0); // 2^54
    e = <i32>((bits >> 52) & 0x7ff) - 54;
  }
  e -= 1023;
  let m = reinterpret<f64>((bits & 0x000fffffffffffff) | 0x3ff0000000000000);
  if (m > 1.4142135623730951) {
    m *= 0.5;
    e += 1;
  }
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  let p = 1.0 / 21;
  p = p * s2 + 1.0 / 19;
  p = p * s2 + 1.0 / 17;
  p = p * s2 + 1.0 / 15;
  p = p * s2 + 1.0 / 13;
  p = p * s2 + 1.0 / 11;
  p = p * s2 + 1.0 / 9;
  p = p * s2 + 1.0 / 7;
  p = p * s2 + 1.0 / 5;
  p = p * s2 + 1.0 / 3;
  p = p * s2 + 1.0;
  return 2 * s * p + <f64>e * 0.6931471805599453;
}

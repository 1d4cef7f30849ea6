// The error function in float64 for the reference kernels (JavaScript's Math has none), and the
// exact GELU built on it. Accuracy: erfc within 1e-13 relative of the true value over every
// float64 with a normal result (checked against mpmath at 40 digits on [-6, 26] in steps of 0.01).

const TWO_OVER_SQRT_PI = 1.1283791670955126; // 2/√π
const SQRT_PI = 1.7724538509055159;
const SQRT1_2 = 0.7071067811865476; // 1/√2
const INV_SQRT_2PI = 0.3989422804014327; // 1/√(2π)

/**
 * erf(x) for 0 ≤ x < 2 from the series 2x/√π·e^{−x²}·Σ_n (2x²)ⁿ / (1·3·…·(2n+1)), whose
 * terms are all positive (no cancellation); about 40 terms at x = 2.
 */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = 1;
  let sum = 1;
  for (let n = 1; term > sum * 1e-17; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
  }
  return TWO_OVER_SQRT_PI * x * Math.exp(-x2) * sum;
}

/**
 * erfc(x) for x ≥ 2 from its continued fraction e^{−x²}/√π · 1/(x + ½/(x + 1/(x + (3/2)/(x + …)))),
 * evaluated by the modified Lentz method (at most ~60 terms at x = 2, fewer beyond).
 */
function erfcFraction(x: number): number {
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 1000; n++) {
    const a = n / 2;
    d = 1 / (x + a * d);
    c = x + a / c;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (f * SQRT_PI);
}

/** The complementary error function erfc(x) = 1 − erf(x), accurate in relative terms for every x. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) return 1 - erfSeries(x);
  if (x > 27.3) return 0; // below the smallest float64
  return erfcFraction(x);
}

/** The error function erf(x) = 2/√π ∫₀ˣ e^{−t²} dt. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  const r = a < 2 ? erfSeries(a) : 1 - erfc(a);
  return x < 0 ? -r : r;
}

/** Φ(x), the standard normal CDF, as ½·erfc(−x/√2) (relative accuracy in both tails). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x * SQRT1_2);
}

/** GELU(x) = x·Φ(x) (Hendrycks & Gimpel 2016), the exact form PyTorch computes by default. */
export function gelu(x: number): number {
  return x * normalCdf(x);
}

/** GELU′(x) = Φ(x) + x·φ(x), φ the standard normal density. */
export function geluDerivative(x: number): number {
  return normalCdf(x) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

import type { FloatArray } from '../backend/backend.js';
import { GlimpseError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { noGrad } from './grad.js';
import { Tensor } from './tensor.js';

export interface GradcheckOptions {
  /** Finite-difference step. */
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Seed of the random output weights w in L = Σ f(x) ⊙ w. */
  seed?: number;
}

export interface GradcheckResult {
  ok: boolean;
  /** Largest |analytic − numeric| over all inputs. */
  maxError: number;
  /** Where the first mismatch is, if any: input index, flat element, both values. */
  mismatch?: { input: number; index: number; analytic: number; numeric: number };
}

/**
 * Checks the gradients of `fn` against central finite differences, in float64: builds
 * L = Σ fn(inputs) ⊙ w for random w, back-propagates, and compares every element of every
 * input's gradient with (L(x + ε) − L(x − ε)) / 2ε. Inputs must be float64 tensors with
 * requiresGrad (others are held constant). Runs on the reference kernels.
 *
 * @example
 * const x = randn([3, 4], { dtype: 'float64', requiresGrad: true });
 * gradcheck((a) => tanh(a), [x]).ok; // true
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor | Tensor[], inputs: Tensor[], options: GradcheckOptions = {}): GradcheckResult {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-6;
  const rtol = options.rtol ?? 1e-5;
  for (const [i, t] of inputs.entries()) {
    if (t.requiresGrad && t.dtype !== 'float64') {
      throw new GlimpseError(`gradcheck: input ${i} is ${t.dtype}; finite differences need float64 inputs`);
    }
  }
  const rng = new Rng(options.seed ?? 1234);
  const outputsOf = (): Tensor[] => {
    const r = fn(...inputs);
    return Array.isArray(r) ? r : [r];
  };
  const first = outputsOf();
  const weights = first.map((o) => Float64Array.from({ length: o.size }, () => rng.normal()));
  const lossOf = (outs: Tensor[]): number => {
    let s = 0;
    outs.forEach((o, k) => {
      const d = o.data as FloatArray;
      for (let i = 0; i < d.length; i++) s += d[i]! * weights[k]![i]!;
    });
    return s;
  };
  for (const t of inputs) t.grad = null;
  // Back-propagate Σ_k o_k ⊙ w_k by seeding each output with its weights.
  const seeded = first.filter((o) => o.requiresGrad);
  if (seeded.length === 0) throw new GlimpseError('gradcheck: no output depends on an input that requires grad');
  first.forEach((o, k) => {
    if (o.requiresGrad) o.backward(new Tensor(Float64Array.from(weights[k]!), o.shape), { retainGraph: true });
  });
  let maxError = 0;
  for (const [i, t] of inputs.entries()) {
    if (!t.requiresGrad) continue;
    const x = t.data as Float64Array;
    const analytic = t.grad ? (t.grad.data as Float64Array) : new Float64Array(x.length);
    for (let j = 0; j < x.length; j++) {
      const orig = x[j]!;
      x[j] = orig + eps;
      const up = noGrad(() => lossOf(outputsOf()));
      x[j] = orig - eps;
      const down = noGrad(() => lossOf(outputsOf()));
      x[j] = orig;
      const numeric = (up - down) / (2 * eps);
      const err = Math.abs(analytic[j]! - numeric);
      maxError = Math.max(maxError, err);
      if (!(err <= atol + rtol * Math.abs(numeric))) {
        return { ok: false, maxError, mismatch: { input: i, index: j, analytic: analytic[j]!, numeric } };
      }
    }
  }
  return { ok: true, maxError };
}



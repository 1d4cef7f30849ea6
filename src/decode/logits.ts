import { check } from '../util/errors.js';
import type { Rng } from '../util/rng.js';

/** Index of the largest value in row `r` of a [n, V] array (first one on ties). */
export function argmaxRow(values: Float32Array, r: number, V: number): number {
  let best = -Infinity;
  let bi = 0;
  const o = r * V;
  for (let j = 0; j < V; j++) {
    if (values[o + j]! > best) {
      best = values[o + j]!;
      bi = j;
    }
  }
  return bi;
}

export interface SamplingOptions {
  /** Divides the logits: < 1 sharpens, > 1 flattens. Default 1. */
  temperature?: number;
  /** Keep only the k most likely tokens (0 = all). */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p (1 = all). */
  topP?: number;
}

export function validateSampling(o: SamplingOptions): Required<SamplingOptions> {
  const temperature = o.temperature ?? 1;
  const topK = o.topK ?? 0;
  const topP = o.topP ?? 1;
  check(Number.isFinite(temperature) && temperature > 0, `temperature must be a positive number, got ${temperature}`);
  check(Number.isInteger(topK) && topK >= 0, `top-k must be a non-negative integer, got ${topK}`);
  check(Number.isFinite(topP) && topP > 0 && topP <= 1, `top-p must be in (0, 1], got ${topP}`);
  return { temperature, topK, topP };
}

/**
 * The weights sampling draws from in row `r` of log-probabilities (or logits) [n, V]: ∝
 * exp((x − max) / T), zero outside the top-k and the top-p nucleus (Holtzman et al. 2020); not
 * normalised (divide by their sum for probabilities). What {@link sampleRow} draws from, so a
 * page can show the adjusted distribution behind a sampled token.
 *
 * @example
 * const w = samplingWeights(logProbs, 0, V, validateSampling({ temperature: 0.8, topK: 5 }));
 * const total = w.reduce((a, b) => a + b, 0); // p(j) = w[j] / total; at most 5 are non-zero
 */
export function samplingWeights(logProbs: Float32Array, r: number, V: number, o: Required<SamplingOptions>): Float64Array {
  const base = r * V;
  // Probabilities ∝ exp((x − max) / T), computed in float64.
  let max = -Infinity;
  for (let j = 0; j < V; j++) max = Math.max(max, logProbs[base + j]!);
  const p = new Float64Array(V);
  for (let j = 0; j < V; j++) p[j] = Math.exp((logProbs[base + j]! - max) / o.temperature);
  let order: number[] | null = null;
  if (o.topK > 0 && o.topK < V || o.topP < 1) {
    order = Array.from({ length: V }, (_, j) => j).sort((a, b) => p[b]! - p[a]! || a - b);
    let keep = o.topK > 0 ? Math.min(o.topK, V) : V;
    if (o.topP < 1) {
      let total = 0;
      for (let j = 0; j < keep; j++) total += p[order[j]!]!;
      let acc = 0;
      let n = 0;
      while (n < keep) {
        acc += p[order[n]!]!;
        n++;
        if (acc >= o.topP * total) break;
      }
      keep = n;
    }
    for (let j = keep; j < V; j++) p[order[j]!] = 0;
  }
  return p;
}

/**
 * Draws a token from row `r` of log-probabilities (or logits) [n, V] after temperature,
 * top-k and top-p (nucleus, Holtzman et al. 2020) filtering ({@link samplingWeights}), with one
 * `rng.uniform()`. Deterministic for a seeded rng.
 */
export function sampleRow(logProbs: Float32Array, r: number, V: number, o: Required<SamplingOptions>, rng: Rng): number {
  const p = samplingWeights(logProbs, r, V, o);
  let total = 0;
  for (let j = 0; j < V; j++) total += p[j]!;
  let u = rng.uniform() * total;
  for (let j = 0; j < V; j++) {
    u -= p[j]!;
    if (u < 0 && p[j]! > 0) return j;
  }
  // Rounding left u ≥ 0: return the last token with mass.
  for (let j = V - 1; j >= 0; j--) if (p[j]! > 0) return j;
  return 0;
}

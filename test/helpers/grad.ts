import fc from 'fast-check';
import { expect } from 'vitest';
import { randn, tensor } from '../../src/core/create.js';
import { gradcheck } from '../../src/core/gradcheck.js';
import type { Tensor } from '../../src/core/tensor.js';
import { Rng } from '../../src/util/rng.js';

/** Asserts that `fn`'s gradients match central finite differences (float64). */
export function expectGradOk(fn: (...xs: Tensor[]) => Tensor | Tensor[], inputs: Tensor[]): void {
  const r = gradcheck(fn, inputs);
  if (!r.ok) {
    const m = r.mismatch!;
    throw new Error(`gradient mismatch: input ${m.input} [${inputs[m.input]!.shape}] element ${m.index}: analytic ${m.analytic}, numeric ${m.numeric}`);
  }
  expect(r.ok).toBe(true);
}

/** A float64 leaf N(0,1) (optionally shifted to keep away from a domain edge). */
export function leaf(shape: readonly number[], seed: number, shift = 0): Tensor {
  const t = randn(shape, { dtype: 'float64', rng: new Rng(seed) });
  const d = t.data as Float64Array;
  if (shift) for (let i = 0; i < d.length; i++) d[i] = Math.abs(d[i]!) + shift;
  return tensor(d, { shape, dtype: 'float64', requiresGrad: true });
}

export const dim = fc.integer({ min: 1, max: 4 });
export const shapeArb = fc.array(dim, { minLength: 0, maxLength: 3 });
export const seedArb = fc.integer({ min: 0, max: 1e6 });

/** A shape that broadcasts to `out`: some leading dims dropped, some dims set to 1. */
export function broadcastableTo(out: number[]) {
  return fc.tuple(fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }))
    .map(([drop, ones]) => out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));
}

/** An output shape and two operand shapes that broadcast to it. */
export const broadcastPairArb = shapeArb.chain((out) => fc.tuple(fc.constant(out), broadcastableTo(out), broadcastableTo(out)));

export const RUNS = { numRuns: 15, seed: 20261122 };

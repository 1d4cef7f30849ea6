import { describe, expect, it } from 'vitest';
import { record } from '../../src/core/grad.js';
import { gradcheck } from '../../src/core/gradcheck.js';
import { randn } from '../../src/core/create.js';
import { Tensor } from '../../src/core/tensor.js';
import { tanh } from '../../src/ops/index.js';

describe('gradcheck', () => {
  it('accepts a correct gradient', () => {
    const x = randn([3, 4], { dtype: 'float64', requiresGrad: true });
    expect(gradcheck((a) => tanh(a), [x]).ok).toBe(true);
  });

  it('catches a wrong gradient', () => {
    // An op whose backward is off by a factor of 2.
    const square = (a: Tensor): Tensor => {
      const d = Float64Array.from(a.data as Float64Array, (v) => v * v);
      const out = new Tensor(d, a.shape);
      record('badSquare', [a], [out], ([g]) => [new Tensor(Float64Array.from(g!.data as Float64Array, (gv, i) => gv * 4 * (a.data[i] as number)), a.shape)]);
      return out;
    };
    const x = randn([5], { dtype: 'float64', requiresGrad: true });
    const r = gradcheck(square, [x]);
    expect(r.ok).toBe(false);
    expect(r.mismatch?.input).toBe(0);
  });

  it('refuses float32 inputs', () => {
    const x = randn([2], { requiresGrad: true });
    expect(() => gradcheck((a) => tanh(a), [x])).toThrow(/float64/);
  });
});

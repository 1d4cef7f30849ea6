// The exact GELU: values against PyTorch, float64 gradients against finite differences, and the
// fast backends' kernels (wasm's own erfc approximation, native's std::erfc) against the
// reference on SIMD-tail sizes, awkward values and a dense range.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend/backend.js';
import { erf, erfc, gelu as geluScalar } from '../../src/backend/ref/erf.js';
import { refBackend } from '../../src/backend/ref/backend.js';
import { wasmBackend } from '../../src/backend/wasm/backend.js';
import { tensor } from '../../src/core/create.js';
import { gelu, sum } from '../../src/ops/index.js';
import { NATIVE_UNAVAILABLE, nativeForTests } from '../backend/native-helpers.js';
import { expectClose, randomF32 } from '../helpers/close.js';
import { RUNS, expectGradOk, leaf, seedArb, shapeArb } from '../helpers/grad.js';
import { forceWasmKernels } from '../helpers/wasm.js';

const XS = [-10, -5, -3, -1, -0.5, -1e-3, 0, 1e-3, 0.5, 1, 3, 5, 10];
// torch.nn.functional.gelu in float64 (PyTorch 1.13) and its gradient, at XS.
const TORCH_GELU = [
  -0.0, -1.4332578593401202e-6, -0.00404969409489031, -0.15865525393145702, -0.15426876936299344, -0.000499601057786089,
  0.0, 0.000500398942213911, 0.34573123063700656, 0.841344746068543, 2.99595030590511, 4.999998566742141, 10.0,
];
const TORCH_GRAD = [
  -7.694598626706419e-22, -7.1469460018034646e-6, -0.01194564720418392, -0.08331547058768635, 0.13250487534383712,
  0.4992021157051586, 0.5, 0.5007978842948414, 0.8674951246561629, 1.0833154705876864, 1.011945647204184,
  1.000007146946002, 1.0,
];

describe('gelu on the reference backend', () => {
  it('matches PyTorch in float64, values and gradients', () => {
    const x = tensor(XS, { dtype: 'float64', requiresGrad: true });
    const y = gelu(x);
    sum(y).backward();
    // PyTorch's ½x(1 + erf(x/√2)) cancels to -0 at x = −10, where x·½erfc(−x/√2) keeps −7.6e-23.
    expectClose(y.data, TORCH_GELU, { rtol: 1e-13, atol: 1e-15, what: 'gelu' });
    expectClose(x.grad!.data, TORCH_GRAD, { rtol: 1e-13, atol: 1e-15, what: 'gelu grad' });
    expect(geluScalar(-10)).toBeCloseTo(-7.619853e-23, 28);
  });

  it('erf and erfc at known values, and their symmetries', () => {
    // erf(0.5), erf(1), erf(2), erfc(3), erfc(6), erfc(10) from mpmath at 30 digits
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 15);
    expect(erf(1)).toBeCloseTo(0.8427007929497149, 15);
    expect(erf(2)).toBeCloseTo(0.9953222650189527, 15);
    expect(erfc(3) / 2.209049699858544e-5 - 1).toBeLessThan(1e-13);
    expect(erfc(6) / 2.1519736712498913e-17 - 1).toBeLessThan(1e-13);
    expect(erfc(10) / 2.088487583762545e-45 - 1).toBeLessThan(1e-13);
    for (const v of [0.1, 0.9, 1.7, 2.5, 4]) {
      expect(erf(-v)).toBe(-erf(v));
      expect(erfc(-v)).toBeCloseTo(2 - erfc(v), 15);
    }
    expect(erfc(Infinity)).toBe(0);
    expect(erfc(-Infinity)).toBe(2);
    expect(erf(NaN)).toBeNaN();
  });

  it('gradient matches finite differences (float64, random shapes)', () => {
    fc.assert(fc.property(shapeArb, seedArb, (shape, seed) => expectGradOk(gelu, [leaf(shape, seed)])), RUNS);
    // the tails and the zero of GELU′ (x ≈ −0.7518)
    expectGradOk(gelu, [tensor([-7, -4, -2.5, -0.7518, 0, 2.5, 4, 7], { dtype: 'float64', requiresGrad: true })]);
  });

  it('keeps NaN and infinities as PyTorch does', () => {
    expect(Array.from(gelu(tensor([Infinity, -Infinity, NaN])).data)).toEqual([Infinity, NaN, NaN]);
  });
});

const SIZES = [0, 1, 3, 4, 5, 17];
const SPECIAL = [0, -0, 1e-30, -1e-30, 1e-8, -1e-8, 0.3, -0.3, 0.62, -0.63, 0.84, -0.85, 5, -5, 9.3, -9.3, 13, -13, 50, -50, 1e30, -1e30, Infinity, -Infinity, NaN];

function inputs(): Float32Array[] {
  // the dense range steps over both branches of wasm's erfc and deep into the negative tail
  const dense = Float32Array.from({ length: 24001 }, (_, i) => -14 + i * 1e-3);
  return [...SIZES.map((n) => randomF32(n, n + 11, 4)), Float32Array.from(SPECIAL), randomF32(1001, 5, 30), dense];
}

/**
 * Within a few float32 ulps of the reference, times GELU's condition number in the negative tail
 * (≈ x²: the rounding of x/√2 alone moves Φ(x) by that much there).
 */
function expectUlpClose(x: Float32Array, actual: Float32Array, expected: Float32Array, what: string): void {
  for (let i = 0; i < x.length; i++) {
    const e = expected[i]!;
    const a = actual[i]!;
    if (Number.isNaN(e) || !Number.isFinite(e)) {
      expect(Object.is(a, e) || a === e, `${what}(${x[i]}): got ${a}, expected ${e}`).toBe(true);
      continue;
    }
    const tol = 2.4e-7 + 4.8e-7 * (1 + x[i]! * x[i]!) * Math.abs(e);
    if (!(Math.abs(a - e) <= tol)) expect.fail(`${what}(${x[i]}): got ${a}, expected ${e} (|err| ${Math.abs(a - e)}, tolerance ${tol})`);
  }
}

function parity(name: string, backend: () => Backend): void {
  it(`${name}: gelu forward and backward match the reference`, () => {
    for (const x of inputs()) {
      const expected = new Float32Array(x.length);
      const actual = new Float32Array(x.length);
      refBackend.unary('gelu', x, expected, 0, 0);
      backend().unary('gelu', x, actual, 0, 0);
      expectUlpClose(x, actual, expected, `${name} gelu n=${x.length}`);
      const gy = randomF32(x.length, 3, 2);
      const ge = new Float32Array(x.length);
      const ga = new Float32Array(x.length);
      refBackend.unaryBackward('gelu', x, expected, gy, ge, 0, 0);
      backend().unaryBackward('gelu', x, expected, gy, ga, 0, 0);
      expectUlpClose(x, ga, ge, `${name} gelu′ n=${x.length}`);
    }
  });
}

describe('gelu kernels of the fast backends match the reference', () => {
  forceWasmKernels();
  parity('wasm', () => wasmBackend);
  if (NATIVE_UNAVAILABLE) it.skip(`native: ${NATIVE_UNAVAILABLE}`, () => {});
  else {
    const nat = nativeForTests();
    parity('native', () => nat);
  }
});

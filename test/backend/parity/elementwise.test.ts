// Parity of the elementwise kernels (unary, binary, compare, where, maskScale, axpy, sumSquares,
// strided copies) with the reference, on SIMD-tail sizes and awkward values: large, negative,
// zero, infinite and NaN.
import { expect } from 'vitest';
import type { Backend, BinaryOp, CompareOp, UnaryOp } from '../../../src/backend/backend.js';
import { refBackend as ref } from '../../../src/backend/ref/backend.js';
import { expectClose, randomF32 } from '../../helpers/close.js';
import { SIZES, rand } from '../native-helpers.js';
import { type ParityCase, describeParity } from './backends.js';

const UNARY: UnaryOp[] = ['neg', 'exp', 'log', 'sqrt', 'tanh', 'sigmoid', 'relu', 'abs', 'pow', 'clamp', 'affine'];
const BINARY: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'];
const COMPARE: CompareOp[] = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'and', 'or'];
/** Large, negative, zero, infinite and NaN values appended to random data. */
const SPECIAL = [0, -0, 1e-30, -1e-30, 50, -50, 90, -90, 200, -200, 1e30, -1e30, Infinity, -Infinity, NaN, 0.3, -0.3, 0.62, -0.63];
/** Values around the exp/tanh/sigmoid range limits of float32 (exp overflows past 88.7). */
const TRANSCENDENTAL_SPECIAL = [0, -0, 1e-8, -1e-8, 0.3, -0.7, 1, -1, 5, -5, 20, -20, 87.5, -87.5, 88.9, -88.9, 100, -100, 1e4, -1e4, Infinity, -Infinity, NaN];
/** Elementwise results: a few float32 roundings apart. */
const TOL = { rtol: 3e-6, atol: 1e-6 };

function withSpecials(n: number, seed: number, scale = 3): Float32Array {
  const x = rand(n, seed, scale);
  return n === 0 ? x : Float32Array.from([...x, ...SPECIAL]);
}

const unaryForward = (op: UnaryOp): ParityCase => ({
  name: `${op} on sizes 0…17, special and large values`,
  kernels: ['unary'],
  run: (be) => {
    const inputs = [...SIZES.map((n) => randomF32(n, n + 1, 4)), Float32Array.from(TRANSCENDENTAL_SPECIAL), randomF32(1001, 9, 30)];
    for (const x of inputs) {
      const expected = new Float32Array(x.length);
      const actual = new Float32Array(x.length);
      ref.unary(op, x, expected, 0, 0);
      be.unary(op, x, actual, 0, 0);
      expectClose(actual, expected, { rtol: 2e-6, atol: 1e-7, what: `${op}(${x.length})` });
    }
  },
});

const unaryAndBackward = (op: UnaryOp): ParityCase => ({
  name: `unary ${op} and its backward`,
  kernels: ['unary', 'unaryBackward'],
  run: (be) => {
    for (const n of [...SIZES, 100]) {
      const x = op === 'log' || op === 'sqrt' || op === 'pow' ? withSpecials(n, n + 1).map(Math.abs) : withSpecials(n, n + 1);
      const [p0, p1] = op === 'clamp' ? [-0.5, 0.7] : op === 'affine' ? [1.5, -2] : op === 'pow' ? [2.5, 0] : [0, 0];
      const a = new Float32Array(x.length);
      const b = new Float32Array(x.length);
      be.unary(op, x, a, p0, p1);
      ref.unary(op, x, b, p0, p1);
      expectClose(a, b, { ...TOL, what: `${op} n=${n}` });
      const gy = rand(x.length, 7);
      be.unaryBackward(op, x, b, gy, a, p0, p1);
      const gRef = new Float32Array(x.length);
      ref.unaryBackward(op, x, b, gy, gRef, p0, p1);
      expectClose(a, gRef, { ...TOL, what: `${op} backward n=${n}` });
    }
  },
});

const binary = (op: BinaryOp): ParityCase => ({
  name: `binary ${op}, same shapes and broadcast, and its backward`,
  kernels: ['binary', 'binaryBackward'],
  run: (be) => {
    for (const n of SIZES) {
      const a = rand(n, 1, 4);
      const b = rand(n, 2, 4).map((v) => (op === 'div' || op === 'pow' ? Math.abs(v) + 0.5 : v));
      if (op === 'maximum' || op === 'minimum') b.set(a.subarray(0, Math.min(2, n))); // ties
      const o1 = new Float32Array(n);
      const o2 = new Float32Array(n);
      be.binary(op, op === 'pow' ? a.map(Math.abs) : a, b, o1, null);
      ref.binary(op, op === 'pow' ? a.map(Math.abs) : a, b, o2, null);
      expectClose(o1, o2, { ...TOL, what: `${op} n=${n}` });
    }
    // [3, 1, 5] ∘ [4, 1] → [3, 4, 5]
    const bc = { shape: [3, 4, 5], strides: [[5, 0, 1], [0, 1, 0]] };
    const a = rand(15, 3, 2).map((v) => (op === 'pow' ? Math.abs(v) + 0.1 : v));
    const b = rand(4, 4, 2).map((v) => (op === 'div' || op === 'pow' ? Math.abs(v) + 0.5 : v));
    const o1 = new Float32Array(60);
    const o2 = new Float32Array(60);
    be.binary(op, a, b, o1, bc);
    ref.binary(op, a, b, o2, bc);
    expectClose(o1, o2, { ...TOL, what: `${op} broadcast` });
    const gy = rand(60, 5);
    const [ga1, gb1, ga2, gb2] = [0, 0, 0, 0].map(() => new Float32Array(60));
    be.binaryBackward(op, a, b, o2, gy, ga1!, gb1!, bc);
    ref.binaryBackward(op, a, b, o2, gy, ga2!, gb2!, bc);
    expectClose(ga1!, ga2!, { ...TOL, what: `${op} backward a` });
    expectClose(gb1!, gb2!, { ...TOL, what: `${op} backward b` });
    be.binaryBackward(op, a, b, o2, gy, null, gb1!, bc); // one side only
    expectClose(gb1!, gb2!, { ...TOL, what: `${op} backward b only` });
  },
});

const compare = (op: CompareOp): ParityCase => ({
  name: `compare ${op} on float32, int32 and bool, with broadcast`,
  kernels: ['compare'],
  run: (be) => {
    const bc = { shape: [2, 3, 17], strides: [[17, 0, 1], [0, 17, 1]] };
    const kinds = [
      [rand(34, 1).map(Math.round), rand(51, 2).map(Math.round)],
      [Int32Array.from(rand(34, 3, 2), Math.round), Int32Array.from(rand(51, 4, 2), Math.round)],
      [Uint8Array.from(rand(34, 5), (v) => (v > 0 ? 1 : 0)), Uint8Array.from(rand(51, 6), (v) => (v > 0 ? 1 : 0))],
    ] as const;
    for (const [a, b] of kinds) {
      const o1 = new Uint8Array(102);
      const o2 = new Uint8Array(102);
      be.compare(op, a, b, o1, bc);
      ref.compare(op, a, b, o2, bc);
      expect(o1).toEqual(o2);
      const same = new Uint8Array(34);
      const same2 = new Uint8Array(34);
      be.compare(op, a, a.slice().reverse() as typeof a, same, null);
      ref.compare(op, a, a.slice().reverse() as typeof a, same2, null);
      expect(same).toEqual(same2);
    }
  },
});

const CASES: ParityCase[] = [
  ...(['exp', 'tanh', 'sigmoid'] as UnaryOp[]).map(unaryForward),
  ...UNARY.map(unaryAndBackward),
  ...BINARY.map(binary),
  ...COMPARE.map(compare),

  {
    name: 'where over float32, int32 and bool with broadcast; maskScale; axpy; sumSquares',
    kernels: ['where', 'maskScale', 'axpy', 'sumSquares'],
    run: (be: Backend) => {
      const bc = { shape: [4, 17], strides: [[17, 1], [0, 1], [1, 0]] };
      const cond = Uint8Array.from(rand(68, 1), (v) => (v > 0 ? 1 : 0));
      for (const make of [(n: number, s: number) => rand(n, s), (n: number, s: number) => Int32Array.from(rand(n, s, 9), Math.round), (n: number, s: number) => Uint8Array.from(rand(n, s), (v) => (v > 0 ? 1 : 0))]) {
        const a = make(17, 2);
        const b = make(4, 3);
        const o1 = make(68, 0).fill(0);
        const o2 = make(68, 0).fill(0);
        be.where(cond, a, b, o1, bc);
        ref.where(cond, a, b, o2, bc);
        expect(o1).toEqual(o2);
      }
      for (const n of [...SIZES, 99]) {
        const x = rand(n, n, 5);
        const mask = Uint8Array.from(rand(n, n + 9), (v) => (v > 0 ? 1 : 0));
        const o1 = new Float32Array(n);
        const o2 = new Float32Array(n);
        be.maskScale(x, mask, 1.25, o1);
        ref.maskScale(x, mask, 1.25, o2);
        expect(o1).toEqual(o2);
        be.axpy(-0.5, x, o1);
        ref.axpy(-0.5, x, o2);
        expectClose(o1, o2, { rtol: 1e-6, atol: 1e-6, what: `axpy n=${n}` });
        expect(be.sumSquares(x)).toBeCloseTo(ref.sumSquares(x), 4);
      }
    },
  },

  {
    name: 'copyStrided: permutations and stride-0 reads for every element type',
    kernels: ['copyStrided'],
    run: (be: Backend) => {
      const shape = [3, 4, 5];
      for (const src of [rand(60, 1), Int32Array.from(rand(60, 2, 100), Math.round), Uint8Array.from(rand(60, 3, 100), Math.abs)]) {
        const d1 = new (src.constructor as Float32ArrayConstructor)(60);
        const d2 = new (src.constructor as Float32ArrayConstructor)(60);
        be.copyStrided(src, 0, [1, 3, 12], d1, 0, [20, 5, 1], shape); // transposed read
        ref.copyStrided(src, 0, [1, 3, 12], d2, 0, [20, 5, 1], shape);
        expect(d1).toEqual(d2);
        be.copyStrided(src, 7, [0, 0, 1], d1, 2, [15, 5, 1], [1, 11, 5]); // offsets and stride 0
        ref.copyStrided(src, 7, [0, 0, 1], d2, 2, [15, 5, 1], [1, 11, 5]);
        expect(d1).toEqual(d2);
      }
    },
  },
];

describeParity('elementwise kernels match the reference', CASES);

// Parity of the native GEMM (every transpose variant, batching, stride-0 broadcast, accumulate,
// blocking edges) and of the indexing, layer-norm and Adam kernels with the reference backend.
import { expect, it } from 'vitest';
import type { AdamParams, GemmParams } from '../../src/backend/backend.js';
import { refBackend as ref } from '../../src/backend/registry.js';
import { SIZES, describeNative, expectClose, nativeForTests, rand } from './native-helpers.js';

function gemmCase(p: GemmParams, seed: number): void {
  const nat = nativeForTests();
  const lenA = p.batch > 0 ? (p.batch - 1) * p.strideA + p.m * p.k : 0;
  const lenB = p.batch > 0 ? (p.batch - 1) * p.strideB + p.k * p.n : 0;
  const lenC = p.batch > 0 ? (p.batch - 1) * p.strideC + p.m * p.n : 0;
  const a = rand(lenA, seed, 2);
  const b = rand(lenB, seed + 1, 2);
  const c1 = rand(lenC, seed + 2);
  const c2 = c1.slice();
  nat.gemm(p, a, b, c1);
  ref.gemm(p, a, b, c2);
  expectClose(c1, c2, 2e-5 * Math.sqrt(p.k + 1) * 4, 1e-5, JSON.stringify(p));
}

const base = { batch: 1, strideA: 0, strideB: 0, strideC: 0 };

describeNative('GEMM', () => {
  it('all transpose variants on sizes 0, 1, 3, 4, 5, 17 (write and accumulate)', () => {
    let seed = 1;
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const m of SIZES) {
          for (const n of SIZES) {
            for (const k of [0, 1, 5, 17]) {
              gemmCase({ ...base, m, n, k, transA, transB, accumulate: (m + n + k) % 2 === 1 }, seed++);
            }
          }
        }
      }
    }
  });

  it('sizes across the micro-tile and cache-block edges, threaded', () => {
    for (const [m, n, k] of [[13, 33, 300], [97, 70, 257], [250, 65, 40], [31, 1030, 9], [1, 300, 513]] as const) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) gemmCase({ ...base, m, n, k, transA, transB, accumulate: transA }, m + n);
      }
    }
  });

  it('many threaded products back to back (the pool hands each job over without mixing them)', () => {
    // Above the parallel threshold, alternating shapes, so consecutive jobs differ.
    for (let i = 0; i < 200; i++) {
      const [m, n, k] = i % 2 ? [64, 96, 64] : [40, 200, 72];
      gemmCase({ ...base, m, n, k, transA: i % 3 === 0, transB: i % 5 === 0, accumulate: i % 7 === 0 }, i);
    }
  });

  it('batches with a shared (stride-0) operand, and accumulation into one shared C', () => {
    const [m, n, k] = [5, 17, 12];
    gemmCase({ batch: 4, m, n, k, transA: false, transB: true, strideA: m * k, strideB: 0, strideC: m * n, accumulate: false }, 3);
    gemmCase({ batch: 4, m, n, k, transA: true, transB: false, strideA: 0, strideB: k * n, strideC: m * n, accumulate: true }, 4);
    gemmCase({ batch: 6, m, n, k, transA: false, transB: false, strideA: m * k, strideB: k * n, strideC: 0, accumulate: true }, 5);
    gemmCase({ batch: 64, m: 40, n: 40, k: 40, transA: false, transB: false, strideA: 1600, strideB: 1600, strideC: 1600, accumulate: false }, 6);
    gemmCase({ batch: 0, m, n, k, transA: false, transB: false, strideA: 0, strideB: 0, strideC: 0, accumulate: false }, 7);
  });

  it('rejects arrays too short for the sizes instead of reading past them', () => {
    const nat = nativeForTests();
    const p = { ...base, m: 4, n: 4, k: 4, transA: false, transB: false, accumulate: false };
    expect(() => nat.gemm(p, new Float32Array(15), new Float32Array(16), new Float32Array(16))).toThrow(/argument 10 has 15 elements, the kernel needs 16/);
  });
});

describeNative('indexing, layer norm and Adam', () => {
  const nat = nativeForTests();
  it('indexSelect (float32, int32), indexAdd with a skipped padding row, gather and scatterAdd', () => {
    for (const [outer, n, inner] of [[1, 5, 3], [2, 17, 1], [3, 4, 5], [1, 1, 17]] as const) {
      const idx = Int32Array.from({ length: 7 }, (_, j) => (j * 3) % n);
      for (const x of [rand(outer * n * inner, 1), Int32Array.from(rand(outer * n * inner, 2, 50), Math.round)]) {
        const o1 = new (x.constructor as Float32ArrayConstructor)(outer * 7 * inner);
        const o2 = new (x.constructor as Float32ArrayConstructor)(outer * 7 * inner);
        nat.indexSelect(x, outer, n, inner, idx, o1);
        ref.indexSelect(x, outer, n, inner, idx, o2);
        expect(o1).toEqual(o2);
      }
      const g = rand(outer * 7 * inner, 3);
      const gx1 = rand(outer * n * inner, 4);
      const gx2 = gx1.slice();
      nat.indexAdd(g, outer, n, inner, idx, gx1, 0);
      ref.indexAdd(g, outer, n, inner, idx, gx2, 0);
      expectClose(gx1, gx2, 1e-6, 1e-6, 'indexAdd');
      const m = 3;
      const gi = Int32Array.from({ length: outer * m * inner }, (_, i) => (i * 7) % n);
      const x = rand(outer * n * inner, 5);
      const o1 = new Float32Array(outer * m * inner);
      const o2 = new Float32Array(outer * m * inner);
      nat.gather(x, outer, n, inner, gi, m, o1);
      ref.gather(x, outer, n, inner, gi, m, o2);
      expect(o1).toEqual(o2);
      const s1 = rand(outer * n * inner, 6);
      const s2 = s1.slice();
      nat.scatterAdd(o1, outer, n, inner, gi, m, s1);
      ref.scatterAdd(o1, outer, n, inner, gi, m, s2);
      expectClose(s1, s2, 1e-6, 1e-6, 'scatterAdd');
    }
    expect(() => nat.indexSelect(rand(6, 1), 1, 3, 2, Int32Array.of(0, 3), new Float32Array(4))).toThrow(/out of range/);
  });

  it('layerNorm with and without affine parameters, and its backward', () => {
    for (const [rows, n] of [[1, 1], [3, 4], [5, 17], [2, 300]] as const) {
      const x = rand(rows * n, n, 50).map((v, i) => v + (i % 3) * 1000);
      for (const affine of [true, false]) {
        const gamma = affine ? rand(n, 2) : null;
        const beta = affine ? rand(n, 3) : null;
        const [y1, y2] = [new Float32Array(rows * n), new Float32Array(rows * n)];
        const [m1, m2, r1, r2] = [0, 0, 0, 0].map(() => new Float32Array(rows));
        nat.layerNorm(x, gamma, beta, rows, n, 1e-5, y1, m1!, r1!);
        ref.layerNorm(x, gamma, beta, rows, n, 1e-5, y2, m2!, r2!);
        expectClose(y1, y2, 1e-5, 1e-4, 'y');
        expectClose(m1!, m2!, 1e-5, 1e-6, 'mean');
        expectClose(r1!, r2!, 1e-6, 1e-5, 'rstd');
        const gy = rand(rows * n, 4);
        const [gx1, gx2] = [new Float32Array(rows * n), new Float32Array(rows * n)];
        const [gg1, gg2, gb1, gb2] = [0, 0, 0, 0].map(() => rand(n, 5));
        nat.layerNormBackward(x, gamma, m2!, r2!, gy, rows, n, gx1, affine ? gg1! : null, affine ? gb1! : null);
        ref.layerNormBackward(x, gamma, m2!, r2!, gy, rows, n, gx2, affine ? gg2! : null, affine ? gb2! : null);
        expectClose(gx1, gx2, 1e-5, 1e-4, 'gx');
        expectClose(gg1!, gg2!, 1e-5, 1e-4, 'gGamma');
        expectClose(gb1!, gb2!, 1e-5, 1e-4, 'gBeta');
      }
    }
  });

  it('Adam and AdamW steps over several iterations', () => {
    for (const n of [...SIZES, 1000]) {
      for (const [weightDecay, decayFactor] of [[0, 1], [0.01, 1], [0, 0.999]] as const) {
        const [p1, m1, v1] = [rand(n, 1), new Float32Array(n), new Float32Array(n)];
        const [p2, m2, v2] = [p1.slice(), new Float32Array(n), new Float32Array(n)];
        for (let t = 1; t <= 5; t++) {
          const g = rand(n, 10 + t, t === 3 ? 1e4 : 1);
          const p: AdamParams = { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 1e-3 / (1 - 0.9 ** t), bc2Sqrt: Math.sqrt(1 - 0.999 ** t), weightDecay, decayFactor };
          nat.adam(p1, g, m1, v1, p);
          ref.adam(p2, g, m2, v2, p);
        }
        expectClose(p1, p2, 1e-6, 1e-5, 'param');
        expectClose(m1, m2, 1e-6, 1e-5, 'm');
        expectClose(v1, v2, 1e-6, 1e-5, 'v');
      }
    }
  });
});

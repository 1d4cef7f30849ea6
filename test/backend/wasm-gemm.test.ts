import { describe, expect, it } from 'vitest';
import type { GemmParams } from '../../src/backend/backend.js';
import { refBackend } from '../../src/backend/ref/backend.js';
import { wasmBackend } from '../../src/backend/wasm/backend.js';
import { defaultThreads, getRuntime } from '../../src/backend/wasm/runtime.js';
import { setThreads } from '../../src/backend/registry.js';
import { expectClose, randomF32 } from '../helpers/close.js';
import { forceWasmKernels } from '../helpers/wasm.js';

const SIZES = [0, 1, 3, 4, 5, 17];

function params(p: Partial<GemmParams> & Pick<GemmParams, 'm' | 'n' | 'k'>): GemmParams {
  return { batch: 1, transA: false, transB: false, strideA: 0, strideB: 0, strideC: 0, accumulate: false, ...p };
}

/** Runs both backends on the same inputs; C starts as `c0` (matters when accumulating). */
function compare(p: GemmParams, scale = 1, seed = 1): void {
  const aLen = p.strideA === 0 ? p.m * p.k : (p.batch - 1) * p.strideA + p.m * p.k;
  const bLen = p.strideB === 0 ? p.k * p.n : (p.batch - 1) * p.strideB + p.k * p.n;
  const cLen = Math.max(p.m * p.n, (p.batch - 1) * p.strideC + p.m * p.n);
  const a = randomF32(aLen, seed, scale);
  const b = randomF32(bLen, seed + 1, scale);
  const c0 = randomF32(cLen, seed + 2, scale);
  const expected = c0.slice();
  const actual = c0.slice();
  refBackend.gemm(p, a, b, expected);
  wasmBackend.gemm(p, a, b, actual);
  // f32 accumulation over k terms against the reference's f64: error grows like √k·|a||b|.
  const atol = 2e-6 * Math.sqrt(Math.max(p.k, 1)) * scale * scale;
  expectClose(actual, expected, `gemm ${JSON.stringify(p)}`, 1e-4, atol);
}

describe('wasm gemm matches the reference', () => {
  forceWasmKernels();

  it.each([
    [false, false], [true, false], [false, true], [true, true],
  ])('transA=%s transB=%s on every size combination of 0, 1, 3, 4, 5, 17', (transA, transB) => {
    for (const m of SIZES) for (const n of SIZES) for (const k of SIZES) compare(params({ m, n, k, transA, transB }), 1, m * 31 + n * 7 + k);
  });

  it('accumulates into C and handles large and negative values', () => {
    for (const [m, n, k] of [[5, 17, 3], [17, 4, 17], [1, 1, 1]] as const) {
      compare(params({ m, n, k, accumulate: true }));
      compare(params({ m, n, k, transA: true, accumulate: true }), 1e3);
      compare(params({ m, n, k, transB: true }), 1e4);
    }
  });

  it('runs batches with stride-0 broadcast of either operand', () => {
    const [m, n, k] = [5, 9, 17];
    compare(params({ batch: 3, m, n, k, strideA: m * k, strideB: k * n, strideC: m * n }));
    compare(params({ batch: 4, m, n, k, strideA: 0, strideB: k * n, strideC: m * n, transB: true }));
    compare(params({ batch: 4, m, n, k, strideA: m * k, strideB: 0, strideC: m * n, transA: true, accumulate: true }));
  });

  it('splits large products over threads and deep ones into k slices', () => {
    compare(params({ m: 100, n: 70, k: 50 }));
    compare(params({ m: 61, n: 130, k: 700, transA: true }));
    compare(params({ batch: 6, m: 40, n: 33, k: 65, strideA: 40 * 65, strideB: 0, strideC: 40 * 33, transB: true }));
  });

  it('gives the same result on one thread as on several', () => {
    const p = params({ m: 90, n: 80, k: 70 });
    const a = randomF32(90 * 70, 5);
    const b = randomF32(70 * 80, 6);
    const many = new Float32Array(90 * 80);
    const one = new Float32Array(90 * 80);
    wasmBackend.gemm(p, a, b, many);
    setThreads(1);
    try {
      expect(getRuntime().threads).toBe(1);
      wasmBackend.gemm(p, a, b, one);
    } finally {
      setThreads(defaultThreads());
    }
    expect(Array.from(one)).toEqual(Array.from(many));
  });

  it('stops growing its memory once a call of a size has been seen', () => {
    const p = params({ m: 64, n: 64, k: 64 });
    const a = randomF32(64 * 64, 1);
    const c = new Float32Array(64 * 64);
    wasmBackend.gemm(p, a, a, c);
    const bytes = getRuntime().arena.bytes;
    for (let i = 0; i < 20; i++) wasmBackend.gemm(p, a, a, c);
    expect(getRuntime().arena.bytes).toBe(bytes);
  });
});

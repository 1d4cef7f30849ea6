// Parity of the fast GEMMs with the reference: every transpose variant on SIMD-tail sizes,
// batching, stride-0 broadcast, accumulation, large values, and the thread and cache-block edges.
import type { Backend, GemmParams } from '../../../src/backend/backend.js';
import { refBackend as ref } from '../../../src/backend/ref/backend.js';
import { expectClose, randomF32 } from '../../helpers/close.js';
import { SIZES, rand } from '../native-helpers.js';
import { type ParityCase, describeParity } from './backends.js';

function params(p: Partial<GemmParams> & Pick<GemmParams, 'm' | 'n' | 'k'>): GemmParams {
  return { batch: 1, transA: false, transB: false, strideA: 0, strideB: 0, strideC: 0, accumulate: false, ...p };
}

interface Inputs {
  readonly draw: (n: number, seed: number, scale: number) => Float32Array;
  /** A and B in [-scale, scale), C in [-cScale, cScale). */
  readonly scale: number;
  readonly cScale: number;
  readonly atol: number;
  readonly rtol: number;
}

/** Runs `be` and the reference on the same inputs; C starts random (it matters when accumulating). */
function compare(be: Backend, p: GemmParams, seed: number, inp: Inputs): void {
  const len = (stride: number, size: number): number => (p.batch > 0 ? (p.batch - 1) * stride + size : 0);
  const a = inp.draw(len(p.strideA, p.m * p.k), seed, inp.scale);
  const b = inp.draw(len(p.strideB, p.k * p.n), seed + 1, inp.scale);
  const actual = inp.draw(len(p.strideC, p.m * p.n), seed + 2, inp.cScale);
  const expected = actual.slice();
  be.gemm(p, a, b, actual);
  ref.gemm(p, a, b, expected);
  expectClose(actual, expected, { rtol: inp.rtol, atol: inp.atol, what: `gemm ${JSON.stringify(p)}` });
}

/**
 * Values in ±scale (LCG): f32 accumulation over k terms against the reference's f64, so the
 * error grows like √k·|a||b|.
 */
function scaled(be: Backend, p: GemmParams, scale = 1, seed = 1): void {
  compare(be, p, seed, { draw: randomF32, scale, cScale: scale, atol: 2e-6 * Math.sqrt(Math.max(p.k, 1)) * scale * scale, rtol: 1e-4 });
}

/** A and B in ±2, C in ±1 (seeded Rng), with a looser √(k+1) absolute and a tighter relative tolerance. */
function blocked(be: Backend, p: GemmParams, seed: number): void {
  compare(be, p, seed, { draw: rand, scale: 2, cScale: 1, atol: 2e-5 * Math.sqrt(p.k + 1) * 4, rtol: 1e-5 });
}

const gemm = (name: string, run: (be: Backend) => void): ParityCase => ({ name, kernels: ['gemm'], run });

const CASES: ParityCase[] = [
  ...([[false, false], [true, false], [false, true], [true, true]] as const).map(([transA, transB]) =>
    gemm(`transA=${transA} transB=${transB} on every size combination of 0, 1, 3, 4, 5, 17`, (be) => {
      for (const m of SIZES) for (const n of SIZES) for (const k of SIZES) scaled(be, params({ m, n, k, transA, transB }), 1, m * 31 + n * 7 + k);
    })),

  gemm('all transpose variants on sizes 0, 1, 3, 4, 5, 17 (write and accumulate)', (be) => {
    let seed = 1;
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const m of SIZES) {
          for (const n of SIZES) {
            for (const k of [0, 1, 5, 17]) blocked(be, params({ m, n, k, transA, transB, accumulate: (m + n + k) % 2 === 1 }), seed++);
          }
        }
      }
    }
  }),

  gemm('accumulates into C and handles large and negative values', (be) => {
    for (const [m, n, k] of [[5, 17, 3], [17, 4, 17], [1, 1, 1]] as const) {
      scaled(be, params({ m, n, k, accumulate: true }));
      scaled(be, params({ m, n, k, transA: true, accumulate: true }), 1e3);
      scaled(be, params({ m, n, k, transB: true }), 1e4);
    }
  }),

  gemm('runs batches with stride-0 broadcast of either operand', (be) => {
    const [m, n, k] = [5, 9, 17];
    scaled(be, params({ batch: 3, m, n, k, strideA: m * k, strideB: k * n, strideC: m * n }));
    scaled(be, params({ batch: 4, m, n, k, strideA: 0, strideB: k * n, strideC: m * n, transB: true }));
    scaled(be, params({ batch: 4, m, n, k, strideA: m * k, strideB: 0, strideC: m * n, transA: true, accumulate: true }));
  }),

  gemm('batches with a shared (stride-0) operand, and accumulation into one shared C', (be) => {
    const [m, n, k] = [5, 17, 12];
    blocked(be, params({ batch: 4, m, n, k, transB: true, strideA: m * k, strideB: 0, strideC: m * n }), 3);
    blocked(be, params({ batch: 4, m, n, k, transA: true, strideA: 0, strideB: k * n, strideC: m * n, accumulate: true }), 4);
    blocked(be, params({ batch: 6, m, n, k, strideA: m * k, strideB: k * n, strideC: 0, accumulate: true }), 5);
    blocked(be, params({ batch: 6, m, n, k, strideA: m * k, strideB: k * n, strideC: 0 }), 8);
    blocked(be, params({ batch: 9, m: 40, n: 70, k: 33, transA: true, strideA: 40 * 33, strideB: 0, strideC: 0, accumulate: true }), 9);
    blocked(be, params({ batch: 64, m: 40, n: 40, k: 40, strideA: 1600, strideB: 1600, strideC: 1600 }), 6);
    blocked(be, params({ batch: 0, m, n, k }), 7);
  }),

  gemm('splits large products over threads and deep ones into k slices', (be) => {
    scaled(be, params({ m: 100, n: 70, k: 50 }));
    scaled(be, params({ m: 61, n: 130, k: 700, transA: true }));
    scaled(be, params({ batch: 6, m: 40, n: 33, k: 65, strideA: 40 * 65, strideB: 0, strideC: 40 * 33, transB: true }));
    // Matrix–vector products (one column), rows split over threads, k with a tail.
    scaled(be, params({ m: 1927, n: 1, k: 515, transB: true }));
    scaled(be, params({ m: 1001, n: 1, k: 300, accumulate: true }));
  }),

  gemm('sizes across the micro-tile and cache-block edges, threaded', (be) => {
    for (const [m, n, k] of [[13, 33, 300], [97, 70, 257], [250, 65, 40], [31, 1030, 9], [1, 300, 513]] as const) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) blocked(be, params({ m, n, k, transA, transB, accumulate: transA }), m + n);
      }
    }
  }),

  gemm('many threaded products back to back (the pool hands each job over without mixing them)', (be) => {
    // Above the parallel threshold, alternating shapes, so consecutive jobs differ.
    for (let i = 0; i < 200; i++) {
      const [m, n, k] = i % 2 ? [64, 96, 64] : [40, 200, 72];
      blocked(be, params({ m, n, k, transA: i % 3 === 0, transB: i % 5 === 0, accumulate: i % 7 === 0 }), i);
    }
  }),
];

describeParity('GEMM matches the reference', CASES);

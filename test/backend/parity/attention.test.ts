// Parity of the fused scaled dot-product attention with the reference: forward and backward with
// causal, key-padding (fully masked rows included) and attention masks, the few-query direct path
// on SIMD-tail sizes, a shared key/value array, and problems split over threads.
import { expect } from 'vitest';
import type { Backend, SdpaParams } from '../../../src/backend/backend.js';
import { refBackend as ref } from '../../../src/backend/ref/backend.js';
import { expectClose, randomF32 } from '../../helpers/close.js';
import { rand } from '../native-helpers.js';
import { type ParityCase, describeParity } from './backends.js';

interface Case {
  p: SdpaParams;
  keyPadding?: Uint8Array | null;
  attnMask?: Uint8Array | null;
  gWeights?: boolean;
}

/** How a case draws its inputs (first seed, generator) and its tolerance. */
interface Inputs {
  readonly seed: number;
  readonly draw: (n: number, seed: number, scale?: number) => Float32Array;
  readonly atol: number;
  readonly rtol: number;
}

/** Seeds 1…8 of the LCG. */
const LCG: Inputs = { seed: 1, draw: randomF32, atol: 2e-5, rtol: 1e-4 };
/** The seeded Rng, from `seed`. */
const rng = (seed: number): Inputs => ({ seed, draw: rand, atol: 2e-5, rtol: 2e-4 });

function run(be: Backend, c: Case, inp: Inputs): Record<string, Float32Array> {
  const { bh, tq, tk, d, dv } = c.p;
  const { seed: s, draw } = inp;
  const q = draw(bh * tq * d, s, 2);
  const k = draw(bh * tk * d, s + 1, 2);
  const v = draw(bh * tk * dv, s + 2);
  const out = new Float32Array(bh * tq * dv);
  const weights = new Float32Array(bh * tq * tk);
  be.sdpaForward(c.p, { q, k, v, keyPadding: c.keyPadding ?? null, attnMask: c.attnMask ?? null, out, weights });
  const gOut = draw(bh * tq * dv, s + 3);
  const gW = c.gWeights ? draw(bh * tq * tk, s + 4) : null;
  // The backward accumulates: start from gradients already there.
  const gQ = draw(bh * tq * d, s + 5);
  const gK = draw(bh * tk * d, s + 6);
  const gV = draw(bh * tk * dv, s + 7);
  be.sdpaBackward(c.p, { q, k, v, weights, gOut, gWeights: gW, gQ, gK, gV });
  return { out, weights, gQ, gK, gV };
}

function compare(be: Backend, c: Case, inp = LCG, label = 'sdpa'): Record<string, Float32Array> {
  const expected = run(ref, c, inp);
  const actual = run(be, c, inp);
  for (const key of Object.keys(expected)) {
    expectClose(actual[key]!, expected[key]!, { rtol: inp.rtol, atol: inp.atol, what: `${label} ${JSON.stringify(c.p)} ${key}` });
  }
  return actual;
}

const params = (p: Partial<SdpaParams> & Pick<SdpaParams, 'tq' | 'tk' | 'd' | 'dv'>): SdpaParams => ({
  bh: 2, heads: 1, scale: 1 / Math.sqrt(p.d), causal: false, ...p,
});

/** Keys that are also the values: both gradients sum into one shared array. */
function sharedKeyValue(be: Backend, tq: number, seeds: 'lcg' | 'rng', scale: number, tol: { rtol: number; atol: number }): void {
  const p = params({ bh: 3, tq, tk: 5, d: 6, dv: 6, scale });
  const draw = seeds === 'lcg' ? randomF32 : rand;
  const [q, kv, gOut] = [draw(3 * tq * 6, 1), draw(90, 2), draw(3 * tq * 6, 3)];
  const grads = (b: Backend): Float32Array => {
    const w = new Float32Array(3 * tq * 5);
    b.sdpaForward(p, { q, k: kv, v: kv, keyPadding: null, attnMask: null, out: new Float32Array(3 * tq * 6), weights: w });
    const g = draw(90, 4);
    b.sdpaBackward(p, { q, k: kv, v: kv, weights: w, gOut, gWeights: null, gQ: null, gK: g, gV: g });
    return g;
  };
  expectClose(grads(be), grads(ref), { ...tol, what: `shared gK = gV, tq ${tq}` });
}

const sdpa = (name: string, run: (be: Backend) => void): ParityCase => ({ name, kernels: ['sdpaForward', 'sdpaBackward'], run });

const CASES: ParityCase[] = [
  sdpa('on sizes 0, 1, 2, 3, 4, 5, 17 (up to 4 queries: the direct path), with and without the causal mask', (be) => {
    for (const t of [0, 1, 2, 3, 4, 5, 17]) {
      for (const d of [1, 4, 5, 17]) {
        for (const causal of [false, true]) {
          compare(be, { p: params({ tq: t, tk: t, d, dv: d, causal }) });
          compare(be, { p: params({ tq: t, tk: Math.max(1, t + 2), d, dv: 3, causal }), gWeights: true });
        }
      }
    }
  }),

  sdpa('few queries (tq 1–4, the direct path) on sizes 0, 1, 3, 4, 5, 17, with masks and causal', (be) => {
    let seed = 100;
    for (const tq of [1, 2, 3, 4]) {
      for (const tk of [1, 3, 5, 17]) {
        for (const d of [0, 1, 3, 4, 5, 17]) {
          for (const causal of [false, true]) {
            const [heads, batch] = [2, 2];
            // Batch element 0 pads every key (fully masked rows), element 1 its last key.
            const keyPadding = seed % 3 === 0 ? Uint8Array.from({ length: batch * tk }, (_, i) => (i < tk || i % tk === tk - 1 ? 1 : 0)) : null;
            const attnMask = seed % 3 === 1 ? Uint8Array.from({ length: tq * tk }, (_, i) => (i % 4 === 1 ? 1 : 0)) : null;
            const p = { bh: batch * heads, heads, tq, tk, d, dv: d === 0 ? 3 : d + 1, scale: 0.7, causal };
            compare(be, { p, keyPadding, attnMask, gWeights: seed % 2 === 0 }, rng(seed), 'sdpa few');
            seed++;
          }
        }
      }
    }
  }),

  sdpa('forward and backward with causal, key-padding (incl. fully masked rows) and attention masks', (be) => {
    let seed = 1;
    const shapes: [number, number, number, number, number, number][] = [
      [1, 1, 1, 1, 1, 1], [2, 1, 3, 4, 5, 17], [4, 2, 5, 5, 4, 3], [6, 3, 17, 17, 8, 8], [2, 2, 70, 70, 16, 12], [2, 1, 40, 75, 7, 9],
    ];
    for (const [bh, heads, tq, tk, d, dv] of shapes) {
      for (const causal of [false, true]) {
        for (const masks of ['none', 'padding', 'attn'] as const) {
          const batch = bh / heads;
          // Batch element 0 pads every key (fully masked rows), the others pad the tail.
          const keyPadding = masks === 'padding' ? Uint8Array.from({ length: batch * tk }, (_, i) => (i < tk || i % tk >= tk - 2 ? 1 : 0)) : null;
          const attnMask = masks === 'attn' ? Uint8Array.from({ length: tq * tk }, (_, i) => ((i * 7) % 5 === 0 ? 1 : 0)) : null;
          const p = { bh, heads, tq, tk, d, dv, scale: 1 / Math.sqrt(d), causal };
          compare(be, { p, keyPadding, attnMask, gWeights: seed % 2 === 0 }, rng(seed), `sdpa ${masks}`);
          seed++;
        }
      }
    }
  }),

  sdpa('with key padding, an attention mask and a fully masked row (weights and output 0, no NaN)', (be) => {
    const [tq, tk] = [4, 5];
    const keyPadding = Uint8Array.from([0, 0, 1, 0, 1, /* batch 1: */ 1, 1, 1, 1, 1]);
    const attnMask = new Uint8Array(tq * tk);
    attnMask[1 * tk + 0] = 1;
    const got = compare(be, { p: params({ bh: 4, heads: 2, tq, tk, d: 3, dv: 6 }), keyPadding, attnMask, gWeights: true });
    // Problems 2 and 3 belong to batch 1, whose keys are all padding.
    for (const key of ['out', 'weights', 'gQ', 'gK', 'gV']) expect(got[key]!.some(Number.isNaN), key).toBe(false);
    expect(Array.from(got.weights!.subarray(2 * tq * tk)).every((w) => w === 0)).toBe(true);
    // Causal with padding: query 0 of batch 1 sees only key 0, which is padding.
    compare(be, { p: params({ bh: 4, heads: 2, tq, tk: tq, d: 3, dv: 6, causal: true }), keyPadding: Uint8Array.from([0, 1, 0, 0, 1, 0, 0, 1]), gWeights: true });
  }),

  sdpa('keys that are also the values sum both gradients into one shared array', (be) => {
    sharedKeyValue(be, 4, 'lcg', 1 / Math.sqrt(6), { rtol: 1e-4, atol: 2e-5 });
    for (const tq of [1, 6]) sharedKeyValue(be, tq, 'rng', 1, { rtol: 2e-4, atol: 2e-5 });
  }),

  sdpa('backward with only some gradients wanted, and empty problems', (be) => {
    const p = { bh: 3, heads: 3, tq: 5, tk: 4, d: 3, dv: 2, scale: 0.5, causal: false };
    const [q, k, v] = [rand(45, 1), rand(36, 2), rand(24, 3)];
    const w = new Float32Array(60);
    be.sdpaForward(p, { q, k, v, keyPadding: null, attnMask: null, out: new Float32Array(30), weights: w });
    const gOut = rand(30, 4);
    const [gK1, gK2] = [new Float32Array(36), new Float32Array(36)];
    be.sdpaBackward(p, { q, k, v, weights: w, gOut, gWeights: null, gQ: null, gK: gK1, gV: null });
    ref.sdpaBackward(p, { q, k, v, weights: w, gOut, gWeights: null, gQ: null, gK: gK2, gV: null });
    expectClose(gK1, gK2, { rtol: 2e-4, atol: 2e-5, what: 'gK only' });
    be.sdpaForward({ ...p, bh: 0 }, { q, k, v, keyPadding: null, attnMask: null, out: new Float32Array(0), weights: new Float32Array(0) });
    compare(be, { p: { ...p, tq: 0 } }, rng(5), 'tq=0');
  }),

  sdpa('on many problems split over threads, with large scores', (be) => {
    compare(be, { p: params({ bh: 8, heads: 4, tq: 33, tk: 33, d: 17, dv: 16, causal: true, scale: 3 }) });
    compare(be, { p: params({ bh: 6, tq: 20, tk: 130, d: 64, dv: 8 }) });
  }),
];

describeParity('fused scaled dot-product attention matches the reference', CASES);

import { describe, expect, it } from 'vitest';
import type { SdpaParams } from '../../src/backend/backend.js';
import { refBackend } from '../../src/backend/ref/backend.js';
import { wasmBackend } from '../../src/backend/wasm/backend.js';
import { expectClose, randomF32 } from '../helpers/close.js';
import { forceWasmKernels } from '../helpers/wasm.js';

interface Case {
  p: SdpaParams;
  keyPadding?: Uint8Array;
  attnMask?: Uint8Array;
  gWeights?: boolean;
}

function run(backend: typeof refBackend, c: Case): Record<string, Float32Array> {
  const { bh, tq, tk, d, dv } = c.p;
  const q = randomF32(bh * tq * d, 1, 2);
  const k = randomF32(bh * tk * d, 2, 2);
  const v = randomF32(bh * tk * dv, 3);
  const out = new Float32Array(bh * tq * dv);
  const weights = new Float32Array(bh * tq * tk);
  backend.sdpaForward(c.p, { q, k, v, keyPadding: c.keyPadding ?? null, attnMask: c.attnMask ?? null, out, weights });
  const gOut = randomF32(bh * tq * dv, 4);
  const gW = c.gWeights ? randomF32(bh * tq * tk, 5) : null;
  // The backward accumulates: start from gradients already there.
  const gQ = randomF32(bh * tq * d, 6);
  const gK = randomF32(bh * tk * d, 7);
  const gV = randomF32(bh * tk * dv, 8);
  backend.sdpaBackward(c.p, { q, k, v, weights, gOut, gWeights: gW, gQ, gK, gV });
  return { out, weights, gQ, gK, gV };
}

function compare(c: Case): Record<string, Float32Array> {
  const expected = run(refBackend, c);
  const actual = run(wasmBackend, c);
  for (const key of Object.keys(expected)) expectClose(actual[key]!, expected[key]!, `sdpa ${JSON.stringify(c.p)} ${key}`, 1e-4, 2e-5);
  return actual;
}

const params = (p: Partial<SdpaParams> & Pick<SdpaParams, 'tq' | 'tk' | 'd' | 'dv'>): SdpaParams => ({
  bh: 2, heads: 1, scale: 1 / Math.sqrt(p.d), causal: false, ...p,
});

describe('wasm fused attention matches the reference', () => {
  forceWasmKernels();

  it('on sizes 0, 1, 2, 3, 4, 5, 17 (up to 4 queries: the direct path), with and without the causal mask', () => {
    for (const t of [0, 1, 2, 3, 4, 5, 17]) {
      for (const d of [1, 4, 5, 17]) {
        for (const causal of [false, true]) {
          compare({ p: params({ tq: t, tk: t, d, dv: d, causal }) });
          compare({ p: params({ tq: t, tk: Math.max(1, t + 2), d, dv: 3, causal }), gWeights: true });
        }
      }
    }
  });

  it('with key padding, an attention mask and a fully masked row (weights and output 0, no NaN)', () => {
    const [tq, tk] = [4, 5];
    const keyPadding = Uint8Array.from([0, 0, 1, 0, 1, /* batch 1: */ 1, 1, 1, 1, 1]);
    const attnMask = new Uint8Array(tq * tk);
    attnMask[1 * tk + 0] = 1;
    const got = compare({ p: params({ bh: 4, heads: 2, tq, tk, d: 3, dv: 6 }), keyPadding, attnMask, gWeights: true });
    // Problems 2 and 3 belong to batch 1, whose keys are all padding.
    for (const key of ['out', 'weights', 'gQ', 'gK', 'gV']) expect(got[key]!.some(Number.isNaN), key).toBe(false);
    expect(Array.from(got.weights!.subarray(2 * tq * tk)).every((w) => w === 0)).toBe(true);
    // Causal with padding: query 0 of batch 1 sees only key 0, which is padding.
    compare({ p: params({ bh: 4, heads: 2, tq, tk: tq, d: 3, dv: 6, causal: true }), keyPadding: Uint8Array.from([0, 1, 0, 0, 1, 0, 0, 1]), gWeights: true });
  });

  it('keys that are also the values sum both gradients into one shared array', () => {
    const p = params({ bh: 3, tq: 4, tk: 5, d: 6, dv: 6 });
    const [q, kv, gOut] = [randomF32(72, 1), randomF32(90, 2), randomF32(72, 3)];
    const run = (backend: typeof refBackend): Float32Array => {
      const w = new Float32Array(60);
      backend.sdpaForward(p, { q, k: kv, v: kv, keyPadding: null, attnMask: null, out: new Float32Array(72), weights: w });
      const g = randomF32(90, 4);
      backend.sdpaBackward(p, { q, k: kv, v: kv, weights: w, gOut, gWeights: null, gQ: null, gK: g, gV: g });
      return g;
    };
    expectClose(run(wasmBackend), run(refBackend), 'shared gK = gV', 1e-4, 2e-5);
  });

  it('on many problems split over threads, with large scores', () => {
    compare({ p: params({ bh: 8, heads: 4, tq: 33, tk: 33, d: 17, dv: 16, causal: true, scale: 3 }) });
    compare({ p: params({ bh: 6, tq: 20, tk: 130, d: 64, dv: 8 }) });
  });
});

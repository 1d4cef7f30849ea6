import { describe, it } from 'vitest';
import type { RnnParams, RnnWorkspace } from '../../src/backend/backend.js';
import { refBackend } from '../../src/backend/ref/backend.js';
import { wasmBackend } from '../../src/backend/wasm/backend.js';
import { expectClose, randomF32 } from '../helpers/close.js';
import { forceWasmKernels } from '../helpers/wasm.js';

type Kind = 'lstm' | 'gru';

interface Case {
  p: RnnParams;
  lengths: Int32Array | null;
  biases: boolean;
  /** Which upstream gradients exist. */
  grads: { out: boolean; hN: boolean; cN: boolean };
}

function workspace(p: RnnParams, kind: Kind): RnnWorkspace {
  const n = p.T * p.B * p.H;
  return { gates: new Float32Array(4 * n), cs: new Float32Array(kind === 'lstm' ? n : 0), hs: new Float32Array(n) };
}

/** Runs forward and backward on one backend; returns every output and gradient by name. */
function run(kind: Kind, backend: typeof refBackend, c: Case, seed: number): Record<string, Float32Array> {
  const { p } = c;
  const { T, B, I, H } = p;
  const G = (kind === 'lstm' ? 4 : 3) * H;
  const x = randomF32(T * B * I, seed, 2);
  const wIh = randomF32(G * I, seed + 1, 0.5);
  const wHh = randomF32(G * H, seed + 2, 0.5);
  const bIh = c.biases ? randomF32(G, seed + 3) : null;
  const bHh = c.biases ? randomF32(G, seed + 4) : null;
  const h0 = randomF32(B * H, seed + 5);
  const c0 = randomF32(B * H, seed + 6);
  const out = new Float32Array(T * B * H);
  const hN = new Float32Array(B * H);
  const cN = new Float32Array(B * H);
  const ws = workspace(p, kind);
  const gOut = c.grads.out ? randomF32(T * B * H, seed + 7) : null;
  const gHN = c.grads.hN ? randomF32(B * H, seed + 8) : null;
  const gCN = c.grads.cN ? randomF32(B * H, seed + 9) : null;
  // Weight gradients accumulate: start them non-zero to check that.
  const g = {
    gX: new Float32Array(T * B * I), gWIh: randomF32(G * I, 11), gWHh: randomF32(G * H, 12),
    gBIh: randomF32(G, 13), gBHh: randomF32(G, 14), gH0: new Float32Array(B * H), gC0: new Float32Array(B * H),
  };
  if (kind === 'lstm') {
    backend.lstmForward(p, { x, wIh, wHh, bIh, bHh, h0, c0, lengths: c.lengths, out, hN, cN, ws });
    backend.lstmBackward(p, { x, wIh, wHh, h0, c0, lengths: c.lengths, ws, gOut, gHN, gCN, ...g });
    return { out, hN, cN, gates: ws.gates as Float32Array, cs: ws.cs as Float32Array, hs: ws.hs as Float32Array, ...g };
  }
  backend.gruForward(p, { x, wIh, wHh, bIh, bHh, h0, lengths: c.lengths, out, hN, ws });
  backend.gruBackward(p, { x, wIh, wHh, h0, lengths: c.lengths, ws, gOut, gHN, ...g });
  const { gC0: _unused, ...gru } = g;
  return { out, hN, gates: ws.gates as Float32Array, hs: ws.hs as Float32Array, ...gru };
}

function compare(kind: Kind, c: Case, seed = 1): void {
  const expected = run(kind, refBackend, c, seed);
  const actual = run(kind, wasmBackend, c, seed);
  for (const key of Object.keys(expected)) {
    expectClose(actual[key]!, expected[key]!, `${kind} ${JSON.stringify(c.p)} lengths=${c.lengths} ${key}`, 1e-4, 2e-5);
  }
}

const all = { out: true, hN: true, cN: true };

describe.each(['lstm', 'gru'] as Kind[])('wasm fused %s layer matches the reference', (kind) => {
  forceWasmKernels();

  it('on sizes 0, 1, 3, 4, 5, 17 of T, B, I and H', () => {
    for (const T of [0, 1, 3]) {
      for (const B of [1, 3]) {
        for (const I of [1, 4]) {
          for (const H of [1, 4, 5, 17]) compare(kind, { p: { T, B, I, H, reverse: false }, lengths: null, biases: true, grads: all });
        }
      }
    }
    compare(kind, { p: { T: 5, B: 17, I: 17, H: 3, reverse: false }, lengths: null, biases: true, grads: all });
    compare(kind, { p: { T: 2, B: 0, I: 3, H: 4, reverse: false }, lengths: null, biases: true, grads: all });
  });

  it('with lengths (0 … T), reversed, without biases or some upstream gradients', () => {
    const lengths = Int32Array.from([4, 0, 2, 4, 1]);
    for (const reverse of [false, true]) {
      compare(kind, { p: { T: 4, B: 5, I: 3, H: 5, reverse }, lengths, biases: true, grads: all });
      compare(kind, { p: { T: 4, B: 5, I: 3, H: 5, reverse }, lengths, biases: false, grads: { out: true, hN: false, cN: false } });
      compare(kind, { p: { T: 4, B: 5, I: 3, H: 4, reverse }, lengths, biases: true, grads: { out: false, hN: true, cN: true } });
    }
  });

  it('on a layer large enough to split every step over threads', () => {
    // B = 9 over 2+ threads: row blocks of 4, 4 and 1.
    const lengths = Int32Array.from([3, 2, 3, 1, 3, 3, 0, 3, 2]);
    compare(kind, { p: { T: 3, B: 9, I: 40, H: 64, reverse: false }, lengths, biases: true, grads: all }, 7);
    compare(kind, { p: { T: 3, B: 9, I: 40, H: 64, reverse: true }, lengths: null, biases: true, grads: all }, 8);
  });
});

// Parity of the fused LSTM and GRU layers with the reference: workspaces, outputs, final states
// and every gradient, with lengths masks (0, partial and full lengths), reverse direction, absent
// biases and upstream gradients, and layers large enough to split each step over threads.
import type { Backend, RnnParams, RnnWorkspace } from '../../../src/backend/backend.js';
import { refBackend as ref } from '../../../src/backend/ref/backend.js';
import { expectClose, randomF32 } from '../../helpers/close.js';
import { rand } from '../native-helpers.js';
import { type ParityCase, describeParity } from './backends.js';

type Kind = 'lstm' | 'gru';

interface Case {
  p: RnnParams;
  lengths: Int32Array | null;
  biases: boolean;
  /** Which upstream gradients exist. */
  grads: { out: boolean; hN: boolean; cN: boolean };
}

/** How a case draws its inputs, and its tolerance. */
interface Inputs {
  readonly draw: (n: number, seed: number, scale?: number) => Float32Array;
  readonly xScale: number;
  readonly wScale: number;
  /** Seed of the first accumulated weight gradient (they start non-zero). */
  readonly gradSeed: number;
  readonly atol: number;
  readonly rtol: number;
}

/** Inputs in ±2, weights in ±0.5 (LCG). */
const LCG: Inputs = { draw: randomF32, xScale: 2, wScale: 0.5, gradSeed: 11, atol: 2e-5, rtol: 1e-4 };
/** Inputs in ±1.5, weights in ±0.6 (seeded Rng). */
const RNG: Inputs = { draw: rand, xScale: 1.5, wScale: 0.6, gradSeed: 20, atol: 2e-5, rtol: 2e-4 };

function workspace(p: RnnParams, kind: Kind): RnnWorkspace {
  const n = p.T * p.B * p.H;
  return { gates: new Float32Array(4 * n), cs: new Float32Array(kind === 'lstm' ? n : 0), hs: new Float32Array(n) };
}

/** Runs forward and backward on one backend; returns every output and gradient by name. */
function run(be: Backend, kind: Kind, c: Case, seed: number, inp: Inputs): Record<string, Float32Array> {
  const { p } = c;
  const { T, B, I, H } = p;
  const G = (kind === 'lstm' ? 4 : 3) * H;
  const { draw } = inp;
  const x = draw(T * B * I, seed, inp.xScale);
  const wIh = draw(G * I, seed + 1, inp.wScale);
  const wHh = draw(G * H, seed + 2, inp.wScale);
  const bIh = c.biases ? draw(G, seed + 3) : null;
  const bHh = c.biases ? draw(G, seed + 4) : null;
  const h0 = draw(B * H, seed + 5);
  const c0 = draw(B * H, seed + 6);
  const out = new Float32Array(T * B * H);
  const hN = new Float32Array(B * H);
  const cN = new Float32Array(B * H);
  const ws = workspace(p, kind);
  const gOut = c.grads.out ? draw(T * B * H, seed + 7) : null;
  const gHN = c.grads.hN ? draw(B * H, seed + 8) : null;
  const gCN = c.grads.cN ? draw(B * H, seed + 9) : null;
  // Weight gradients accumulate: start them non-zero to check that.
  const s = inp.gradSeed;
  const g = {
    gX: new Float32Array(T * B * I), gWIh: draw(G * I, s), gWHh: draw(G * H, s + 1),
    gBIh: draw(G, s + 2), gBHh: draw(G, s + 3), gH0: new Float32Array(B * H), gC0: new Float32Array(B * H),
  };
  if (kind === 'lstm') {
    be.lstmForward(p, { x, wIh, wHh, bIh, bHh, h0, c0, lengths: c.lengths, out, hN, cN, ws });
    be.lstmBackward(p, { x, wIh, wHh, h0, c0, lengths: c.lengths, ws, gOut, gHN, gCN, ...g });
  } else {
    be.gruForward(p, { x, wIh, wHh, bIh, bHh, h0, lengths: c.lengths, out, hN, ws });
    be.gruBackward(p, { x, wIh, wHh, h0, lengths: c.lengths, ws, gOut, gHN, ...g });
  }
  return { out, hN, cN, gates: ws.gates as Float32Array, cs: ws.cs as Float32Array, hs: ws.hs as Float32Array, ...g };
}

function compare(be: Backend, kind: Kind, c: Case, seed = 1, inp = LCG): void {
  const expected = run(ref, kind, c, seed, inp);
  const actual = run(be, kind, c, seed, inp);
  const lengths = c.lengths ? Array.from(c.lengths) : 'all';
  for (const key of Object.keys(expected)) {
    expectClose(actual[key]!, expected[key]!, { rtol: inp.rtol, atol: inp.atol, what: `${kind} ${JSON.stringify(c.p)} lengths=${lengths} ${key}` });
  }
}

const all = { out: true, hN: true, cN: true };
const UPSTREAM = { all, out: { out: true, hN: false, cN: false }, state: { out: false, hN: true, cN: true } };
const RNN_SHAPES: [number, number, number, number][] = [[1, 1, 1, 1], [3, 4, 5, 17], [5, 17, 3, 4], [4, 3, 17, 5], [6, 40, 20, 36]];

function casesFor(kind: Kind): ParityCase[] {
  const kernels = kind === 'lstm' ? (['lstmForward', 'lstmBackward'] as const) : (['gruForward', 'gruBackward'] as const);
  const c = (name: string, body: (be: Backend) => void): ParityCase => ({ name: `${kind}: ${name}`, kernels, run: body });
  return [
    c('on sizes 0, 1, 3, 4, 5, 17 of T, B, I and H', (be) => {
      for (const T of [0, 1, 3]) {
        for (const B of [1, 3]) {
          for (const I of [1, 4]) {
            for (const H of [1, 4, 5, 17]) compare(be, kind, { p: { T, B, I, H, reverse: false }, lengths: null, biases: true, grads: all });
          }
        }
      }
      compare(be, kind, { p: { T: 5, B: 17, I: 17, H: 3, reverse: false }, lengths: null, biases: true, grads: all });
      compare(be, kind, { p: { T: 2, B: 0, I: 3, H: 4, reverse: false }, lengths: null, biases: true, grads: all });
    }),

    c('with lengths (0 … T), reversed, without biases or some upstream gradients', (be) => {
      const lengths = Int32Array.from([4, 0, 2, 4, 1]);
      for (const reverse of [false, true]) {
        compare(be, kind, { p: { T: 4, B: 5, I: 3, H: 5, reverse }, lengths, biases: true, grads: all });
        compare(be, kind, { p: { T: 4, B: 5, I: 3, H: 5, reverse }, lengths, biases: false, grads: UPSTREAM.out });
        compare(be, kind, { p: { T: 4, B: 5, I: 3, H: 4, reverse }, lengths, biases: true, grads: UPSTREAM.state });
      }
    }),

    c('forward workspace, states and all gradients match, with lengths and reverse', (be) => {
      let seed = 1;
      for (const [T, B, I, H] of RNN_SHAPES) {
        for (const reverse of [false, true]) {
          for (const lengths of [null, Int32Array.from({ length: B }, (_, b) => (b * 3) % (T + 1))]) {
            const grads = UPSTREAM[(['all', 'out', 'state'] as const)[seed % 3]!];
            compare(be, kind, { p: { T, B, I, H, reverse }, lengths, biases: seed % 2 === 0, grads }, seed, RNG);
            seed++;
          }
        }
      }
    }),

    c('an empty sequence (T = 0) leaves the initial state', (be) => {
      compare(be, kind, { p: { T: 0, B: 3, I: 4, H: 5, reverse: false }, lengths: null, biases: true, grads: all }, 1, RNG);
    }),

    c('on a layer large enough to split every step over threads', (be) => {
      // B = 9 over 2+ threads: row blocks of 4, 4 and 1.
      const lengths = Int32Array.from([3, 2, 3, 1, 3, 3, 0, 3, 2]);
      compare(be, kind, { p: { T: 3, B: 9, I: 40, H: 64, reverse: false }, lengths, biases: true, grads: all }, 7);
      compare(be, kind, { p: { T: 3, B: 9, I: 40, H: 64, reverse: true }, lengths: null, biases: true, grads: all }, 8);
      // One step (a decoder's): the recurrent product is one GEMM over all rows, W_hh unpacked.
      compare(be, kind, { p: { T: 1, B: 9, I: 40, H: 64, reverse: false }, lengths: Int32Array.from([1, 0, 1, 1, 1, 0, 1, 1, 1]), biases: true, grads: all }, 9);
      compare(be, kind, { p: { T: 1, B: 64, I: 33, H: 70, reverse: false }, lengths: null, biases: true, grads: all }, 10);
    }),
  ];
}

describeParity('fused recurrent layers match the reference', [...casesFor('lstm'), ...casesFor('gru')]);

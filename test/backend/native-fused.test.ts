// Parity of the fused native LSTM, GRU and attention kernels with the reference backend:
// workspaces, outputs, final states and every gradient, with lengths masks (0, partial and full
// lengths), reverse direction, absent biases and upstream gradients, and masked attention rows.
import { it } from 'vitest';
import type { Backend, RnnParams, RnnWorkspace, SdpaParams } from '../../src/backend/backend.js';
import { refBackend as ref } from '../../src/backend/registry.js';
import { describeNative, expectClose, nativeForTests, rand } from './native-helpers.js';

const TOL = [2e-5, 2e-4] as const;

function workspace(p: RnnParams, cells: boolean): RnnWorkspace {
  const n = p.T * p.B * p.H;
  return { gates: new Float32Array(4 * n), cs: new Float32Array(cells ? n : 0), hs: new Float32Array(n) };
}

/** Runs an RNN forward + backward on one backend; returns every output array by name. */
function runRnn(be: Backend, kind: 'lstm' | 'gru', p: RnnParams, lengths: Int32Array | null, bias: boolean, upstream: 'all' | 'out' | 'state', seed: number): Record<string, Float32Array> {
  const { T, B, I, H } = p;
  const G = (kind === 'lstm' ? 4 : 3) * H;
  const x = rand(T * B * I, seed, 1.5);
  const wIh = rand(G * I, seed + 1, 0.6);
  const wHh = rand(G * H, seed + 2, 0.6);
  const bIh = bias ? rand(G, seed + 3) : null;
  const bHh = bias ? rand(G, seed + 4) : null;
  const h0 = rand(B * H, seed + 5);
  const c0 = rand(B * H, seed + 6);
  const out = new Float32Array(T * B * H);
  const hN = new Float32Array(B * H);
  const cN = new Float32Array(B * H);
  const ws = workspace(p, kind === 'lstm');
  const gOut = upstream !== 'state' ? rand(T * B * H, seed + 7) : null;
  const gHN = upstream !== 'out' ? rand(B * H, seed + 8) : null;
  const gCN = upstream !== 'out' ? rand(B * H, seed + 9) : null;
  const g = {
    gX: new Float32Array(T * B * I), gWIh: rand(G * I, 20), gWHh: rand(G * H, 21),
    gBIh: rand(G, 22), gBHh: rand(G, 23), gH0: new Float32Array(B * H), gC0: new Float32Array(B * H),
  };
  if (kind === 'lstm') {
    be.lstmForward(p, { x, wIh, wHh, bIh, bHh, h0, c0, lengths, out, hN, cN, ws });
    be.lstmBackward(p, { x, wIh, wHh, h0, c0, lengths, ws, gOut, gHN, gCN, ...g });
  } else {
    be.gruForward(p, { x, wIh, wHh, bIh, bHh, h0, lengths, out, hN, ws });
    be.gruBackward(p, { x, wIh, wHh, h0, lengths, ws, gOut, gHN, ...g });
  }
  return { out, hN, cN, gates: ws.gates as Float32Array, cs: ws.cs as Float32Array, hs: ws.hs as Float32Array, ...g };
}

const RNN_CASES: [number, number, number, number][] = [[1, 1, 1, 1], [3, 4, 5, 17], [5, 17, 3, 4], [4, 3, 17, 5], [6, 40, 20, 36]];

describeNative('fused recurrent layers', () => {
  const nat = nativeForTests();
  for (const kind of ['lstm', 'gru'] as const) {
    it(`${kind}: forward workspace, states and all gradients match, with lengths and reverse`, () => {
      let seed = 1;
      for (const [T, B, I, H] of RNN_CASES) {
        for (const reverse of [false, true]) {
          const lengthSets = [null, Int32Array.from({ length: B }, (_, b) => (b * 3) % (T + 1))];
          for (const lengths of lengthSets) {
            const p = { T, B, I, H, reverse };
            const bias = seed % 2 === 0;
            const upstream = (['all', 'out', 'state'] as const)[seed % 3]!;
            const a = runRnn(nat, kind, p, lengths, bias, upstream, seed);
            const b = runRnn(ref, kind, p, lengths, bias, upstream, seed);
            for (const key of Object.keys(b)) {
              expectClose(a[key]!, b[key]!, TOL[0], TOL[1], `${kind} ${JSON.stringify(p)} lengths=${lengths ? Array.from(lengths) : 'all'} ${key}`);
            }
            seed++;
          }
        }
      }
    });
  }

  it('an empty sequence (T = 0) leaves the initial state', () => {
    const p = { T: 0, B: 3, I: 4, H: 5, reverse: false };
    for (const kind of ['lstm', 'gru'] as const) {
      const a = runRnn(nat, kind, p, null, true, 'all', 1);
      const b = runRnn(ref, kind, p, null, true, 'all', 1);
      for (const key of Object.keys(b)) expectClose(a[key]!, b[key]!, TOL[0], TOL[1], `${kind} T=0 ${key}`);
    }
  });
});

function runSdpa(be: Backend, p: SdpaParams, kp: Uint8Array | null, am: Uint8Array | null, withGW: boolean, seed: number): Record<string, Float32Array> {
  const { bh, tq, tk, d, dv } = p;
  const q = rand(bh * tq * d, seed, 2);
  const k = rand(bh * tk * d, seed + 1, 2);
  const v = rand(bh * tk * dv, seed + 2);
  const out = new Float32Array(bh * tq * dv);
  const weights = new Float32Array(bh * tq * tk);
  be.sdpaForward(p, { q, k, v, keyPadding: kp, attnMask: am, out, weights });
  const gOut = rand(bh * tq * dv, seed + 3);
  const gW = withGW ? rand(bh * tq * tk, seed + 4) : null;
  // The backward accumulates: start from gradients already there.
  const gQ = rand(bh * tq * d, seed + 5);
  const gK = rand(bh * tk * d, seed + 6);
  const gV = rand(bh * tk * dv, seed + 7);
  be.sdpaBackward(p, { q, k, v, weights, gOut, gWeights: gW, gQ, gK, gV });
  return { out, weights, gQ, gK, gV };
}

describeNative('fused scaled dot-product attention', () => {
  const nat = nativeForTests();
  it('forward and backward with causal, key-padding (incl. fully masked rows) and attention masks', () => {
    let seed = 1;
    const shapes: [number, number, number, number, number, number][] = [
      [1, 1, 1, 1, 1, 1], [2, 1, 3, 4, 5, 17], [4, 2, 5, 5, 4, 3], [6, 3, 17, 17, 8, 8], [2, 2, 70, 70, 16, 12], [2, 1, 40, 75, 7, 9],
    ];
    for (const [bh, heads, tq, tk, d, dv] of shapes) {
      for (const causal of [false, true]) {
        for (const masks of ['none', 'padding', 'attn'] as const) {
          const batch = bh / heads;
          // Batch element 0 pads every key (fully masked rows), the others pad the tail.
          const kp = masks === 'padding' ? Uint8Array.from({ length: batch * tk }, (_, i) => (i < tk || i % tk >= tk - 2 ? 1 : 0)) : null;
          const am = masks === 'attn' ? Uint8Array.from({ length: tq * tk }, (_, i) => ((i * 7) % 5 === 0 ? 1 : 0)) : null;
          const p = { bh, heads, tq, tk, d, dv, scale: 1 / Math.sqrt(d), causal };
          const a = runSdpa(nat, p, kp, am, seed % 2 === 0, seed);
          const b = runSdpa(ref, p, kp, am, seed % 2 === 0, seed);
          for (const key of Object.keys(b)) expectClose(a[key]!, b[key]!, TOL[0], TOL[1], `sdpa ${JSON.stringify(p)} ${masks} ${key}`);
          seed++;
        }
      }
    }
  });

  it('few queries (tq 1–4, the direct path) on sizes 0, 1, 3, 4, 5, 17, with masks and causal', () => {
    let seed = 100;
    for (const tq of [1, 2, 3, 4]) {
      for (const tk of [1, 3, 5, 17]) {
        for (const d of [0, 1, 3, 4, 5, 17]) {
          for (const causal of [false, true]) {
            const heads = 2;
            const batch = 2;
            // Batch element 0 pads every key (fully masked rows), element 1 its last key.
            const kp = seed % 3 === 0 ? Uint8Array.from({ length: batch * tk }, (_, i) => (i < tk || i % tk === tk - 1 ? 1 : 0)) : null;
            const am = seed % 3 === 1 ? Uint8Array.from({ length: tq * tk }, (_, i) => (i % 4 === 1 ? 1 : 0)) : null;
            const p = { bh: batch * heads, heads, tq, tk, d, dv: d === 0 ? 3 : d + 1, scale: 0.7, causal };
            const a = runSdpa(nat, p, kp, am, seed % 2 === 0, seed);
            const b = runSdpa(ref, p, kp, am, seed % 2 === 0, seed);
            for (const key of Object.keys(b)) expectClose(a[key]!, b[key]!, TOL[0], TOL[1], `sdpa few ${JSON.stringify(p)} ${key}`);
            seed++;
          }
        }
      }
    }
  });

  it('keys that are also the values sum both gradients into one shared array', () => {
    for (const tq of [1, 6]) {
      const p = { bh: 3, heads: 1, tq, tk: 5, d: 6, dv: 6, scale: 1, causal: false };
      const [q, kv, gOut] = [rand(3 * tq * 6, 1), rand(90, 2), rand(3 * tq * 6, 3)];
      const run = (be: Backend): Float32Array => {
        const w = new Float32Array(3 * tq * 5);
        be.sdpaForward(p, { q, k: kv, v: kv, keyPadding: null, attnMask: null, out: new Float32Array(3 * tq * 6), weights: w });
        const g = rand(90, 4);
        be.sdpaBackward(p, { q, k: kv, v: kv, weights: w, gOut, gWeights: null, gQ: null, gK: g, gV: g });
        return g;
      };
      expectClose(run(nat), run(ref), TOL[0], TOL[1], `shared gK = gV, tq ${tq}`);
    }
  });

  it('backward with only some gradients wanted, and empty problems', () => {
    const p = { bh: 3, heads: 3, tq: 5, tk: 4, d: 3, dv: 2, scale: 0.5, causal: false };
    const q = rand(45, 1);
    const k = rand(36, 2);
    const v = rand(24, 3);
    const w = new Float32Array(60);
    nat.sdpaForward(p, { q, k, v, keyPadding: null, attnMask: null, out: new Float32Array(30), weights: w });
    const gOut = rand(30, 4);
    const [gK1, gK2] = [new Float32Array(36), new Float32Array(36)];
    nat.sdpaBackward(p, { q, k, v, weights: w, gOut, gWeights: null, gQ: null, gK: gK1, gV: null });
    ref.sdpaBackward(p, { q, k, v, weights: w, gOut, gWeights: null, gQ: null, gK: gK2, gV: null });
    expectClose(gK1, gK2, TOL[0], TOL[1], 'gK only');
    const empty = { ...p, bh: 0 };
    nat.sdpaForward(empty, { q, k, v, keyPadding: null, attnMask: null, out: new Float32Array(0), weights: new Float32Array(0) });
    const noQueries = { ...p, tq: 0 };
    const a = runSdpa(nat, noQueries, null, null, false, 5);
    const b = runSdpa(ref, noQueries, null, null, false, 5);
    for (const key of Object.keys(b)) expectClose(a[key]!, b[key]!, TOL[0], TOL[1], `tq=0 ${key}`);
  });
});

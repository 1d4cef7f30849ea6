import { describe, expect, it } from 'vitest';
import { randn } from '../../src/core/create.js';
import { gradcheck } from '../../src/core/gradcheck.js';
import type { Tensor } from '../../src/core/tensor.js';
import { LocalMonotonicAttention, LocalPredictiveAttention, lengthMask } from '../../src/nn/index.js';
import { select, stack, sum, unsqueeze } from '../../src/ops/index.js';
import { Rng } from '../../src/util/rng.js';

const f64 = { dtype: 'float64' as const };
const rnd = (shape: number[], seed: number, requiresGrad = false) => randn(shape, { ...f64, rng: new Rng(seed), requiresGrad });
const rows = (t: Tensor): number[][] => t.toArray() as number[][];

// Sizes: B = 2 rows of S = 7 source positions (the second has 5 real ones), Dq = 3, Dk = 4,
// A = 5, window half-width D = 2 (so the window is narrower than the source).
const [Dq, Dk, A, D, S] = [3, 4, 5, 2, 7];
const lengths = [7, 5];
const mask = lengthMask(lengths, S);

/** Luong's local-p written out with plain numbers, one query per row. */
function localPByHand(attn: LocalPredictiveAttention, q: number[][], mem: number[][][]): { p: number[]; weights: number[][]; context: number[][] } {
  const W = rows(attn.W.weight); // [Dq, Dk]
  const Wp = rows(attn.W_p.weight); // [A, Dq]
  const vp = rows(attn.v_p.weight)[0]!; // [A]
  const sigma = D / 2;
  const out = { p: [] as number[], weights: [] as number[][], context: [] as number[][] };
  q.forEach((h, b) => {
    const L = lengths[b]!;
    let pre = 0;
    for (let a = 0; a < A; a++) {
      let z = 0;
      for (let k = 0; k < Dq; k++) z += Wp[a]![k]! * h[k]!;
      pre += vp[a]! * Math.tanh(z);
    }
    const p = (L - 1) / (1 + Math.exp(-pre));
    const inWindow = (s: number) => s < L && Math.abs(s - p) <= D;
    const e = Array.from({ length: S }, (_, s) => {
      let v = 0;
      for (let i = 0; i < Dq; i++) for (let j = 0; j < Dk; j++) v += h[i]! * W[i]![j]! * mem[b]![s]![j]!;
      return v;
    });
    const top = Math.max(...e.filter((_, s) => inWindow(s)));
    const z = e.reduce((acc, v, s) => acc + (inWindow(s) ? Math.exp(v - top) : 0), 0);
    const w = e.map((v, s) => (inWindow(s) ? (Math.exp(v - top) / z) * Math.exp(-((s - p) ** 2) / (2 * sigma * sigma)) : 0));
    out.p.push(p);
    out.weights.push(w);
    out.context.push(Array.from({ length: Dk }, (_, j) => w.reduce((acc, ws, s) => acc + ws * mem[b]![s]![j]!, 0)));
  });
  return out;
}

describe('LocalPredictiveAttention (Luong local-p)', () => {
  const make = (seed: number) => new LocalPredictiveAttention({ queryDim: Dq, keyDim: Dk, attnDim: A, window: D }, { ...f64, rng: new Rng(seed) });

  it('equals the from-scratch computation: p_t, window softmax times the Gaussian, context', () => {
    for (const seed of [1, 2, 3]) {
      const attn = make(seed);
      const q = rnd([2, Dq], 10 + seed);
      const mem = rnd([2, S, Dk], 20 + seed);
      const got = attn.forward(q, mem, { mask });
      const want = localPByHand(attn, rows(q), mem.toArray() as number[][][]);
      const p = attn.centres(unsqueeze(q, 1), lengths).toArray() as number[][];
      p.forEach(([v], b) => expect(v).toBeCloseTo(want.p[b]!, 12));
      rows(got.weights).forEach((r, b) => r.forEach((v, s) => expect(v, `weight ${b},${s}`).toBeCloseTo(want.weights[b]![s]!, 12)));
      rows(got.context).forEach((r, b) => r.forEach((v, j) => expect(v, `context ${b},${j}`).toBeCloseTo(want.context[b]![j]!, 12)));
    }
  });

  it('gives every position outside [p_t − D, p_t + D] or past the length a weight of exactly 0', () => {
    const attn = make(4);
    const q = rnd([2, 6, Dq], 5); // several steps at once
    const { weights } = attn.forward(q, rnd([2, S, Dk], 6), { mask });
    const p = attn.centres(q, lengths).toArray() as number[][];
    let outside = 0;
    (weights.toArray() as number[][][]).forEach((steps, b) => steps.forEach((w, t) => w.forEach((v, s) => {
      if (s >= lengths[b]! || Math.abs(s - p[b]![t]!) > D) {
        outside++;
        expect(v).toBe(0);
      } else {
        expect(v).toBeGreaterThan(0);
      }
    })));
    expect(outside).toBeGreaterThan(0);
  });

  it('gradients match finite differences (query, memory, W, W_p, v_p)', () => {
    const attn = make(7);
    const q = rnd([2, 2, Dq], 8, true);
    const mem = rnd([2, S, Dk], 9, true);
    const r = gradcheck((qi, mi) => {
      const { context, weights } = attn.forward(qi!, mi!, { mask });
      return [context, weights];
    }, [q, mem, ...attn.parameters()]);
    expect(r.ok, JSON.stringify(r.mismatch)).toBe(true);
    expect(attn.namedParameters().map(([n]) => n).sort()).toEqual(['W.weight', 'W_p.weight', 'v_p.weight']);
  });

  it('gives a fully masked row weights 0 and context 0, with finite gradients', () => {
    const attn = make(10);
    const q = rnd([2, Dq], 11, true);
    const mem = rnd([2, S, Dk], 12, true);
    const { context, weights } = attn.forward(q, mem, { mask: lengthMask([3, 0], S) });
    expect([...select(weights, 0, 1).data].every((v) => v === 0)).toBe(true);
    expect([...select(context, 0, 1).data].every((v) => v === 0)).toBe(true);
    sum(context).backward();
    expect([...q.grad!.data, ...mem.grad!.data].every(Number.isFinite)).toBe(true);
  });
});

describe('LocalMonotonicAttention (Luong local-m)', () => {
  const make = (seed: number) => new LocalMonotonicAttention({ queryDim: Dq, keyDim: Dk, window: D }, { ...f64, rng: new Rng(seed) });

  it('softmaxes the general score over [t − D, t + D] (the centre stays at L − 1 past the source), 0 elsewhere', () => {
    const attn = make(1);
    const q = rnd([2, Dq], 2);
    const mem = rnd([2, S, Dk], 3);
    const W = rows(attn.W.weight);
    for (const t of [0, 3, 6]) {
      const w = rows(attn.forward(q, mem, { mask, position: t }).weights);
      w.forEach((r, b) => {
        const L = lengths[b]!;
        const p = Math.min(t, L - 1);
        const keep = (s: number) => s < L && Math.abs(s - p) <= D;
        const h = rows(q)[b]!;
        const m = (mem.toArray() as number[][][])[b]!;
        const e = m.map((k) => h.reduce((acc, hi, i) => acc + hi * W[i]!.reduce((x, wij, j) => x + wij * k[j]!, 0), 0));
        const z = e.reduce((acc, v, s) => acc + (keep(s) ? Math.exp(v) : 0), 0);
        r.forEach((v, s) => (keep(s) ? expect(v).toBeCloseTo(Math.exp(e[s]!) / z, 12) : expect(v).toBe(0)));
        expect(r.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
      });
    }
  });

  it('attends steps t, t + 1, … at once as it does one step at a time', () => {
    const attn = make(4);
    const q = rnd([2, 5, Dq], 5);
    const mem = rnd([2, S, Dk], 6);
    const all = attn.forward(q, mem, { mask, position: 2 });
    const steps = [0, 1, 2, 3, 4].map((i) => attn.forward(select(q, 1, i), mem, { mask, position: 2 + i }));
    expect(all.weights.toArray()).toEqual(stack(steps.map((s) => s.weights), 1).toArray());
    const ctx = stack(steps.map((s) => s.context), 1);
    all.context.data.forEach((v, i) => expect(v).toBeCloseTo(ctx.data[i]!, 12));
  });

  it('gradients match finite differences (query, memory, W)', () => {
    const attn = make(7);
    const q = rnd([2, 3, Dq], 8, true);
    const mem = rnd([2, S, Dk], 9, true);
    const r = gradcheck((qi, mi) => {
      const { context, weights } = attn.forward(qi!, mi!, { mask, position: 4 });
      return [context, weights];
    }, [q, mem, ...attn.parameters()]);
    expect(r.ok, JSON.stringify(r.mismatch)).toBe(true);
  });

  it('refuses a window below 1 and a negative position, naming them', () => {
    expect(() => new LocalMonotonicAttention({ queryDim: 2, keyDim: 2, window: 0 })).toThrow(/window/);
    expect(() => make(1).forward(rnd([1, Dq], 1), rnd([1, S, Dk], 2), { position: -1 })).toThrow('LocalMonotonicAttention: position must be an integer ≥ 0, got -1');
  });
});

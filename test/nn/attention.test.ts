import { describe, expect, it } from 'vitest';
import { randn, tensor } from '../../src/core/create.js';
import { gradcheck } from '../../src/core/gradcheck.js';
import {
  AdditiveAttention, LearnedPositionalEmbedding, LuongConcatAttention, LuongDotAttention, LuongGeneralAttention,
  MultiheadAttention, ScaledDotProductAttention, SinusoidalPositionalEncoding, type SourceAttention,
  causalMask, lengthMask, paddingMask,
} from '../../src/nn/index.js';
import { mean, select, stack, sum, transpose } from '../../src/ops/index.js';
import { Rng } from '../../src/util/rng.js';
import { expectClose } from '../helpers/close.js';

const f64 = { dtype: 'float64' as const };
const rnd = (shape: number[], seed: number, requiresGrad = false) => randn(shape, { ...f64, rng: new Rng(seed), requiresGrad });

/** Float64 results that must agree to rounding: absolute tolerance only. */
const TIGHT = { rtol: 0, atol: 1e-12 };

const sources: [string, () => SourceAttention, number][] = [
  ['AdditiveAttention', () => new AdditiveAttention({ queryDim: 3, keyDim: 4, attnDim: 5 }, { ...f64, rng: new Rng(1) }), 3],
  ['LuongDotAttention', () => new LuongDotAttention(), 4],
  ['LuongGeneralAttention', () => new LuongGeneralAttention({ queryDim: 3, keyDim: 4 }, { ...f64, rng: new Rng(2) }), 3],
  ['LuongConcatAttention', () => new LuongConcatAttention({ queryDim: 3, keyDim: 4, attnDim: 5 }, { ...f64, rng: new Rng(3) }), 3],
];

describe.each(sources)('%s', (_name, make, Dq) => {
  const mask = lengthMask([3, 1], 3);

  it('gradients match finite differences (query, memory, parameters)', () => {
    const attn = make();
    const q = rnd([2, Dq], 4, true);
    const mem = rnd([2, 3, 4], 5, true);
    const r = gradcheck((qi, mi) => {
      const { context, weights } = attn.forward(qi!, mi!, { mask });
      return [context, weights];
    }, [q, mem, ...attn.parameters()]);
    expect(r.ok, JSON.stringify(r.mismatch)).toBe(true);
  });

  it('masks padding to weight 0, rows sum to 1, and precomputed keys give the same result', () => {
    const attn = make();
    const q = rnd([2, Dq], 6);
    const mem = rnd([2, 3, 4], 7);
    const a = attn.forward(q, mem, { mask });
    const b = attn.forward(q, mem, { mask, keys: attn.projectKeys(mem) });
    expectClose(a.context, b.context, { rtol: 0, atol: 0 });
    expect(a.weights.data[4]).toBe(0);
    expect(a.weights.data[5]).toBe(0);
    expect(Math.abs(sum(select(a.weights, 0, 0)).item() - 1)).toBeLessThan(1e-12);
  });

  it('attends several queries at once as it does one at a time', () => {
    const attn = make();
    const q = rnd([2, 4, Dq], 8);
    const mem = rnd([2, 3, 4], 9);
    const all = attn.forward(q, mem, { mask });
    const steps = [0, 1, 2, 3].map((t) => attn.forward(select(q, 1, t), mem, { mask }));
    expectClose(all.context, stack(steps.map((s) => s.context), 1), TIGHT);
    expectClose(all.weights, stack(steps.map((s) => s.weights), 1), TIGHT);
  });

  it('gives a fully masked row weights 0 and context 0, with finite gradients (no NaN)', () => {
    const attn = make();
    const q = rnd([2, Dq], 10, true);
    const mem = rnd([2, 3, 4], 11, true);
    const { context, weights } = attn.forward(q, mem, { mask: lengthMask([2, 0], 3) });
    expect([...select(weights, 0, 1).data]).toEqual([0, 0, 0]);
    expect([...select(context, 0, 1).data]).toEqual([0, 0, 0, 0]);
    sum(context).backward();
    expect([...q.grad!.data, ...mem.grad!.data].every(Number.isFinite)).toBe(true);
  });
});

describe('masks', () => {
  it('build KEEP, PADDING and causal masks', () => {
    expect(lengthMask([2, 0], 3).toArray()).toEqual([[true, true, false], [false, false, false]]);
    expect(paddingMask(tensor([2, 3], { dtype: 'int32' }), 3).toArray()).toEqual([[false, false, true], [false, false, false]]);
    expect(causalMask(2, 3).toArray()).toEqual([[false, true, true], [false, false, true]]);
    expect(() => lengthMask([4], 3)).toThrow(/lengths\[0\] = 4 is outside \[0, 3\]/);
  });
});

describe('MultiheadAttention', () => {
  it('gradients match finite differences (self-attention with masks; cross with kdim/vdim)', () => {
    const self = new MultiheadAttention({ embedDim: 4, numHeads: 2, batchFirst: true }, { ...f64, rng: new Rng(12) });
    const x = rnd([2, 3, 4], 13, true);
    const kpm = paddingMask([3, 2], 3);
    expect(gradcheck((xi) => {
      const r = self.forward(xi!, xi!, xi!, { keyPaddingMask: kpm, isCausal: true, averageAttnWeights: false });
      return [r.context, r.weights];
    }, [x, ...self.parameters()]).ok).toBe(true);
    const cross = new MultiheadAttention({ embedDim: 4, numHeads: 2, kdim: 3, vdim: 5 }, { ...f64, rng: new Rng(14) });
    const [q, k, v] = [rnd([2, 2, 4], 15, true), rnd([3, 2, 3], 16, true), rnd([3, 2, 5], 17, true)];
    const r = gradcheck((qi, ki, vi) => cross.forward(qi!, ki!, vi!).context, [q, k, v, ...cross.parameters()]);
    expect(r.ok, JSON.stringify(r.mismatch)).toBe(true);
  });

  it('averages per-head weights by default and keeps them per head on request', () => {
    const mha = new MultiheadAttention({ embedDim: 6, numHeads: 3, batchFirst: true }, { ...f64, rng: new Rng(18) });
    const x = rnd([2, 4, 6], 19);
    const perHead = mha.forward(x, x, x, { averageAttnWeights: false });
    const averaged = mha.forward(x, x, x);
    expect(perHead.weights.shape).toEqual([2, 3, 4, 4]);
    expectClose(averaged.weights, mean(perHead.weights, 1), TIGHT);
    expectClose(averaged.context, perHead.context, TIGHT);
  });

  it('computes self-attention the same through the packed and the separate projections', () => {
    const mha = new MultiheadAttention({ embedDim: 4, numHeads: 2, batchFirst: true }, { ...f64, rng: new Rng(20) });
    const x = rnd([2, 3, 4], 21);
    const copy = x.detach(); // a different object: takes the separate-projection path
    expectClose(mha.forward(x, x, x).context, mha.forward(x, copy, copy).context, TIGHT);
  });

  it('treats batchFirst as a layout only, and an attn_mask like isCausal', () => {
    const a = new MultiheadAttention({ embedDim: 4, numHeads: 2 }, { ...f64, rng: new Rng(22) });
    const b = new MultiheadAttention({ embedDim: 4, numHeads: 2, batchFirst: true }, f64);
    b.loadStateDict(a.stateDict());
    const x = rnd([3, 2, 4], 23); // [T, B, E]
    const ya = a.forward(x, x, x, { attnMask: causalMask(3) });
    const yb = b.forward(transpose(x, 0, 1), transpose(x, 0, 1), transpose(x, 0, 1), { isCausal: true });
    expectClose(transpose(ya.context, 0, 1), yb.context, TIGHT);
  });

  it('gives a fully masked query weights 0 (context = out_proj.bias), never NaN', () => {
    const mha = new MultiheadAttention({ embedDim: 4, numHeads: 2, batchFirst: true }, f64);
    const x = rnd([1, 2, 4], 24);
    const { context, weights } = mha.forward(x, x, x, { keyPaddingMask: tensor([[true, true]]) });
    expect([...weights.data].every((w) => w === 0)).toBe(true);
    expect([...context.data].every((v) => v === 0)).toBe(true); // out_proj.bias starts at 0
  });

  it('sdpa module: causal weights are lower-triangular', () => {
    const { weights } = new ScaledDotProductAttention({ causal: true }).forward(rnd([1, 3, 2], 25), rnd([1, 3, 2], 26), rnd([1, 3, 2], 27));
    expect(weights.data[1]).toBe(0);
    expect(weights.data[2]).toBe(0);
    expect(weights.data[5]).toBe(0);
  });
});

describe('positional encodings', () => {
  it('sinusoidal: PE(pos, 2i) = sin(pos/10000^(2i/E)), PE(pos, 2i+1) = cos(…), with an offset', () => {
    const pe = new SinusoidalPositionalEncoding({ dim: 4, maxLen: 10 });
    const zero = randn([1, 2, 4]).detach();
    zero.data.fill(0);
    const out = pe.forward(zero, { offset: 3 });
    const expected = [3, 4].flatMap((pos) => [Math.sin(pos), Math.cos(pos), Math.sin(pos / 100), Math.cos(pos / 100)]);
    out.data.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
    expect(pe.stateDict()).toEqual({}); // the table is rebuilt, not saved
    expect(() => pe.forward(zero, { offset: 9 })).toThrow(/positions 9…10 do not fit maxLen 10/);
  });

  it('learned: adds trainable rows that receive gradients', () => {
    const pos = new LearnedPositionalEmbedding({ dim: 3, maxLen: 5 }, { rng: new Rng(28) });
    sum(pos.forward(randn([2, 2, 3]), { offset: 1 })).backward();
    expect(Array.from(pos.weight.grad!.data)).toEqual([0, 0, 0, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0]);
  });
});

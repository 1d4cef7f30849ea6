import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/core/create.js';
import type { Tensor } from '../../src/core/tensor.js';
import * as ops from '../../src/ops/index.js';
import { Rng } from '../../src/util/rng.js';
import { RUNS, broadcastPairArb, expectGradOk, leaf, seedArb, shapeArb } from '../helpers/grad.js';

const unary: [string, (x: Tensor) => Tensor, number][] = [
  ['neg', ops.neg, 0], ['exp', ops.exp, 0], ['log', ops.log, 0.5], ['sqrt', ops.sqrt, 0.5], ['tanh', ops.tanh, 0],
  ['sigmoid', ops.sigmoid, 0], ['relu', ops.relu, 0], ['abs', ops.abs, 0],
  ['clamp', (x) => ops.clamp(x, { min: -0.5, max: 0.7 }), 0], ['affine', (x) => ops.affine(x, 1.5, -2), 0],
  ['pow (number)', (x) => ops.pow(x, 2.5), 0.5],
];

describe('gradients of elementwise ops (finite differences, float64, random shapes)', () => {
  it.each(unary)('%s', (_, f, shift) => {
    fc.assert(fc.property(shapeArb, seedArb, (shape, seed) => expectGradOk(f, [leaf(shape, seed, shift)])), RUNS);
  });

  const binary: [string, (a: Tensor, b: Tensor) => Tensor, number, number][] = [
    ['add', ops.add, 0, 0], ['sub', ops.sub, 0, 0], ['mul', ops.mul, 0, 0], ['div', ops.div, 0, 0.5],
    ['pow', ops.pow, 0.5, 0], ['maximum', ops.maximum, 0, 0], ['minimum', ops.minimum, 0, 0],
  ];
  it.each(binary)('%s with broadcasting', (_, f, shiftA, shiftB) => {
    fc.assert(fc.property(broadcastPairArb, seedArb, ([, sa, sb], seed) => expectGradOk(f, [leaf(sa, seed, shiftA), leaf(sb, seed + 1, shiftB)])), RUNS);
  });

  it('number operands on either side', () => {
    expectGradOk((x) => ops.add(2, ops.sub(3, ops.mul(ops.div(x, 4), 5))), [leaf([3, 2], 1)]);
  });

  it('where and maskedFill with broadcasting', () => {
    fc.assert(fc.property(broadcastPairArb, seedArb, ([out, sa, sb], seed) => {
      const rng = new Rng(seed);
      const cond = tensor(Array.from({ length: out.reduce((p, q) => p * q, 1) }, () => rng.bernoulli(0.5)), { shape: out });
      expectGradOk((a, b) => ops.where(cond, a, b), [leaf(sa, seed), leaf(sb, seed + 1)]);
      expectGradOk((a) => ops.maskedFill(ops.add(a, ops.mul(cond.shape.length ? leaf(out, 3).detach() : leaf([], 3).detach(), 1)), cond, -7), [leaf(sa, seed + 2)]);
    }), RUNS);
  });
});

describe('gradients of reductions and normalisations', () => {
  const axesArb = shapeArb.filter((s) => s.length > 0).chain((s) => fc.tuple(
    fc.constant(s), fc.subarray(s.map((_, i) => i), { minLength: 1 }), fc.boolean(), seedArb));

  it('sum and mean over axes, keepdim or not', () => {
    fc.assert(fc.property(axesArb, ([s, axes, keep, seed]) => {
      expectGradOk((x) => ops.sum(x, axes, keep), [leaf(s, seed)]);
      expectGradOk((x) => ops.mean(x, axes, keep), [leaf(s, seed)]);
    }), RUNS);
    expectGradOk((x) => ops.sum(x), [leaf([2, 3], 1)]);
  });

  it('max over axes (ties are unlikely with random normals)', () => {
    fc.assert(fc.property(axesArb, ([s, axes, keep, seed]) => expectGradOk((x) => ops.max(x, axes, keep), [leaf(s, seed)])), RUNS);
  });

  it('softmax, logSoftmax and logsumexp along any axis', () => {
    fc.assert(fc.property(shapeArb.filter((s) => s.length > 0), seedArb, fc.nat(), (s, seed, k) => {
      const axis = k % s.length;
      expectGradOk((x) => ops.softmax(x, axis), [leaf(s, seed)]);
      expectGradOk((x) => ops.logSoftmax(x, axis), [leaf(s, seed)]);
      expectGradOk((x) => ops.logsumexp(x, axis, k % 2 === 0), [leaf(s, seed)]);
    }), RUNS);
  });

  it('crossEntropy with ignoreIndex, label smoothing and every reduction', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 2, max: 5 }), seedArb, (n, v, seed) => {
      const rng = new Rng(seed);
      // Target 0 is the ignored class; row 0 always has a real one (a mean over no targets is NaN, as in PyTorch).
      const target = tensor(Array.from({ length: n }, (_, i) => (i === 0 ? rng.randint(1, v) : rng.randint(0, v))), { dtype: 'int32' });
      for (const reduction of ['mean', 'sum', 'none'] as const) {
        expectGradOk((x) => ops.crossEntropy(x, target, { ignoreIndex: 0, labelSmoothing: 0.1, reduction }), [leaf([n, v], seed)]);
      }
      expectGradOk((x) => ops.crossEntropy(x, target), [leaf([n, v], seed)]);
    }), RUNS);
  });

  it('layerNorm with and without affine parameters', () => {
    expectGradOk((x, w, b) => ops.layerNorm(x, [4], w, b), [leaf([2, 3, 4], 1), leaf([4], 2), leaf([4], 3)]);
    expectGradOk((x) => ops.layerNorm(x, [3, 4]), [leaf([2, 3, 4], 4)]);
  });
});

describe('gradients of products', () => {
  it('matmul: 1-D, 2-D and batched with broadcast batch dims', () => {
    const cases: [number[], number[]][] = [[[3], [3]], [[3], [3, 2]], [[2, 3], [3]], [[2, 3], [3, 4]], [[2, 2, 3], [3, 4]], [[3, 2], [2, 2, 4]],
      [[2, 1, 2, 3], [3, 3, 2]], [[4, 2, 3], [4, 3, 2]]];
    cases.forEach(([a, b], i) => expectGradOk((x, y) => ops.matmul(x, y), [leaf(a, i), leaf(b, i + 10)]));
  });

  it('matmul with transposeB: b holds Bᵀ (batched, shared and broadcast)', () => {
    const cases: [number[], number[]][] = [[[2, 3], [4, 3]], [[2, 2, 3], [4, 3]], [[3, 2], [2, 4, 2]], [[2, 1, 2, 3], [3, 4, 3]], [[4, 2, 3], [4, 5, 3]], [[3], [2, 3]]];
    cases.forEach(([a, b], i) => expectGradOk((x, y) => ops.matmul(x, y, { transposeB: true }), [leaf(a, i), leaf(b, i + 10)]));
    const a = leaf([2, 3], 1).detach();
    const b = leaf([4, 3], 2).detach();
    expect(ops.matmul(a, b, { transposeB: true }).toArray()).toEqual(ops.matmul(a, ops.transpose(b)).toArray());
  });

  it('linear with and without bias on 1-D to 3-D inputs', () => {
    expectGradOk((x, w, b) => ops.linear(x, w, b), [leaf([2, 3, 4], 1), leaf([5, 4], 2), leaf([5], 3)]);
    expectGradOk((x, w) => ops.linear(x, w), [leaf([4], 4), leaf([2, 4], 5)]);
  });
});

describe('gradients of shape, join and index ops', () => {
  it('reshape, flatten, squeeze, unsqueeze, permute, transpose, expand', () => {
    expectGradOk((x) => ops.reshape(x, [3, -1]), [leaf([2, 3], 1)]);
    expectGradOk((x) => ops.flatten(x, 1), [leaf([2, 3, 2], 2)]);
    expectGradOk((x) => ops.unsqueeze(ops.squeeze(x, 1), -1), [leaf([2, 1, 3], 3)]);
    expectGradOk((x) => ops.permute(x, [2, 0, 1]), [leaf([2, 3, 4], 4)]);
    expectGradOk((x) => ops.transpose(x, 0, 2), [leaf([2, 3, 4], 5)]);
    expectGradOk((x) => ops.expand(x, [2, 3, 4]), [leaf([3, 1], 6)]);
  });

  it('concat, stack, split and chunk along each axis', () => {
    for (const axis of [0, 1, -1]) {
      expectGradOk((a, b) => ops.concat([a, b], axis), [leaf([2, 3], 1), leaf([2, 3], 2)]);
      expectGradOk((a, b) => ops.stack([a, b], axis), [leaf([2, 3], 3), leaf([2, 3], 4)]);
      expectGradOk((x) => ops.split(x, 2, axis), [leaf([4, 4], 5)]);
    }
    expectGradOk((a, b) => ops.concat([a, b], 1), [leaf([2, 1], 6), leaf([2, 3], 7)]);
    expectGradOk((x) => ops.split(x, [1, 3], 1), [leaf([2, 4], 8)]);
    expectGradOk((x) => ops.chunk(x, 2, 0), [leaf([4, 2], 9)]);
  });

  it('slice, select, indexSelect, gather and embedding (repeated indices accumulate)', () => {
    expectGradOk((x) => ops.slice(x, 1, 1, -1), [leaf([2, 5], 1)]);
    expectGradOk((x) => ops.select(x, 0, -1), [leaf([3, 2], 2)]);
    const idx = tensor([2, 0, 2], { dtype: 'int32' });
    expectGradOk((x) => ops.indexSelect(x, 1, idx), [leaf([2, 3, 2], 3)]);
    const g = tensor([[0, 2], [1, 1], [2, 0]], { dtype: 'int32' });
    expectGradOk((x) => ops.gather(x, 1, g), [leaf([3, 3], 4)]);
    const ids = tensor([[1, 0, 3], [3, 3, 2]], { dtype: 'int32' });
    expectGradOk((w) => ops.embedding(w, ids), [leaf([4, 2], 5)]);
  });
});

describe('gradients of stochastic and fused ops', () => {
  it('dropout (a fixed generator makes the mask repeat across evaluations)', () => {
    const x = leaf([4, 5], 1);
    expectGradOk((a) => ops.dropout(a, 0.3, { rng: new Rng(9) }), [x]);
  });

  it('lstmLayer: forward and reverse, with lengths, every input', () => {
    const [T, B, I, H] = [3, 2, 2, 3];
    const lengths = tensor([3, 1], { dtype: 'int32' });
    for (const reverse of [false, true]) {
      expectGradOk((x, wi, wh, bi, bh, h0, c0) => {
        const r = ops.lstmLayer(x, wi, wh, bi, bh, h0, c0, { lengths, reverse });
        return [r.output, r.h, r.c];
      }, [leaf([T, B, I], 1), leaf([4 * H, I], 2), leaf([4 * H, H], 3), leaf([4 * H], 4), leaf([4 * H], 5), leaf([B, H], 6), leaf([B, H], 7)]);
    }
  });

  it('gruLayer: forward and reverse, with lengths, every input', () => {
    const [T, B, I, H] = [3, 2, 2, 3];
    const lengths = tensor([2, 3], { dtype: 'int32' });
    for (const reverse of [false, true]) {
      expectGradOk((x, wi, wh, bi, bh, h0) => {
        const r = ops.gruLayer(x, wi, wh, bi, bh, h0, { lengths, reverse });
        return [r.output, r.h];
      }, [leaf([T, B, I], 1), leaf([3 * H, I], 2), leaf([3 * H, H], 3), leaf([3 * H], 4), leaf([3 * H], 5), leaf([B, H], 6)]);
    }
  });

  it('scaledDotProductAttention: causal, key padding, attention mask, separate value size', () => {
    const kpm = tensor([[false, false, true], [false, true, true]]);
    const am = tensor([[false, true, false], [false, false, false]]);
    expectGradOk((q, k, v) => {
      const r = ops.scaledDotProductAttention(q, k, v, { causal: true });
      return [r.output, r.weights];
    }, [leaf([2, 2, 3, 2], 1), leaf([2, 2, 3, 2], 2), leaf([2, 2, 3, 4], 3)]);
    expectGradOk((q, k, v) => {
      const r = ops.scaledDotProductAttention(q, k, v, { keyPaddingMask: kpm, attnMask: am });
      return [r.output, r.weights];
    }, [leaf([2, 1, 2, 2], 4), leaf([2, 1, 3, 2], 5), leaf([2, 1, 3, 3], 6)]);
  });
});

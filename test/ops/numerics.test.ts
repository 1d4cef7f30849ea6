import { describe, expect, it } from 'vitest';
import { tensor, zeros } from '../../src/core/create.js';
import * as ops from '../../src/ops/index.js';
import { describeBackends } from '../helpers/backends.js';

describeBackends('numerics edge cases', () => {
  it('softmax is stable for large values and gives 0 (not NaN) for a fully masked row', () => {
    const x = tensor([[1000, 1000, -Infinity], [-Infinity, -Infinity, -Infinity]], { requiresGrad: true });
    const y = ops.softmax(x, -1);
    expect(y.toArray()).toEqual([[0.5, 0.5, 0], [0, 0, 0]]);
    ops.sum(ops.mul(y, tensor([[1, 2, 3], [4, 5, 6]]))).backward();
    for (const v of x.grad!.data) expect(Number.isNaN(v)).toBe(false);
    const ls = ops.logSoftmax(tensor([[1000, 1000]]), -1).toArray() as number[][];
    expect(ls[0]![0]).toBeCloseTo(-Math.LN2, 5);
  });

  it('logsumexp handles -inf rows and overflow-prone values', () => {
    const y = ops.logsumexp(tensor([[-Infinity, -Infinity], [800, 800]]), -1).toArray() as number[];
    expect(y[0]).toBe(-Infinity);
    expect(y[1]).toBeCloseTo(800 + Math.LN2, 3);
  });

  it('crossEntropy: large logits stay finite; a mean over no targets is NaN as in PyTorch', () => {
    const big = ops.crossEntropy(tensor([[1e4, 0, -1e4]]), tensor([2], { dtype: 'int32' }));
    expect(big.item()).toBeCloseTo(2e4, 0);
    expect(Number.isNaN(ops.crossEntropy(zeros([2, 3]), tensor([0, 0], { dtype: 'int32' }), { ignoreIndex: 0 }).item())).toBe(true);
  });

  it('scaled dot-product attention: a query with every key masked gets zero weights and output', () => {
    const q = tensor([[[1, 0], [0, 1]]]);
    const kv = tensor([[[1, 2], [3, 4]]]);
    const am = tensor([[true, true], [false, true]]);
    const { output, weights } = ops.scaledDotProductAttention(q, kv, kv, { attnMask: am });
    expect(weights.toArray()).toEqual([[[0, 0], [1, 0]]]);
    expect(output.toArray()).toEqual([[[0, 0], [1, 2]]]);
  });

  it('sigmoid and tanh saturate without NaN', () => {
    expect(ops.sigmoid(tensor([-1000, 1000])).toArray()).toEqual([0, 1]);
    expect(ops.tanh(tensor([-1000, 1000])).toArray()).toEqual([-1, 1]);
  });

  it('max propagates NaN; sums of many float32 values stay accurate', () => {
    expect(Number.isNaN(ops.max(tensor([1, Number.NaN, 3])).item())).toBe(true);
    const n = 1 << 20;
    expect(ops.sum(ops.add(zeros([n]), 0.1)).item()).toBeCloseTo(n * Math.fround(0.1), 0);
  });
});

describe('forward values against hand computations', () => {
  it('matmul broadcasting and 1-D promotion', () => {
    const a = tensor([[1, 2], [3, 4]]);
    expect(ops.matmul(a, tensor([1, 1])).toArray()).toEqual([3, 7]);
    expect(ops.matmul(tensor([1, 1]), a).toArray()).toEqual([4, 6]);
    expect(ops.matmul(tensor([1, 2]), tensor([3, 4])).item()).toBe(11);
    expect(ops.matmul(ops.stack([a, a]), a).shape).toEqual([2, 2, 2]);
  });

  it('embedding leaves the padding row without gradient', () => {
    const w = tensor([[1, 1], [2, 2], [3, 3]], { requiresGrad: true });
    ops.sum(ops.embedding(w, tensor([0, 2, 2, 0], { dtype: 'int32' }), 0)).backward();
    expect(w.grad!.toArray()).toEqual([[0, 0], [0, 0], [2, 2]]);
  });

  it('label smoothing matches the closed form', () => {
    const logits = tensor([[2, 0, 1]]);
    const target = tensor([0], { dtype: 'int32' });
    const lse = Math.log(Math.exp(2) + 1 + Math.exp(1));
    const want = 0.9 * (lse - 2) + 0.1 * (lse - 1);
    expect(ops.crossEntropy(logits, target, { labelSmoothing: 0.1 }).item()).toBeCloseTo(want, 5);
  });

  it('dropout keeps the expectation and is the identity when not training', () => {
    const x = ops.add(zeros([20000]), 1);
    expect(ops.dropout(x, 0.5, { training: false })).toBe(x);
    const m = ops.mean(ops.dropout(x, 0.5)).item();
    expect(Math.abs(m - 1)).toBeLessThan(0.03);
  });

  it('clipGradNorm scales every gradient by max/(norm + 1e-6) only when above the bound', () => {
    const a = zeros([2], { requiresGrad: true });
    a.grad = tensor([3, 4]);
    expect(ops.clipGradNorm([a], 10)).toBeCloseTo(5, 6);
    expect(a.grad.toArray()).toEqual([3, 4]);
    expect(ops.clipGradNorm([a], 1)).toBeCloseTo(5, 6);
    expect((a.grad.toArray() as number[])[1]).toBeCloseTo(0.8, 5);
  });
});

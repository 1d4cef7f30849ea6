import { describe, expect, it } from 'vitest';
import { arange, bernoulli, eye, full, ones, rand, randint, randn, randperm, scalar, tensor, zeros } from '../../src/core/create.js';
import { Tensor } from '../../src/core/tensor.js';
import { Rng } from '../../src/util/rng.js';
import { expand, flatten, permute, reshape, squeeze, transpose, unsqueeze } from '../../src/ops/index.js';

describe('creation', () => {
  it('builds tensors from nested arrays with inferred shape and dtype', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(tensor([true, false]).dtype).toBe('bool');
    expect(tensor([true, false]).toArray()).toEqual([true, false]);
    expect(tensor([1, 2], { dtype: 'int32' }).data).toBeInstanceOf(Int32Array);
    expect(tensor(5).shape).toEqual([]);
    expect(scalar(2.5).item()).toBe(2.5);
  });

  it('builds tensors from TypedArrays (copying) with a shape', () => {
    const src = new Float32Array([1, 2, 3, 4, 5, 6]);
    const t = tensor(src, { shape: [3, 2] });
    src[0] = 100;
    expect(t.toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(tensor(new BigInt64Array([3n, 1n])).dtype).toBe('int32');
  });

  it('fills, counts and samples', () => {
    expect(zeros([2, 2]).toArray()).toEqual([[0, 0], [0, 0]]);
    expect(ones([3]).toArray()).toEqual([1, 1, 1]);
    expect(full([2], 7, { dtype: 'int32' }).toArray()).toEqual([7, 7]);
    expect(arange(4).toArray()).toEqual([0, 1, 2, 3]);
    expect(arange(4).dtype).toBe('int32');
    expect(arange(0, 1, 0.25).toArray()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(eye(2).toArray()).toEqual([[1, 0], [0, 1]]);
    const a = randn([50], { rng: new Rng(1) });
    const b = randn([50], { rng: new Rng(1) });
    expect(a.toArray()).toEqual(b.toArray());
    const u = rand([100], { rng: new Rng(2), low: -1, high: 1 });
    for (const v of u.data) expect(v >= -1 && v < 1).toBe(true);
    const r = randint(2, 5, [100], { rng: new Rng(3) });
    for (const v of r.data) expect(v >= 2 && v < 5).toBe(true);
    expect([...randperm(6, { rng: new Rng(4) }).data].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(bernoulli([10], 1).toArray()).toEqual(Array(10).fill(true));
  });

  it('rejects ragged arrays, bad shapes and bad dtypes with clear messages', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(/ragged nested array: \[1\] has 1 elements, expected 2/);
    expect(() => tensor(new Float32Array(5), { shape: [2, 3] })).toThrow(/5 values do not fill shape \[2, 3\]/);
    expect(() => zeros([2, -1])).toThrow(/invalid shape \[2, -1\]/);
    expect(() => tensor([1, 2], { dtype: 'int32', requiresGrad: true })).toThrow(/only float tensors can require gradients/);
    expect(() => tensor([1, 2]).item()).toThrow(/only a one-element tensor has an item, this one has shape \[2\]/);
    expect(() => randn([2], { dtype: 'int32' })).toThrow(/dtype must be float32 or float64/);
  });
});

describe('views and copies', () => {
  it('reshape, flatten, squeeze, unsqueeze and detach share data (views)', () => {
    const x = arange(6, undefined, 1, { dtype: 'float32' });
    const views = [reshape(x, [2, 3]), reshape(x, [-1, 2]), flatten(reshape(x, [1, 2, 3])), squeeze(reshape(x, [1, 6])), unsqueeze(x, 0), x.detach()];
    for (const v of views) expect(v.data).toBe(x.data);
    expect(reshape(x, [3, -1]).shape).toEqual([3, 2]);
  });

  it('transpose, permute and expand copy into dense tensors', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    const t = transpose(x, 0, 1);
    expect(t.data).not.toBe(x.data);
    expect(t.toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    const p = permute(reshape(arange(24, undefined, 1, { dtype: 'float32' }), [2, 3, 4]), [2, 0, 1]);
    expect(p.shape).toEqual([4, 2, 3]);
    expect(p.toArray()).toEqual([[[0, 4, 8], [12, 16, 20]], [[1, 5, 9], [13, 17, 21]], [[2, 6, 10], [14, 18, 22]], [[3, 7, 11], [15, 19, 23]]]);
    expect(expand(tensor([[1], [2]]), [2, 3]).toArray()).toEqual([[1, 1, 1], [2, 2, 2]]);
    expect(expand(tensor([1, 2]), [2, -1]).toArray()).toEqual([[1, 2], [1, 2]]);
  });

  it('reports impossible reshapes and expands', () => {
    const x = zeros([2, 3]);
    expect(() => reshape(x, [4, 2])).toThrow('reshape: cannot reshape [2, 3] (6 elements) into [4, 2] (8 elements)');
    expect(() => reshape(x, [-1, -1])).toThrow(/only one dim can be -1/);
    expect(() => reshape(x, [4, -1])).toThrow(/cannot reshape \[2, 3\]/);
    expect(() => expand(x, [2, 4])).toThrow('expand: cannot expand [2, 3] to [2, 4] (dim 1: 3 vs 4)');
    expect(() => squeeze(x, 0)).toThrow('squeeze: dim 0 has size 2, not 1 (shape [2, 3])');
    expect(() => permute(x, [0, 0])).toThrow(/repeat a dim/);
  });

  it('prints itself', () => {
    expect(String(tensor([1, 2], { requiresGrad: true }))).toBe('Tensor(float32 [2], requiresGrad: [1,2])');
    expect(new Tensor(new Float32Array(100), [100]).toString()).toBe('Tensor(float32 [100]: 100 values)');
  });
});

import { describe, expect, it } from 'vitest';
import { tensor, zeros } from '../../src/core/create.js';
import * as ops from '../../src/ops/index.js';
import { GlimpseError } from '../../src/util/errors.js';

const ids = (v: number[]) => tensor(v, { dtype: 'int32' });

describe('bad input: each error names the op, the shapes or values, and what was expected', () => {
  it('shape mismatches', () => {
    expect(() => ops.add(zeros([2, 3]), zeros([4]))).toThrow('add: shapes [2, 3] and [4] cannot be broadcast (dim 1: 3 vs 4)');
    expect(() => ops.matmul(zeros([2, 3]), zeros([4, 5]))).toThrow('matmul: inner dimensions differ: [2, 3] @ [4, 5] (3 vs 4)');
    expect(() => ops.matmul(zeros([2, 2, 3]), zeros([3, 3, 1]))).toThrow(/matmul: shapes \[2\] and \[3\] cannot be broadcast/);
    expect(() => ops.linear(zeros([2, 3]), zeros([5, 4]))).toThrow('linear: input [2, 3] does not end in in_features 4 (weight [5, 4])');
    expect(() => ops.linear(zeros([2, 4]), zeros([5, 4]), zeros([4]))).toThrow('linear: bias must be [5], got [4]');
    expect(() => ops.concat([zeros([2, 3]), zeros([3, 3])], 1)).toThrow('concat: tensor 1 has shape [3, 3], incompatible with tensor 0\'s [2, 3] along axis 1');
    expect(() => ops.stack([zeros([2]), zeros([3])])).toThrow('stack: tensor 1 has shape [3] but tensor 0 has [2]');
    expect(() => ops.split(zeros([5]), [2, 2])).toThrow(/split: sizes \[2, 2\] must be non-negative integers summing to 5/);
    expect(() => ops.chunk(zeros([5]), 2)).toThrow(/does not split into 2 equal chunks/);
    expect(() => ops.layerNorm(zeros([2, 3]), [4])).toThrow('layerNorm: input [2, 3] does not end in normalizedShape [4]');
    expect(() => ops.crossEntropy(zeros([3, 4]), ids([1, 2]))).toThrow(/crossEntropy: target shape \[2\] must equal the logits' shape without the class dim \[3\]/);
    expect(() => ops.gather(zeros([2, 3]), 1, ids([0, 1]))).toThrow(/gather: index shape \[2\] must match input \[2, 3\] except along axis 1/);
    expect(() => ops.sum(zeros([2, 3]), 2)).toThrow('sum: axis 2 is out of range for a tensor with 2 dims');
    expect(() => ops.lstmLayer(zeros([3, 2, 4]), zeros([20, 3]), zeros([20, 5]), null, null, zeros([2, 5]), zeros([2, 5])))
      .toThrow('lstmLayer: weight_ih must have shape [20, 4], got [20, 3] (x [3, 2, 4], H = 5)');
    expect(() => ops.gruLayer(zeros([3, 2, 4]), zeros([15, 4]), zeros([15, 5]), null, null, zeros([3, 5])))
      .toThrow('gruLayer: h0 must have shape [2, 5], got [3, 5] (x [3, 2, 4], H = 5)');
    expect(() => ops.scaledDotProductAttention(zeros([1, 2, 3]), zeros([1, 4, 2]), zeros([1, 5, 2])))
      .toThrow(/scaledDotProductAttention: shapes do not fit: q \[1, 2, 3\], k \[1, 4, 2\], v \[1, 5, 2\]/);
    expect(() => ops.scaledDotProductAttention(zeros([2, 3, 4]), zeros([2, 5, 4]), zeros([2, 5, 4]), { keyPaddingMask: tensor([[true]]) }))
      .toThrow('scaledDotProductAttention: keyPaddingMask must be [2, 5] (batch, keys), got [1, 1]');
  });

  it('wrong dtypes', () => {
    expect(() => ops.add(ids([1]), ids([2]))).toThrow('add: first operand must be a float tensor, got int32 of shape [1]');
    expect(() => ops.add(zeros([1]), zeros([1], { dtype: 'float64' }))).toThrow('add: operands have different dtypes (float32 and float64)');
    expect(() => ops.exp(ids([1]))).toThrow('exp: input must be a float tensor, got int32 of shape [1]');
    expect(() => ops.embedding(zeros([4, 2]), zeros([3]))).toThrow('embedding: ids must be int32, got float32 of shape [3]');
    expect(() => ops.crossEntropy(zeros([2, 3]), zeros([2]))).toThrow('crossEntropy: target must be int32, got float32 of shape [2]');
    expect(() => ops.where(zeros([2]), zeros([2]), zeros([2]))).toThrow('where: expected a bool tensor, got float32 of shape [2]');
    expect(() => ops.lstmLayer(zeros([1, 1, 1]), zeros([4, 1]), zeros([4, 1]), null, null, zeros([1, 1]), zeros([1, 1]), { lengths: zeros([1]) }))
      .toThrow('lstmLayer: lengths must be int32, got float32 of shape [1]');
  });

  it('out-of-range indices and values', () => {
    expect(() => ops.embedding(zeros([4, 2]), ids([1, 4]))).toThrow('embedding: index 4 at position 1 is out of range [0, 4)');
    expect(() => ops.embedding(zeros([4, 2]), ids([-1]))).toThrow('embedding: index -1 at position 0 is out of range [0, 4)');
    expect(() => ops.indexSelect(zeros([3, 2]), 0, ids([3]))).toThrow('indexSelect: index 3 at position 0 is out of range [0, 3)');
    expect(() => ops.gather(zeros([2, 2]), 1, tensor([[0, 2], [1, 1]], { dtype: 'int32' }))).toThrow('gather: index 2 at position 1 is out of range [0, 2)');
    expect(() => ops.crossEntropy(zeros([2, 3]), ids([1, 5]))).toThrow('crossEntropy: target 5 at position 1 is out of range for 3 classes (ignoreIndex -100)');
    expect(() => ops.select(zeros([3, 2]), 0, 3)).toThrow('select: index 3 is out of range for dim 0 of size 3 (shape [3, 2])');
    expect(() => ops.lstmLayer(zeros([2, 1, 1]), zeros([4, 1]), zeros([4, 1]), null, null, zeros([1, 1]), zeros([1, 1]), { lengths: ids([3]) }))
      .toThrow('lstmLayer: lengths[0] = 3 is outside [0, 2]');
    expect(() => ops.dropout(zeros([2]), 1)).toThrow('dropout: p must be in [0, 1), got 1');
    expect(() => ops.clamp(zeros([2]), { min: 2, max: 1 })).toThrow('clamp: min 2 is greater than max 1');
    expect(() => ops.crossEntropy(zeros([2, 3]), ids([1, 1]), { labelSmoothing: 2 })).toThrow('crossEntropy: labelSmoothing must be in [0, 1], got 2');
  });

  it('throws GlimpseError, not a TypeError, for user mistakes', () => {
    expect(() => ops.matmul(zeros([2, 3]), zeros([4, 5]))).toThrow(GlimpseError);
  });
});

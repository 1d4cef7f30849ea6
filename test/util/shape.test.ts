import { describe, expect, it } from 'vitest';
import { GlimpseError } from '../../src/util/errors.js';
import { broadcastShapes, broadcastStrides, normAxes, normAxis, sizeOf, splitAt, stridesOf } from '../../src/util/shape.js';

describe('shapes', () => {
  it('computes sizes and row-major strides', () => {
    expect(sizeOf([])).toBe(1);
    expect(sizeOf([2, 0, 3])).toBe(0);
    expect(stridesOf([2, 3, 4])).toEqual([12, 4, 1]);
  });

  it('broadcasts like NumPy', () => {
    expect(broadcastShapes([2, 1, 4], [3, 1], 'op')).toEqual([2, 3, 4]);
    expect(broadcastShapes([], [5], 'op')).toEqual([5]);
    expect(broadcastStrides([3, 1], [2, 3, 4])).toEqual([0, 1, 0]);
  });

  it('names the op, both shapes and the dim when broadcasting fails', () => {
    expect(() => broadcastShapes([2, 3], [4], 'add')).toThrow(GlimpseError);
    expect(() => broadcastShapes([2, 3], [4], 'add')).toThrow('add: shapes [2, 3] and [4] cannot be broadcast (dim 1: 3 vs 4)');
  });

  it('normalises axes and rejects out-of-range ones', () => {
    expect(normAxis(-1, 3, 'sum')).toBe(2);
    expect(normAxes([2, -3, 2], 3, 'sum')).toEqual([0, 2]);
    expect(() => normAxis(3, 3, 'sum')).toThrow('sum: axis 3 is out of range for a tensor with 3 dims');
    expect(splitAt([2, 3, 4, 5], 2)).toEqual([6, 4, 5]);
  });
});

import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/core/create.js';
import { Tensor } from '../../src/core/tensor.js';
import { averageStateDicts } from '../../src/train/average.js';
import { GlimpseError } from '../../src/util/errors.js';

const values = (t: Tensor | undefined): number[] => Array.from(t!.data);

describe('averageStateDicts', () => {
  it('gives the elementwise mean of two state dicts, rounded once to float32', () => {
    const a = { w: tensor([[1, 2], [3, 4]]), b: tensor([0.1, -5]) };
    const b = { w: tensor([[3, 2], [-3, 5]]), b: tensor([0.2, 5]) };
    const mean = averageStateDicts([a, b]);
    expect(mean.w!.shape).toEqual([2, 2]);
    expect(values(mean.w)).toEqual([2, 2, 0, 4.5]);
    expect(values(mean.b)).toEqual([Math.fround((Math.fround(0.1) + Math.fround(0.2)) / 2), 0]);
  });

  it('gives back a single state dict unchanged', () => {
    const a = { w: tensor([0.1, -3.7, 1e-30, 6e37]) };
    expect(values(averageStateDicts([a]).w)).toEqual(values(a.w));
  });

  it('accumulates in float64: the mean of 2²⁴, 1 and 1 is (2²⁴ + 2) / 3, which float32 sums would miss', () => {
    const dicts = [2 ** 24, 1, 1].map((x) => ({ w: tensor([x]) }));
    const mean = values(averageStateDicts(dicts).w)[0]!;
    expect(mean).toBe(Math.fround((2 ** 24 + 2) / 3));
    const float32Sum = Math.fround(Math.fround(2 ** 24 + 1) + 1); // 2²⁴: each +1 is lost
    expect(mean).not.toBe(Math.fround(float32Sum / 3));
  });

  it('keeps integer tensors that are equal everywhere, and refuses ones that differ', () => {
    const ids = (v: number[]) => new Tensor(new Int32Array(v), [v.length]);
    const mean = averageStateDicts([{ w: tensor([1]), n: ids([4, 5]) }, { w: tensor([3]), n: ids([4, 5]) }]);
    expect(mean.n!.dtype).toBe('int32');
    expect(values(mean.n)).toEqual([4, 5]);
    expect(() => averageStateDicts([{ n: ids([4]) }, { n: ids([5]) }], ['a', 'b'])).toThrow(/"n" is a int32 tensor, which is not averaged, and b holds other values than a/);
  });

  it('refuses mismatched names and shapes, listing every mismatch on a line of its own', () => {
    const a = { 'enc.w': tensor([[1, 2]]), 'dec.w': tensor([1]), 'out.b': tensor([1]) };
    const b = { 'enc.w': tensor([1, 2]), 'dec.w': tensor([1]), extra: tensor([1]) };
    const c = { 'enc.w': tensor([[1, 2]]), 'dec.w': tensor([1, 2, 3]), 'out.b': tensor([1]) };
    let caught: unknown;
    try {
      averageStateDicts([a, b, c], ['A', 'B', 'C']);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(GlimpseError);
    expect((caught as Error).message.split('\n')).toEqual([
      'cannot average: the checkpoints do not hold the same tensors (4 mismatches):',
      '  "enc.w" is [2] in B but [1, 2] in A',
      '  B has "extra", which A lacks',
      '  B lacks "out.b", which A has',
      '  "dec.w" is [3] in C but [1] in A',
    ]);
  });

  it('refuses an empty list', () => {
    expect(() => averageStateDicts([])).toThrow(/no checkpoints were given/);
  });
});

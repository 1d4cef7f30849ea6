import { describe, expect, it } from 'vitest';
import { noGrad, enableGrad, isGradEnabled } from '../../src/core/grad.js';
import { ones, tensor } from '../../src/core/create.js';
import type { Tensor } from '../../src/core/tensor.js';
import {
  add, concat, exp, gruLayer, indexSelect, linear, lstmLayer, matmul, mul, scaledDotProductAttention, select, split, stack, sum,
  tanh, unsqueeze,
} from '../../src/ops/index.js';
import { zeros } from '../../src/core/create.js';
import { gradSink } from '../../src/core/grad.js';
import { expectGradOk, leaf } from '../helpers/grad.js';

describe('autodiff', () => {
  it('handles shared subexpressions (a node used twice gets both gradients)', () => {
    const x = tensor([0.5, -1, 2], { requiresGrad: true });
    const y = tanh(x);
    // L = Σ y·y + y  ⇒ dL/dx = (2y + 1)(1 − y²)
    sum(add(mul(y, y), y)).backward();
    const want = [0.5, -1, 2].map((v) => (2 * Math.tanh(v) + 1) * (1 - Math.tanh(v) ** 2));
    (x.grad!.toArray() as number[]).forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 5));
  });

  it('accumulates into .grad across backward calls until zeroGrad', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    sum(mul(x, 3)).backward();
    sum(mul(x, 3)).backward();
    expect(x.grad!.toArray()).toEqual([6, 6]);
    x.zeroGrad();
    expect(x.grad).toBeNull();
    sum(x).backward();
    expect(x.grad!.toArray()).toEqual([1, 1]);
  });

  it('keeps leaves that share a gradient independent', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    sum(add(a, b)).backward(); // add's backward hands the same tensor to both inputs
    a.grad!.data[0] = 100;
    expect(b.grad!.toArray()).toEqual([1, 1]);
  });

  it('sums in place the gradients of tensors read at every step of an unrolled loop (finite differences)', () => {
    // The shape of a decoder with attention: the embedded sequence is sliced per step, the
    // memory is keys and values at every step, the state feeds the next step and the output.
    const B = 2;
    const D = 3;
    const fn = (x: Tensor, mem0: Tensor, wIh: Tensor, wHh: Tensor, wOut: Tensor): Tensor => {
      const seq = tanh(x); // [B, T, D], intermediate
      const mem = mul(mem0, 1.5); // [B, S, D], intermediate
      let h = select(mem, 1, 0);
      const outs: Tensor[] = [];
      for (let t = 0; t < x.shape[1]!; t++) {
        const input = concat([select(seq, 1, t), h], -1); // [B, 2D]
        h = gruLayer(unsqueeze(input, 0), wIh, wHh, null, null, h).h;
        const { output } = scaledDotProductAttention(unsqueeze(h, 1), mem, mem, { scale: 1 });
        outs.push(linear(concat([select(output, 1, 0), h], -1), wOut));
      }
      const picked = indexSelect(stack(outs, 1), 1, tensor(Int32Array.from([2, 0, 2]))); // [B, 3, D]
      return sum(tanh(mul(matmul(picked, picked, { transposeB: true }), 0.2))); // both operands' gradients in one sum

    };
    expectGradOk(fn, [leaf([B, 3, D], 1), leaf([B, 4, D], 2), leaf([3 * D, 2 * D], 3), leaf([3 * D, D], 4), leaf([D, 2 * D], 5)]);
  });

  it('never adds in place to a gradient a backward function passed through to several inputs', () => {
    // y is used twice, so its gradient is a sum the engine owns; add hands that same tensor to
    // a and b; a then receives another gradient (from a·b), which must not leak into b's.
    const w = tensor([0.5, -1], { dtype: 'float64', requiresGrad: true });
    const a = tanh(mul(w, 2));
    const b = tanh(mul(w, 3));
    const y = add(a, b);
    for (const order of [0, 1]) {
      w.zeroGrad();
      const l1 = sum(mul(y, y));
      const l2 = sum(mul(a, b));
      (order ? add(l2, l1) : add(l1, l2)).backward(undefined, { retainGraph: true });
      const want = [0.5, -1].map((v) => {
        const [A, Bv] = [Math.tanh(2 * v), Math.tanh(3 * v)];
        const [dA, dB] = [2 * (1 - A * A), 3 * (1 - Bv * Bv)];
        return 2 * (A + Bv) * (dA + dB) + dA * Bv + A * dB;
      });
      (w.grad!.toArray() as number[]).forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 12));
    }
  });

  it('offers a gradient sink only inside backward and only for tensors that need a gradient', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(gradSink(tensor([1, 2]), 'add')).toBeNull();
    expect(gradSink(tanh(x), 'add')).toBeNull(); // no backward running
    expect(gradSink(x, 'add')).toEqual(new Float32Array([0, 0])); // a leaf: its .grad
    expect(gradSink(x, 'write')).toBeNull(); // .grad exists now: nothing fresh to write into
  });

  it('accepts an output gradient for a non-scalar output', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    mul(x, 2).backward(tensor([1, 0, -1]));
    expect(x.grad!.toArray()).toEqual([2, 0, -2]);
  });

  it('records nothing under noGrad, and detach cuts the graph', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = noGrad(() => mul(x, 2));
    expect(y.requiresGrad).toBe(false);
    expect(isGradEnabled()).toBe(true);
    expect(noGrad(() => enableGrad(() => mul(x, 2))).requiresGrad).toBe(true);
    const z = mul(x.detach(), 2);
    expect(z.requiresGrad).toBe(false);
    expect(z.gradNode).toBeNull();
  });

  it('passes null for unused outputs of a multi-output op', () => {
    const x = tensor([[1, 2, 3, 4]], { requiresGrad: true });
    const [a] = split(x, 2, 1);
    sum(exp(a!)).backward();
    expect(x.grad!.toArray()).toEqual([[Math.fround(Math.E), Math.fround(Math.exp(2)), 0, 0]]);
    const xs = zeros([2, 1, 3], { requiresGrad: true });
    const w = ones([8, 3], { requiresGrad: true });
    const u = ones([8, 2], { requiresGrad: true });
    const { h } = lstmLayer(xs, w, u, null, null, zeros([1, 2]), zeros([1, 2]));
    sum(h).backward(); // only h_n is used; output and c_n get no gradient
    expect(w.grad).not.toBeNull();
  });

  it('frees a finished graph, and says so when backward runs through it again', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = tanh(x);
    const loss = sum(y);
    loss.backward();
    expect(y.gradNode!.inputs).toEqual([]);
    expect(() => loss.backward()).toThrow("backward: the graph through 'sum' was already freed by an earlier backward(); pass { retainGraph: true } to the first backward() to call it twice");
    const x2 = tensor([1, 2], { requiresGrad: true });
    const l2 = sum(tanh(x2));
    l2.backward(undefined, { retainGraph: true });
    l2.backward();
    expect((x2.grad!.toArray() as number[])[0]).toBeCloseTo(2 * (1 - Math.tanh(1) ** 2), 5);
  });

  it('explains a backward on a non-scalar without a gradient, or a wrong gradient', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(() => mul(x, 2).backward()).toThrow(/the output has shape \[2\]; backward\(\) without a gradient needs a one-element output/);
    expect(() => mul(x, 2).backward(tensor([1, 2, 3]))).toThrow('backward: the gradient has shape [3] (float32) but the output has shape [2] (float32)');
    expect(() => tensor([1]).backward()).toThrow(/does not require grad/);
  });
});

import { describe, expect, it } from 'vitest';
import { noGrad, enableGrad, isGradEnabled } from '../../src/core/grad.js';
import { ones, tensor } from '../../src/core/create.js';
import { add, exp, lstmLayer, mul, split, sum, tanh } from '../../src/ops/index.js';
import { zeros } from '../../src/core/create.js';

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

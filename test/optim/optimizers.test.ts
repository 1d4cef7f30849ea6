import { describe, expect, it } from 'vitest';
import { expectClose } from '../helpers/close.js';
import { randn, tensor } from '../../src/core/create.js';
import { Tensor } from '../../src/core/tensor.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';
import { Linear } from '../../src/nn/index.js';
import { mean, mul, sub } from '../../src/ops/index.js';
import {
  Adam, AdamW, type OptimizerStateDict, SGD, WarmupCosine, clipGradNorm, clipGradValue,
} from '../../src/optim/index.js';
import { GlimpseError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';

const f64 = (values: number[]) => tensor(values, { dtype: 'float64' });
const withGrad = (p: Tensor, g: number[]) => {
  p.grad = f64(g);
};

describe('SGD', () => {
  it('matches hand-computed steps with momentum, dampening and weight decay', () => {
    const p = f64([1, -2]);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.5, weightDecay: 0.01 });
    withGrad(p, [0.5, 1]);
    opt.step();
    // d = g + 0.01·p = [0.51, 0.98]; b = d; p -= 0.1·b
    expect([...p.data]).toEqual([1 - 0.1 * 0.51, -2 - 0.1 * 0.98]);
    withGrad(p, [0.2, -0.4]);
    opt.step();
    const d = [0.2 + 0.01 * (1 - 0.051), -0.4 + 0.01 * (-2 - 0.098)];
    const b = [0.9 * 0.51 + 0.5 * d[0]!, 0.9 * 0.98 + 0.5 * d[1]!];
    expect(p.data[0]).toBeCloseTo(1 - 0.051 - 0.1 * b[0]!, 15);
    expect(p.data[1]).toBeCloseTo(-2 - 0.098 - 0.1 * b[1]!, 15);
  });

  it('Nesterov: p −= lr·(d + μ·b)', () => {
    const p = f64([1]);
    const opt = new SGD([p], { lr: 0.5, momentum: 0.5, nesterov: true });
    withGrad(p, [1]);
    opt.step(); // b = 1, step = 1 + 0.5
    expect(p.data[0]).toBe(1 - 0.5 * 1.5);
    withGrad(p, [2]);
    opt.step(); // b = 0.5 + 2 = 2.5, step = 2 + 1.25
    expect(p.data[0]).toBe(0.25 - 0.5 * 3.25);
    expect(() => new SGD([f64([1])], { lr: 1, nesterov: true })).toThrow(/Nesterov momentum needs momentum > 0/);
  });

  it('plain SGD and maximize', () => {
    const p = f64([1]);
    new SGD([p], { lr: 0.1, maximize: true }).step(); // no grad: skipped
    expect(p.data[0]).toBe(1);
    withGrad(p, [2]);
    new SGD([p], { lr: 0.1, maximize: true }).step();
    expect(p.data[0]).toBeCloseTo(1.2, 15);
  });
});

/** Adam in float64 from the paper's equations with PyTorch's ε placement. */
function adamReference(p0: number[], grads: number[][], lr: number, [b1, b2]: [number, number], eps: number, wd: number, decoupled: boolean): number[] {
  const p = [...p0];
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  grads.forEach((g, k) => {
    const t = k + 1;
    for (let i = 0; i < p.length; i++) {
      if (decoupled) p[i]! *= 1 - lr * wd;
      const gi = g[i]! + (decoupled ? 0 : wd * p[i]!);
      m[i] = b1 * m[i]! + (1 - b1) * gi;
      v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
      p[i] = p[i]! - (lr / (1 - b1 ** t)) * m[i]! / (Math.sqrt(v[i]!) / Math.sqrt(1 - b2 ** t) + eps);
    }
  });
  return p;
}

describe('Adam and AdamW', () => {
  const grads = [[0.1, -1e-7, 3], [0.2, 2e-7, -1], [-0.3, 1e-7, 0.5]];

  it.each([['Adam', Adam, 0.1, false], ['AdamW', AdamW, 0.1, true]] as const)('%s matches the equations step by step', (_n, Opt, wd, decoupled) => {
    const p = f64([0.5, -0.25, 2]);
    const opt = new Opt([p], { lr: 0.01, betas: [0.8, 0.99], eps: 1e-8, weightDecay: wd });
    grads.forEach((g, k) => {
      withGrad(p, g);
      opt.step();
      const want = adamReference([0.5, -0.25, 2], grads.slice(0, k + 1), 0.01, [0.8, 0.99], 1e-8, wd, decoupled);
      expectClose(p.data, want, { rtol: 0, atol: 1e-15, what: `step ${k + 1}` });
    });
    expect(opt.stateOf(p)!.step).toBe(3);
  });

  it('AMSGrad uses the running maximum of v', () => {
    const p = f64([1]);
    const opt = new Adam([p], { lr: 0.1, amsgrad: true });
    withGrad(p, [1]);
    opt.step();
    withGrad(p, [0.001]);
    opt.step();
    const st = opt.stateOf(p)!;
    const v1 = (1 - 0.999) * 1;
    expect(st.buffers.max_exp_avg_sq!.data[0]).toBe(v1); // v after step 1; v after step 2 is smaller
    expect(st.buffers.exp_avg_sq!.data[0]).toBeLessThan(v1);
    const p1 = 1 - (0.1 / (1 - 0.9)) * 0.1 / (Math.sqrt(v1) / Math.sqrt(1 - 0.999) + 1e-8);
    const m = 0.9 * 0.1 + 0.1 * 0.001;
    const expected = p1 - (0.1 / (1 - 0.9 ** 2)) * m / (Math.sqrt(v1) / Math.sqrt(1 - 0.999 ** 2) + 1e-8);
    expect(p.data[0]).toBeCloseTo(expected, 12);
  });

  it('supports parameter groups with their own hyper-parameters', () => {
    const a = f64([1]);
    const b = f64([1]);
    const opt = new AdamW([{ params: [a] }, { params: [b], weightDecay: 0, lr: 0.1 }], { lr: 0.01, weightDecay: 0.5 });
    expect(opt.paramGroups.map((g) => [g.lr, g.weightDecay])).toEqual([[0.01, 0.5], [0.1, 0]]);
    withGrad(a, [1]);
    withGrad(b, [1]);
    opt.step();
    expect(a.data[0]).toBeCloseTo(1 * (1 - 0.005) - 0.01, 8);
    expect(b.data[0]).toBeCloseTo(1 - 0.1, 8);
    expect(() => new Adam([a, a])).toThrow(/appears in more than one place/);
    expect(() => new Adam([a], { betas: [0.9, 1] })).toThrow(/betas\[1\] must be < 1/);
  });
});

describe('gradient clipping', () => {
  const params = () => [[3, 4], [12]].map((g) => {
    const p = tensor(g.map(() => 0));
    p.grad = tensor(g);
    return p;
  });

  it('2-norm (the backend kernel), ∞-norm and 1-norm, PyTorch coefficient', () => {
    const ps = params();
    expect(clipGradNorm(ps, 6.5)).toBeCloseTo(13, 5);
    expect(ps[1]!.grad!.data[0]).toBeCloseTo(12 * 6.5 / (13 + 1e-6), 5);
    const inf = params();
    expect(clipGradNorm(inf, 24, { normType: Infinity })).toBe(12);
    expect(inf[0]!.grad!.data[0]).toBe(3); // coef ≥ 1: unchanged
    const one = params();
    expect(clipGradNorm(one, 9.5, { normType: 1 })).toBe(19);
    expect(one[0]!.grad!.data[1]).toBeCloseTo(4 * 9.5 / (19 + 1e-6), 5);
  });

  it('clamps values', () => {
    const ps = params();
    clipGradValue(ps, 3.5);
    expect([...ps[0]!.grad!.data, ...ps[1]!.grad!.data]).toEqual([3, 3.5, 3.5]);
  });
});

describe('exact resume', () => {
  /** A linear regression trained with AdamW and a warm-up/cosine schedule. */
  function setup() {
    const model = new Linear({ inFeatures: 3, outFeatures: 2 }, { rng: new Rng(1) });
    const opt = new AdamW(model.parameters(), { lr: 0.05 });
    const sched = new WarmupCosine(opt, { warmupSteps: 3, totalSteps: 10, minFactor: 0.1 });
    return { model, opt, sched };
  }
  const data = Array.from({ length: 10 }, (_, i) => [randn([4, 3], { rng: new Rng(100 + i) }), randn([4, 2], { rng: new Rng(200 + i) })] as const);
  function train(s: ReturnType<typeof setup>, from: number, to: number): void {
    for (let i = from; i < to; i++) {
      s.opt.zeroGrad();
      const diff = sub(s.model.forward(data[i]![0]), data[i]![1]);
      mean(mul(diff, diff)).backward();
      s.opt.step();
      s.sched.step();
    }
  }

  it('continues bit-identically after a save/load through safetensors bytes and JSON', () => {
    const straight = setup();
    train(straight, 0, 10);

    const first = setup();
    train(first, 0, 4);
    const { tensors, ...rest } = first.opt.stateDict();
    const saved = {
      model: encodeSafetensors(first.model.stateDict()),
      optTensors: encodeSafetensors(tensors),
      optJson: JSON.stringify(rest),
      sched: JSON.stringify(first.sched.stateDict()),
    };

    const resumed = setup();
    resumed.model.loadStateDict(decodeSafetensors(saved.model).tensors);
    resumed.opt.loadStateDict({ ...(JSON.parse(saved.optJson) as Omit<OptimizerStateDict, 'tensors'>), tensors: decodeSafetensors(saved.optTensors).tensors });
    resumed.sched.loadStateDict(JSON.parse(saved.sched));
    expect(resumed.opt.paramGroups[0]!.lr).toBe(first.opt.paramGroups[0]!.lr);
    train(resumed, 4, 10);
    for (const [name, p] of straight.model.namedParameters()) expect([...resumed.model.parameter(name).data], name).toEqual([...p.data]);
  });

  it('refuses a state from another optimizer or of another shape, changing nothing', () => {
    const s = setup();
    train(s, 0, 1);
    const sgd = new SGD(s.model.parameters(), { lr: 1 });
    expect(() => sgd.loadStateDict(s.opt.stateDict())).toThrow(/written by AdamW, not SGD/);
    const bad = s.opt.stateDict();
    bad.tensors['0.exp_avg'] = new Tensor(new Float32Array(2), [2]);
    const before = s.opt.stateOf(s.model.weight)!.buffers.exp_avg!.data.slice();
    expect(() => s.opt.loadStateDict(bad)).toThrow(GlimpseError);
    expect([...s.opt.stateOf(s.model.weight)!.buffers.exp_avg!.data]).toEqual([...before]);
  });
});

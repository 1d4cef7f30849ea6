import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/core/create.js';
import {
  ExponentialLR, ReduceLROnPlateau, SGD, StepLR, WarmupCosine, WarmupInverseSqrt,
  warmupCosineFactor, warmupInverseSqrtFactor,
} from '../../src/optim/index.js';

const sgd = (lr: number) => new SGD([tensor([0])], { lr });

/** The rate before the first step and after each of `n` steps. */
function rates(step: () => void, lr: () => number, n: number): number[] {
  const out = [lr()];
  for (let i = 0; i < n; i++) {
    step();
    out.push(lr());
  }
  return out;
}

describe('factor schedules', () => {
  it('StepLR and ExponentialLR (values as torch.optim.lr_scheduler gives them)', () => {
    const opt = sgd(2);
    const step = new StepLR(opt, { stepSize: 3, gamma: 0.5 });
    expect(rates(() => step.step(), () => opt.paramGroups[0]!.lr, 7)).toEqual([2, 2, 2, 1, 1, 1, 0.5, 0.5]);
    const opt2 = sgd(1);
    const exp = new ExponentialLR(opt2, { gamma: 0.5 });
    expect(rates(() => exp.step(), () => exp.lastLr[0]!, 3)).toEqual([1, 0.5, 0.25, 0.125]);
  });

  it('linear warm-up then inverse square root', () => {
    expect([0, 1, 2, 3, 7, 15].map((t) => warmupInverseSqrtFactor(t, 4))).toEqual([0.25, 0.5, 0.75, 1, Math.sqrt(4 / 8), 0.5]);
    const opt = sgd(0.1);
    const s = new WarmupInverseSqrt(opt, { warmupSteps: 4 });
    expect(opt.paramGroups[0]!.lr).toBe(0.025);
    s.step();
    expect(opt.paramGroups[0]!.lr).toBe(0.05);
  });

  it('linear warm-up then cosine down to minFactor, flat afterwards', () => {
    const f = (t: number) => warmupCosineFactor(t, 2, 6, 0.1);
    expect(f(0)).toBe(0.5);
    expect(f(1)).toBe(1);
    expect(f(3)).toBeCloseTo(0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * 0.5)), 15);
    expect(f(5)).toBeCloseTo(0.1, 15);
    expect(f(50)).toBeCloseTo(0.1, 15);
    const opt = new SGD([{ params: [tensor([0])] }, { params: [tensor([0])], lr: 1 }], { lr: 0.5 });
    const s = new WarmupCosine(opt, { warmupSteps: 2, totalSteps: 6, minFactor: 0.1 });
    expect(s.lastLr).toEqual([0.25, 0.5]);
    expect(() => new WarmupCosine(opt, { warmupSteps: 5, totalSteps: 4 })).toThrow(/totalSteps 4 is less than warmupSteps 5/);
  });

  it('resumes at the same step', () => {
    const a = new WarmupCosine(sgd(1), { warmupSteps: 3, totalSteps: 20 });
    for (let i = 0; i < 7; i++) a.step();
    const opt = sgd(1);
    const b = new WarmupCosine(opt, { warmupSteps: 3, totalSteps: 20 });
    b.loadStateDict(JSON.parse(JSON.stringify(a.stateDict())));
    expect(b.stepCount).toBe(7);
    expect(opt.paramGroups[0]!.lr).toBe(a.lastLr[0]);
    expect(() => b.loadStateDict({ ...a.stateDict(), kind: 'StepLR' })).toThrow(/written by StepLR/);
  });
});

describe('ReduceLROnPlateau (sequences checked against torch 1.13)', () => {
  it('reduces after `patience` bad epochs and then cools down', () => {
    const opt = sgd(1);
    const s = new ReduceLROnPlateau(opt, { factor: 0.5, patience: 2, cooldown: 1, threshold: 0 });
    const out = [10, 9, 9, 9, 9, 8, 8, 8, 8, 8].map((m) => (s.step(m), opt.paramGroups[0]!.lr));
    expect(out).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25]);
  });

  it('mode max with an absolute threshold and a floor', () => {
    const opt = sgd(1);
    const s = new ReduceLROnPlateau(opt, { mode: 'max', factor: 0.1, patience: 0, threshold: 0.1, thresholdMode: 'abs', minLr: 0.05 });
    const out = [1, 1.05, 1.2, 1.25, 1.3, 1.5].map((m) => (s.step(m), s.lastLr[0]!));
    expect(out.map((x) => Number(x.toPrecision(12)))).toEqual([1, 0.1, 0.1, 0.05, 0.05, 0.05]);
  });

  it('resumes its counters exactly', () => {
    const opt = sgd(1);
    const a = new ReduceLROnPlateau(opt, { patience: 1, factor: 0.5 });
    [3, 2, 2].forEach((m) => a.step(m));
    const b = new ReduceLROnPlateau(opt, { patience: 1, factor: 0.5 });
    b.loadStateDict(JSON.parse(JSON.stringify(a.stateDict())));
    a.step(2);
    const lrA = opt.paramGroups[0]!.lr;
    opt.paramGroups[0]!.lr = 1;
    b.step(2);
    expect(opt.paramGroups[0]!.lr).toBe(lrA);
    expect(lrA).toBe(0.5);
    expect(() => a.step(NaN)).toThrow(/finite/);
    const fresh = new ReduceLROnPlateau(sgd(1), { mode: 'max' });
    expect(fresh.stateDict().best).toBeNull();
    fresh.loadStateDict(JSON.parse(JSON.stringify(fresh.stateDict())));
    fresh.step(-1e300); // any first metric is an improvement on -Infinity
    expect(fresh.stateDict().best).toBe(-1e300);
  });
});

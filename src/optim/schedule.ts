import { resolveConfig } from '../nn/config.js';
import { GlimpseError } from '../util/errors.js';
import type { BaseHyper, Optimizer } from './optimizer.js';

// Each schedule is a pure factor f(t) of the number t of scheduler steps taken so far; the
// learning rate of group i is baseLr_i · f(t), recomputed in closed form at every step, so a
// resumed run (same t) gets bit-identical rates. The factor functions are exported for plots.

/** γ^⌊t / stepSize⌋ (PyTorch's StepLR). */
export function stepFactor(t: number, stepSize: number, gamma: number): number {
  return gamma ** Math.floor(t / stepSize);
}

/** γ^t (PyTorch's ExponentialLR). */
export function exponentialFactor(t: number, gamma: number): number {
  return gamma ** t;
}

/**
 * Linear warm-up then inverse square root (Vaswani et al. 2017's shape): step t (0-based) uses
 * (t+1)/W for t < W, then √(W/(t+1)); both are 1 at t = W−1.
 */
export function warmupInverseSqrtFactor(t: number, warmupSteps: number): number {
  const s = t + 1;
  return s < warmupSteps ? s / warmupSteps : Math.sqrt(warmupSteps / s);
}

/**
 * Linear warm-up then cosine decay to `minFactor` at step totalSteps−1 (and after):
 * (t+1)/W for t < W, then minFactor + (1 − minFactor)·½(1 + cos(π·p)) with
 * p = (t+1−W)/(totalSteps−W) clamped to [0, 1].
 */
export function warmupCosineFactor(t: number, warmupSteps: number, totalSteps: number, minFactor = 0): number {
  const s = t + 1;
  if (s < warmupSteps) return s / warmupSteps;
  const p = totalSteps > warmupSteps ? Math.min(1, Math.max(0, (s - warmupSteps) / (totalSteps - warmupSteps))) : 1;
  return minFactor + (1 - minFactor) * 0.5 * (1 + Math.cos(Math.PI * p));
}

/** Resumable state of a factor schedule. */
export interface ScheduleStateDict {
  kind: string;
  /** Scheduler steps taken. */
  t: number;
  /** Each group's learning rate before scaling. */
  baseLrs: number[];
}

/**
 * The base of the factor schedules: sets every group's lr to baseLr·f(t) at construction (t = 0)
 * and after each `step()`. Call `step()` once per optimizer step (warm-ups) or per epoch
 * (StepLR, ExponentialLR), after `optimizer.step()`.
 *
 * @example
 * // A schedule of one's own: halve the rate every 1000 steps.
 * class Halving extends LrSchedule {
 *   constructor(opt: Optimizer<BaseHyper>) { super('Halving', opt); this.apply(); }
 *   factor(t: number): number { return 0.5 ** Math.floor(t / 1000); }
 * }
 */
export abstract class LrSchedule {
  readonly baseLrs: number[];
  private t = 0;

  protected constructor(
    readonly kind: string,
    protected readonly optimizer: Optimizer<BaseHyper>,
  ) {
    this.baseLrs = optimizer.paramGroups.map((g) => g.lr);
  }

  /** f(t): the multiplier of the base rates after t steps. */
  abstract factor(t: number): number;

  /** Writes baseLr·f(t) into the optimizer (subclasses call it at the end of their constructor). */
  protected apply(): void {
    const f = this.factor(this.t);
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = this.baseLrs[i]! * f));
  }

  /** Advances one step and updates the optimizer's rates. */
  step(): void {
    this.t++;
    this.apply();
  }

  /** Steps taken so far. */
  get stepCount(): number {
    return this.t;
  }

  /** The current rate of each group. */
  get lastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  stateDict(): ScheduleStateDict {
    return { kind: this.kind, t: this.t, baseLrs: [...this.baseLrs] };
  }

  /** Restores t and the base rates, and re-applies the rate to the optimizer. */
  loadStateDict(dict: ScheduleStateDict): void {
    if (dict?.kind !== this.kind) throw new GlimpseError(`${this.kind}.loadStateDict: the state was written by ${String(dict?.kind)}`);
    if (!Number.isInteger(dict.t) || dict.t < 0 || !Array.isArray(dict.baseLrs) || dict.baseLrs.length !== this.baseLrs.length) {
      throw new GlimpseError(`${this.kind}.loadStateDict: expected {t ≥ 0, baseLrs: ${this.baseLrs.length} numbers}, got t = ${dict.t}, ${dict.baseLrs?.length} base rates`);
    }
    this.t = dict.t;
    this.baseLrs.splice(0, this.baseLrs.length, ...dict.baseLrs);
    this.apply();
  }
}

/**
 * Multiplies the rate by γ every `stepSize` steps (PyTorch's StepLR).
 * @example
 * const sched = new StepLR(opt, { stepSize: 10, gamma: 0.5 });
 * for (let epoch = 0; epoch < 30; epoch++) { train(); sched.step(); }
 */
export class StepLR extends LrSchedule {
  readonly config: Readonly<{ stepSize: number; gamma: number }>;

  constructor(optimizer: Optimizer<BaseHyper>, config: { stepSize: number; gamma?: number }) {
    super('StepLR', optimizer);
    this.config = resolveConfig('StepLR', config, { stepSize: { type: 'int', min: 1 }, gamma: { type: 'number', default: 0.1, min: 0 } });
    this.apply();
  }

  factor(t: number): number {
    return stepFactor(t, this.config.stepSize, this.config.gamma);
  }
}

/**
 * Multiplies the rate by γ every step (PyTorch's ExponentialLR).
 * @example const sched = new ExponentialLR(opt, { gamma: 0.95 });
 */
export class ExponentialLR extends LrSchedule {
  readonly config: Readonly<{ gamma: number }>;

  constructor(optimizer: Optimizer<BaseHyper>, config: { gamma: number }) {
    super('ExponentialLR', optimizer);
    this.config = resolveConfig('ExponentialLR', config, { gamma: { type: 'number', min: 0 } });
    this.apply();
  }

  factor(t: number): number {
    return exponentialFactor(t, this.config.gamma);
  }
}

/**
 * Linear warm-up over `warmupSteps`, then decay ∝ 1/√step (see {@link warmupInverseSqrtFactor}).
 * Step it after every optimizer step.
 * @example const sched = new WarmupInverseSqrt(opt, { warmupSteps: 4000 });
 */
export class WarmupInverseSqrt extends LrSchedule {
  readonly config: Readonly<{ warmupSteps: number }>;

  constructor(optimizer: Optimizer<BaseHyper>, config: { warmupSteps: number }) {
    super('WarmupInverseSqrt', optimizer);
    this.config = resolveConfig('WarmupInverseSqrt', config, { warmupSteps: { type: 'int', min: 1 } });
    this.apply();
  }

  factor(t: number): number {
    return warmupInverseSqrtFactor(t, this.config.warmupSteps);
  }
}

/**
 * Linear warm-up, then cosine decay to `minFactor`·baseLr at `totalSteps` (see
 * {@link warmupCosineFactor}). Step it after every optimizer step.
 * @example const sched = new WarmupCosine(opt, { warmupSteps: 100, totalSteps: 5000, minFactor: 0.1 });
 */
export class WarmupCosine extends LrSchedule {
  readonly config: Readonly<{ warmupSteps: number; totalSteps: number; minFactor: number }>;

  constructor(optimizer: Optimizer<BaseHyper>, config: { warmupSteps: number; totalSteps: number; minFactor?: number }) {
    super('WarmupCosine', optimizer);
    this.config = resolveConfig('WarmupCosine', config, {
      warmupSteps: { type: 'int', min: 1 },
      totalSteps: { type: 'int', min: 1 },
      minFactor: { type: 'number', default: 0, min: 0, max: 1 },
    });
    if (this.config.totalSteps < this.config.warmupSteps) {
      throw new GlimpseError(`WarmupCosine: totalSteps ${this.config.totalSteps} is less than warmupSteps ${this.config.warmupSteps}`);
    }
    this.apply();
  }

  factor(t: number): number {
    return warmupCosineFactor(t, this.config.warmupSteps, this.config.totalSteps, this.config.minFactor);
  }
}

/**
 * The learning-rate schedules a training run can name, as a table. Each row declares when it
 * advances — after every optimizer step, after every epoch, or after every evaluation (with the
 * evaluation's primary metric) — so the trainer calls every schedule the same way. A new
 * schedule is one file (its factor or class) and one row here.
 */
import { GlimpseError } from '../util/errors.js';
import { tableKeys } from '../util/table.js';
import type { BaseHyper, Optimizer } from './optimizer.js';
import { type PlateauStateDict, ReduceLROnPlateau } from './plateau.js';
import {
  ExponentialLR, type LrSchedule, type ScheduleStateDict, StepLR, WarmupCosine, WarmupInverseSqrt,
} from './schedule.js';

/** When a schedule advances. */
export type Cadence = 'step' | 'epoch' | 'eval';

/** Every option a schedule row may read (a training config holds all of them). */
export interface ScheduleOptions {
  /** plateau: new rate = rate · factor after `plateauPatience` evaluations without improvement. */
  plateauFactor: number;
  plateauPatience: number;
  /** step, exponential: the factor γ. */
  gamma: number;
  /** step: epochs between reductions. */
  stepSize: number;
  /** warm-up schedules: steps of linear warm-up; 0 = a tenth of the run's steps (at most 4,000). */
  warmupSteps: number;
  /** warmup-cosine: the rate's floor as a fraction of the base rate. */
  minLrFactor: number;
}

export type ScheduleOption = keyof ScheduleOptions;

/** What a schedule knows of the run when it is built. */
export interface ScheduleContext {
  /** Optimizer steps the run will take (epochs × batches, or maxSteps when smaller). */
  totalSteps: number;
  /** Whether the primary metric is minimised (a loss) or maximised (an accuracy). */
  mode: 'min' | 'max';
}

/** The JSON state a schedule saves in a checkpoint. */
export type SchedulerStateDict = ScheduleStateDict | PlateauStateDict | { kind: 'none' };

/** A built schedule, whatever its kind. */
export interface Scheduler {
  /** Advances once; `metric` is the evaluation's primary metric at cadence 'eval'. */
  advance(metric?: number): void;
  stateDict(): SchedulerStateDict;
  loadStateDict(state: SchedulerStateDict): void;
}

export interface ScheduleRule {
  readonly summary: string;
  readonly cadence: Cadence;
  /** The options it reads (a flag for any other is refused for this schedule). */
  readonly options: readonly ScheduleOption[];
  build(optimizer: Optimizer<BaseHyper>, o: ScheduleOptions, context: ScheduleContext): Scheduler;
}

/** A factor schedule (LrSchedule) as a Scheduler. */
function factorScheduler(s: LrSchedule): Scheduler {
  return {
    advance: () => s.step(),
    stateDict: () => s.stateDict(),
    loadStateDict: (d) => s.loadStateDict(d as ScheduleStateDict),
  };
}

/** The warm-up length: as given, or a tenth of the run (at least 1, at most 4,000 steps). */
export function resolveWarmup(given: number, totalSteps: number): number {
  return given > 0 ? given : Math.min(4000, Math.max(1, Math.round(totalSteps / 10)));
}

const table = {
  none: {
    summary: 'a constant rate',
    cadence: 'step',
    options: [],
    build: () => ({
      advance: () => {},
      stateDict: () => ({ kind: 'none' }),
      loadStateDict: () => {},
    }),
  },
  plateau: {
    summary: 'multiply the rate by plateauFactor after plateauPatience + 1 evaluations without a new best',
    cadence: 'eval',
    options: ['plateauFactor', 'plateauPatience'],
    build: (opt, o, ctx) => {
      const p = new ReduceLROnPlateau(opt, { mode: ctx.mode, factor: o.plateauFactor, patience: o.plateauPatience, threshold: 0 });
      return {
        advance: (metric) => {
          if (metric === undefined) throw new GlimpseError('plateau schedule: advanced without a metric');
          p.step(metric);
        },
        stateDict: () => p.stateDict(),
        loadStateDict: (d) => p.loadStateDict(d as PlateauStateDict),
      };
    },
  },
  step: {
    summary: 'multiply the rate by gamma every stepSize epochs',
    cadence: 'epoch',
    options: ['gamma', 'stepSize'],
    build: (opt, o) => factorScheduler(new StepLR(opt, { stepSize: o.stepSize, gamma: o.gamma })),
  },
  exponential: {
    summary: 'multiply the rate by gamma every epoch',
    cadence: 'epoch',
    options: ['gamma'],
    build: (opt, o) => factorScheduler(new ExponentialLR(opt, { gamma: o.gamma })),
  },
  'warmup-cosine': {
    summary: 'linear warm-up over warmupSteps, then cosine decay to minLrFactor at the last step',
    cadence: 'step',
    options: ['warmupSteps', 'minLrFactor'],
    build: (opt, o, ctx) => {
      const warmupSteps = resolveWarmup(o.warmupSteps, ctx.totalSteps);
      return factorScheduler(new WarmupCosine(opt, { warmupSteps, totalSteps: Math.max(ctx.totalSteps, warmupSteps), minFactor: o.minLrFactor }));
    },
  },
  'warmup-invsqrt': {
    summary: 'linear warm-up over warmupSteps, then ∝ 1/√step (Vaswani et al. 2017)',
    cadence: 'step',
    options: ['warmupSteps'],
    build: (opt, o, ctx) => factorScheduler(new WarmupInverseSqrt(opt, { warmupSteps: resolveWarmup(o.warmupSteps, ctx.totalSteps) })),
  },
} satisfies Record<string, ScheduleRule>;

export type ScheduleName = keyof typeof table;
export const SCHEDULES: { readonly [K in ScheduleName]: ScheduleRule } = table;
export const SCHEDULE_NAMES = tableKeys(SCHEDULES);

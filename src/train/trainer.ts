import { noGrad } from '../core/grad.js';
import type { Tensor } from '../core/tensor.js';
import type { StateDict } from '../nn/index.js';
import {
  Adam, AdamW, type BaseHyper, ExponentialLR, type LrSchedule, type Optimizer, type OptimizerStateDict, type PlateauStateDict,
  ReduceLROnPlateau, SGD, type ScheduleStateDict, StepLR, WarmupCosine, WarmupInverseSqrt, clipGradNorm,
} from '../optim/index.js';
import { GlimpseError } from '../util/errors.js';
import { Rng, type RngState, defaultRng, manualSeed } from '../util/rng.js';
import { yieldToEventLoop } from '../util/yield.js';
import type { TrainConfig } from './config.js';
import type { EpochPlan, Metrics, TrainingTask } from './types.js';

/** One evaluation, as logged and kept in the history. */
export interface EvalRecord {
  step: number;
  epoch: number;
  /** Mean training loss per token since the previous evaluation. */
  trainLoss: number;
  lr: number;
  /** Training seconds so far (evaluation excluded). */
  trainSeconds: number;
  metrics: Metrics;
}

/** The trainer's own progress, JSON-safe, saved in every resumable checkpoint. */
export interface TrainerState {
  epoch: number;
  /** Batches of the current epoch already trained. */
  stepInEpoch: number;
  step: number;
  /** The data generator's state before the current epoch was planned (replayed on resume). */
  epochRng: RngState;
  /** The default generator's state (dropout masks), restored on resume. */
  dropoutRng: RngState;
  best: { value: number; step: number; epoch: number } | null;
  /** Evaluations since the best one (early stopping). */
  badEvals: number;
  /** Training-loss sums since the last evaluation, and over the current epoch. */
  lossSum: number;
  lossTokens: number;
  trainSeconds: number;
  history: EvalRecord[];
  /** When the target was reached (step and training seconds), if it was. */
  reached: { step: number; trainSeconds: number } | null;
  finished: boolean;
  stopReason: string | null;
}

/** Everything a resumed run needs, as the checkpoint stores it. */
export interface TrainingSnapshot {
  state: TrainerState;
  model: StateDict;
  optimizer: OptimizerStateDict;
  schedule: ScheduleStateDict | PlateauStateDict | null;
  carried: Record<string, Tensor>;
}

/** Where checkpoints go (a run folder on disk; a test can keep them in memory). */
export interface CheckpointSink {
  /** The resumable state after `state.step` steps (also the "last" weights). */
  saveLast(snapshot: TrainingSnapshot): void;
  /** The weights of a new best model. */
  saveBest(model: StateDict, record: EvalRecord): void;
}

/** What the trainer reports while it runs (progress bars, logs). */
export interface TrainerEvents {
  onEpochStart?(epoch: number, batches: number, startAt: number): void;
  onStep?(info: { step: number; epoch: number; batch: number; batches: number; loss: number; tokens: number; tokensPerSecond: number; lr: number }): void;
  onEpochEnd?(epoch: number): void;
  onEval?(record: EvalRecord, isBest: boolean): void;
}

/**
 * The training loop shared by every model: teacher-forced batches from a task, backward,
 * clipping, an optimizer step and a schedule; evaluation every N steps or per epoch with
 * best and last checkpoints; stopping at a target, by early stopping or on request; NaN/Inf
 * losses reported with the step and batch. Deterministic under a seed, and a run resumed
 * from a snapshot continues exactly as if it had never stopped.
 *
 * @example
 * const trainer = new Trainer(task, resolveTrainConfig({ epochs: 6, lr: 2e-3, clip: 0.25, schedule: 'plateau' }));
 * const state = await trainer.run({ sink, events });
 */
export class Trainer<B> {
  readonly optimizer: Optimizer<BaseHyper>;
  private readonly schedule: LrSchedule | null;
  private readonly plateau: ReduceLROnPlateau | null;
  private readonly dataRng: Rng;
  state: TrainerState;
  private stopRequested = false;

  constructor(
    readonly task: TrainingTask<B>,
    readonly config: Readonly<TrainConfig>,
    snapshot: TrainingSnapshot | null = null,
  ) {
    const params = task.model.parameters();
    const c = config;
    this.optimizer = c.optimizer === 'sgd' ? new SGD(params, { lr: c.lr, momentum: c.momentum, weightDecay: c.weightDecay })
      : c.optimizer === 'adamw' ? new AdamW(params, { lr: c.lr, weightDecay: c.weightDecay })
        : new Adam(params, { lr: c.lr, weightDecay: c.weightDecay });
    this.plateau = c.schedule === 'plateau'
      ? new ReduceLROnPlateau(this.optimizer, { mode: task.primary.mode, factor: c.plateauFactor, patience: c.plateauPatience, threshold: 0 })
      : null;
    this.schedule = this.makeSchedule();
    this.dataRng = new Rng(c.seed);
    this.state = {
      epoch: 1, stepInEpoch: 0, step: 0, epochRng: this.dataRng.getState(), dropoutRng: defaultRng().getState(),
      best: null, badEvals: 0, lossSum: 0, lossTokens: 0, trainSeconds: 0, history: [], reached: null, finished: false, stopReason: null,
    };
    if (snapshot) this.restore(snapshot);
  }

  private makeSchedule(): LrSchedule | null {
    const c = this.config;
    switch (c.schedule) {
      case 'step': return new StepLR(this.optimizer, { stepSize: c.stepSize, gamma: c.gamma });
      case 'exponential': return new ExponentialLR(this.optimizer, { gamma: c.gamma });
      case 'warmup-cosine': return new WarmupCosine(this.optimizer, { warmupSteps: c.warmupSteps, totalSteps: Math.max(c.maxSteps, c.warmupSteps + 1) });
      case 'warmup-invsqrt': return new WarmupInverseSqrt(this.optimizer, { warmupSteps: Math.max(c.warmupSteps, 1) });
      default: return null;
    }
  }

  /** Steps the `step`/`exponential` schedules count in epochs; the warm-up ones in steps. */
  private get epochSchedule(): boolean {
    return this.config.schedule === 'step' || this.config.schedule === 'exponential';
  }

  private restore(s: TrainingSnapshot): void {
    this.task.model.loadStateDict(s.model);
    this.optimizer.loadStateDict(s.optimizer);
    if (s.schedule && this.plateau && s.schedule.kind === 'ReduceLROnPlateau') this.plateau.loadStateDict(s.schedule as PlateauStateDict);
    else if (s.schedule && this.schedule) this.schedule.loadStateDict(s.schedule as ScheduleStateDict);
    if (this.task.restoreCarried) this.task.restoreCarried(s.carried);
    this.state = structuredClone(s.state);
    defaultRng().setState(this.state.dropoutRng);
  }

  /** The resumable state now. */
  snapshot(): TrainingSnapshot {
    this.state.dropoutRng = defaultRng().getState();
    return {
      state: structuredClone(this.state),
      model: this.task.model.stateDict(),
      optimizer: this.optimizer.stateDict(),
      schedule: this.plateau ? this.plateau.stateDict() : this.schedule ? this.schedule.stateDict() : null,
      carried: this.task.carriedState ? this.task.carriedState() : {},
    };
  }

  /** Asks the loop to stop after the current batch (Ctrl-C); it saves a resumable checkpoint first. */
  requestStop(): void {
    this.stopRequested = true;
  }

  get lr(): number {
    return this.optimizer.paramGroups[0]!.lr;
  }

  /** Evaluates on the validation split, records it, and keeps the best weights. */
  private evaluate(sink: CheckpointSink | null, events: TrainerEvents): EvalRecord {
    const model = this.task.model;
    model.eval();
    const metrics = noGrad(() => this.task.evaluate('valid'));
    model.train();
    const s = this.state;
    const record: EvalRecord = {
      step: s.step, epoch: s.epoch, trainLoss: s.lossTokens ? s.lossSum / s.lossTokens : NaN, lr: this.lr,
      trainSeconds: s.trainSeconds, metrics,
    };
    s.lossSum = 0;
    s.lossTokens = 0;
    s.history.push(record);
    const { name, mode } = this.task.primary;
    const value = metrics[name];
    if (value === undefined || Number.isNaN(value)) throw new GlimpseError(`evaluation did not produce the primary metric "${name}"`);
    const better = s.best === null || (mode === 'min' ? value < s.best.value : value > s.best.value);
    if (better) {
      s.best = { value, step: s.step, epoch: s.epoch };
      s.badEvals = 0;
      sink?.saveBest(model.stateDict(), record);
    } else {
      s.badEvals++;
    }
    this.plateau?.step(value);
    events.onEval?.(record, better);
    if (this.config.target !== null && s.reached === null && (mode === 'min' ? value <= this.config.target : value >= this.config.target)) {
      s.reached = { step: s.step, trainSeconds: s.trainSeconds };
      this.stop(`reached ${name} ${value} (target ${this.config.target})`);
    }
    if (this.config.earlyStopping > 0 && s.badEvals >= this.config.earlyStopping) {
      this.stop(`no improvement of ${name} in ${s.badEvals} evaluations (early stopping)`);
    }
    return record;
  }

  private stop(reason: string): void {
    this.state.finished = true;
    this.state.stopReason = reason;
  }

  /**
   * Trains until the epochs are done or a stop condition holds. Returns the final state;
   * `state.stopReason` says why it ended (or 'interrupted' after requestStop()).
   */
  async run(options: { sink?: CheckpointSink | null; events?: TrainerEvents } = {}): Promise<TrainerState> {
    const sink = options.sink ?? null;
    const events = options.events ?? {};
    const c = this.config;
    const s = this.state;
    const model = this.task.model;
    model.train();
    if (s.step === 0 && s.epoch === 1 && s.stepInEpoch === 0) manualSeed(c.seed + 1); // dropout masks, separate from batch order
    while (!s.finished && s.epoch <= c.epochs) {
      // Plan the epoch from the generator state at its start, so a resumed run replays it.
      this.dataRng.setState(s.epochRng);
      const plan: EpochPlan<B> = this.task.planEpoch(this.dataRng);
      const batches = c.stepsPerEpoch > 0 ? Math.min(plan.count, c.stepsPerEpoch) : plan.count;
      if (s.stepInEpoch === 0) this.task.startEpoch?.();
      events.onEpochStart?.(s.epoch, batches, s.stepInEpoch);
      let windowTokens = 0;
      let windowStart = performance.now();
      for (let i = s.stepInEpoch; i < batches; i++) {
        const t0 = performance.now();
        const batch = plan.batch(i);
        this.optimizer.zeroGrad();
        const { loss, tokens } = this.task.trainLoss(batch);
        const value = loss.item();
        if (!Number.isFinite(value)) {
          throw new GlimpseError(`the loss is ${value} at step ${s.step + 1} (epoch ${s.epoch}, batch ${i + 1} of ${batches}); ` +
            `training stopped and the last checkpoint was kept. Try a lower learning rate or gradient clipping (--clip)`);
        }
        loss.backward();
        if (c.clip > 0) clipGradNorm(model.parameters(), c.clip);
        this.optimizer.step();
        if (this.schedule && !this.epochSchedule) this.schedule.step();
        s.trainSeconds += (performance.now() - t0) / 1000;
        s.step++;
        s.stepInEpoch = i + 1;
        s.lossSum += value * tokens;
        s.lossTokens += tokens;
        windowTokens += tokens;
        const elapsed = (performance.now() - windowStart) / 1000;
        events.onStep?.({ step: s.step, epoch: s.epoch, batch: i + 1, batches, loss: value, tokens, tokensPerSecond: elapsed > 0 ? windowTokens / elapsed : 0, lr: this.lr });
        const atLimit = c.maxSteps > 0 && s.step >= c.maxSteps;
        if (c.evalEvery > 0 && s.step % c.evalEvery === 0) {
          this.evaluate(sink, events);
          windowTokens = 0;
          windowStart = performance.now();
          sink?.saveLast(this.snapshot());
        } else if (c.saveEvery > 0 && s.step % c.saveEvery === 0) {
          sink?.saveLast(this.snapshot());
        }
        if (atLimit) this.stop(`reached maxSteps ${c.maxSteps}`);
        if (this.stopRequested && !s.finished) {
          sink?.saveLast(this.snapshot());
          s.stopReason = 'interrupted';
          return s;
        }
        if (s.finished) break;
        await yieldToEventLoop(); // let Ctrl-C handlers and progress redraws run
      }
      if (s.finished && s.stepInEpoch < batches) break;
      events.onEpochEnd?.(s.epoch);
      if (c.evalEvery === 0 && !s.finished) this.evaluate(sink, events);
      if (this.schedule && this.epochSchedule) this.schedule.step();
      s.epoch++;
      s.stepInEpoch = 0;
      s.epochRng = this.dataRng.getState();
      if (s.epoch > c.epochs && !s.finished) this.stop(`completed ${c.epochs} epochs`);
      sink?.saveLast(this.snapshot());
    }
    if (!s.finished) this.stop(`completed ${c.epochs} epochs`);
    return s;
  }
}

import { noGrad } from '../core/grad.js';
import type { Tensor } from '../core/tensor.js';
import type { StateDict } from '../nn/index.js';
import {
  type BaseHyper, OPTIMIZERS, type Optimizer, type OptimizerStateDict, SCHEDULES, type ScheduleRule, type Scheduler,
  type SchedulerStateDict, clipGradNorm,
} from '../optim/index.js';
import { GlimpseError } from '../util/errors.js';
import { Rng, type RngState, defaultRng, manualSeed } from '../util/rng.js';
import { yieldToEventLoop } from '../util/yield.js';
import type { TrainConfig } from './config.js';
import { checkResumable } from './resume-check.js';
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
  /** The schedule's state (null in checkpoints of runs without a schedule written before 0.2). */
  schedule: SchedulerStateDict | null;
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
  private readonly scheduleRule: ScheduleRule;
  private readonly scheduler: Scheduler;
  private readonly dataRng: Rng;
  state: TrainerState;
  private stopRequested = false;

  constructor(
    readonly task: TrainingTask<B>,
    readonly config: Readonly<TrainConfig>,
    snapshot: TrainingSnapshot | null = null,
  ) {
    const c = config;
    this.optimizer = OPTIMIZERS[c.optimizer].build(task.model.parameters(), c);
    this.scheduleRule = SCHEDULES[c.schedule];
    this.scheduler = this.scheduleRule.build(this.optimizer, c, { totalSteps: this.totalSteps(), mode: task.primary.mode });
    this.dataRng = new Rng(c.seed);
    this.state = {
      epoch: 1, stepInEpoch: 0, step: 0, epochRng: this.dataRng.getState(), dropoutRng: defaultRng().getState(),
      best: null, badEvals: 0, lossSum: 0, lossTokens: 0, trainSeconds: 0, history: [], reached: null, finished: false, stopReason: null,
    };
    if (snapshot) this.restore(snapshot);
  }

  /** Optimizer steps of the whole run: epochs × batches per epoch, or maxSteps when fewer. */
  private totalSteps(): number {
    const c = this.config;
    const planned = this.task.planEpoch(new Rng(c.seed)).count;
    const perEpoch = c.stepsPerEpoch > 0 ? Math.min(planned, c.stepsPerEpoch) : planned;
    const all = Math.max(1, c.epochs * perEpoch);
    return c.maxSteps > 0 ? Math.min(all, c.maxSteps) : all;
  }

  private restore(s: TrainingSnapshot): void {
    const c = this.config;
    checkResumable(s.state, s.optimizer.steps, {
      epochs: c.epochs, maxSteps: c.maxSteps,
      batches: () => {
        const rng = new Rng(0);
        rng.setState(s.state.epochRng);
        const planned = this.task.planEpoch(rng).count;
        return c.stepsPerEpoch > 0 ? Math.min(planned, c.stepsPerEpoch) : planned;
      },
    });
    this.task.model.loadStateDict(s.model);
    this.optimizer.loadStateDict(s.optimizer);
    if (s.schedule) this.scheduler.loadStateDict(s.schedule);
    if (this.task.restoreCarried) this.task.restoreCarried(s.carried);
    this.state = structuredClone(s.state);
    if (!this.state.finished) this.state.stopReason = null; // 'interrupted' described the previous process
    defaultRng().setState(this.state.dropoutRng);
  }

  /** The resumable state now. */
  snapshot(): TrainingSnapshot {
    this.state.dropoutRng = defaultRng().getState();
    return {
      state: structuredClone(this.state),
      model: this.task.model.stateDict(),
      optimizer: this.optimizer.stateDict(),
      schedule: this.scheduler.stateDict(),
      carried: this.task.carriedState ? this.task.carriedState() : {},
    };
  }

  /**
   * Asks the loop to stop after the current batch (Ctrl-C, SIGTERM): it saves a resumable
   * checkpoint that records `stopReason: 'interrupted'` (not finished) and returns.
   */
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
    if (this.scheduleRule.cadence === 'eval') this.scheduler.advance(value);
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
    const cadence = this.scheduleRule.cadence;
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
        const { loss, tokens } = this.task.trainLoss(batch, s.step);
        const value = loss.item();
        if (!Number.isFinite(value)) {
          // The weights are still those of the last finite step: keep them, and say how the run ended.
          this.stop(`the loss was ${value} at step ${s.step + 1}`);
          sink?.saveLast(this.snapshot());
          throw new GlimpseError(`the loss is ${value} at step ${s.step + 1} (epoch ${s.epoch}, batch ${i + 1} of ${batches}); ` +
            `training stopped and the weights of step ${s.step} were saved. Try a lower learning rate or gradient clipping (--clip)`);
        }
        loss.backward();
        if (c.clip > 0) clipGradNorm(model.parameters(), c.clip);
        this.optimizer.step();
        if (cadence === 'step') this.scheduler.advance();
        s.trainSeconds += (performance.now() - t0) / 1000;
        s.step++;
        s.stepInEpoch = i + 1;
        s.lossSum += value * tokens;
        s.lossTokens += tokens;
        windowTokens += tokens;
        const elapsed = (performance.now() - windowStart) / 1000;
        events.onStep?.({ step: s.step, epoch: s.epoch, batch: i + 1, batches, loss: value, tokens, tokensPerSecond: elapsed > 0 ? windowTokens / elapsed : 0, lr: this.lr });
        if (c.evalEvery > 0 && s.step % c.evalEvery === 0) {
          this.evaluate(sink, events);
          windowTokens = 0;
          windowStart = performance.now();
          sink?.saveLast(this.snapshot());
        } else if (c.saveEvery > 0 && s.step % c.saveEvery === 0) {
          sink?.saveLast(this.snapshot());
        }
        if (c.maxSteps > 0 && s.step >= c.maxSteps && !s.finished) this.stop(`reached maxSteps ${c.maxSteps}`);
        if (this.stopRequested && !s.finished) {
          s.stopReason = 'interrupted'; // recorded in the checkpoint; a resumed run clears it
          sink?.saveLast(this.snapshot());
          return s;
        }
        if (s.finished) break;
        await yieldToEventLoop(); // let Ctrl-C handlers and progress redraws run
      }
      if (s.finished && s.stepInEpoch < batches) break;
      events.onEpochEnd?.(s.epoch);
      if (c.evalEvery === 0 && !s.finished) this.evaluate(sink, events);
      if (cadence === 'epoch') this.scheduler.advance();
      s.epoch++;
      s.stepInEpoch = 0;
      s.epochRng = this.dataRng.getState();
      if (s.epoch > c.epochs && !s.finished) this.stop(`completed ${c.epochs} epochs`);
      if (!s.finished) sink?.saveLast(this.snapshot());
    }
    if (!s.finished) this.stop(`completed ${c.epochs} epochs`);
    // However the run ended, its final weights get an evaluation (so a best checkpoint always
    // exists) and the checkpoint records the last step and why the run stopped.
    if (s.history.at(-1)?.step !== s.step && s.step > 0) this.evaluate(sink, events);
    sink?.saveLast(this.snapshot());
    return s;
  }
}

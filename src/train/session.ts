import { noGrad } from '../core/grad.js';
import { GlimpseError } from '../util/errors.js';
import { resolveTrainConfig } from './config.js';
import { type Experiment, type TrainedModel, buildExperiment } from './experiment.js';
import type { RunConfig } from './run-config.js';
import { inFile } from './run-config-check.js';
import { RUN_FILES, RunFolder } from './run-folder.js';
import { type TrainerEvents, type TrainerState, Trainer } from './trainer.js';
import type { Metrics } from './types.js';
import { writeFileAtomic } from '../util/fs-node.js';
import { type RunLock, cleanTemporaries, lockRunFolder } from './run-lock.js';

/** A run ready to train: its folder, model, task and trainer (fresh or resumed). */
export interface Session {
  run: RunFolder;
  experiment: Experiment;
  trainer: Trainer<unknown>;
  resumed: boolean;
  /** The run folder's lock, held until trainSession ends (released by it). */
  lock: RunLock;
  /** Temporaries of interrupted saves removed when the session started. */
  cleaned: string[];
  /** Whether last.safetensors disagreed with the checkpoint's step and was rewritten from it. */
  repairedLast: boolean;
}

/** What a finished (or interrupted) run reports. */
export interface RunSummary {
  run: string;
  stopReason: string | null;
  steps: number;
  epochs: number;
  trainSeconds: number;
  best: TrainerState['best'];
  reached: TrainerState['reached'];
  /** Whether the run is over (false when interrupted: it can be resumed). */
  finished: boolean;
  /** The signal that interrupted it, if one did. */
  signal?: 'SIGINT' | 'SIGTERM';
  /** Metrics of the best checkpoint on the test split (absent when interrupted). */
  test?: Metrics;
}

/** Starts a new run in a fresh folder under `runsDir` (locked until trainSession ends). */
export function startSession(config: RunConfig, options: { runsDir: string; name: string; version: string }): Session {
  const experiment = buildExperiment(config);
  const run = RunFolder.create(options.runsDir, options.name, config, options.version);
  const lock = lockRunFolder(run.dir, 'glimpse train');
  try {
    run.saveVocabs(experiment.vocabs);
    const trainer = new Trainer(experiment.task as never, resolveTrainConfig(config.train));
    return { run, experiment, trainer, resumed: false, lock, cleaned: [], repairedLast: false };
  } catch (e) {
    lock.release();
    throw e;
  }
}

/**
 * Reopens a run folder and continues from its last checkpoint, exactly. It takes the folder's
 * lock first (a second process is refused, naming the one that holds it; a lock left by a
 * process that no longer exists is taken over), removes temporaries of interrupted saves,
 * refuses a finished run or a checkpoint that cannot resume exactly, and rewrites
 * last.safetensors from the checkpoint when a kill between the two saves left them apart.
 */
export function resumeSession(dir: string): Session {
  const run = RunFolder.open(dir);
  const lock = lockRunFolder(run.dir, 'glimpse train --resume');
  try {
    const cleaned = cleanTemporaries(run.dir);
    const config = run.config();
    const meta = run.snapshotMeta(); // the header alone: say what is wrong before reading any data
    if (!meta) throw new GlimpseError(`${dir} has no checkpoint to resume from yet (${RUN_FILES.checkpoint}); start it again instead`);
    if (meta.state.finished) throw new GlimpseError(`${dir} already finished (${meta.state.stopReason}); nothing to resume`);
    const experiment = buildExperiment(config, run.vocabs());
    const snapshot = run.snapshot(experiment.model)!;
    const trainConfig = resolveTrainConfig(config.train);
    const trainer = inFile(run.path(RUN_FILES.checkpoint), () => new Trainer(experiment.task as never, trainConfig, snapshot));
    const repairedLast = run.repairLast(snapshot);
    return { run, experiment, trainer, resumed: true, lock, cleaned, repairedLast };
  } catch (e) {
    lock.release();
    throw e;
  }
}

/**
 * Trains a session to the end, logging every step record and evaluation to metrics.jsonl.
 * Ctrl-C (SIGINT) and SIGTERM save a resumable checkpoint and return with stopReason
 * 'interrupted'. However the run ends (epochs done, max steps, target, early stopping, a
 * non-finite loss, a signal), the checkpoint and last.safetensors hold its last step,
 * metrics.jsonl gets an `end` record and summary.json says how it ended; then the lock is
 * released. A finished run's best checkpoint is evaluated on the test split.
 */
export async function trainSession(session: Session, events: TrainerEvents = {}): Promise<RunSummary> {
  const { run, trainer, experiment } = session;
  try {
    const logEvery = trainer.config.logEvery;
    run.log({ type: session.resumed ? 'resume' : 'start', step: trainer.state.step, time: new Date().toISOString() });
    let signal: RunSummary['signal'];
    const onSignal = (sig: NodeJS.Signals) => {
      if (sig === 'SIGINT' || sig === 'SIGTERM') signal ??= sig;
      trainer.requestStop();
    };
    const signals = ['SIGINT', 'SIGTERM'] as const;
    for (const sig of signals) process.on(sig, onSignal);
    let state: TrainerState;
    try {
      state = await trainer.run({
        sink: run,
        events: {
          ...events,
          onStep: (info) => {
            if (info.step % logEvery === 0) run.log({ type: 'step', ...info });
            events.onStep?.(info);
          },
          onEval: (record, isBest) => {
            run.log({ type: 'eval', split: 'valid', best: isBest, ...record });
            events.onEval?.(record, isBest);
          },
        },
      });
    } catch (e) {
      // A run that stopped itself (a non-finite loss) has saved its state: record how it ended.
      if (trainer.state.finished) finish(run, summaryOf(run, trainer.state, signal));
      throw e;
    } finally {
      for (const sig of signals) process.off(sig, onSignal);
    }
    const summary = summaryOf(run, state, signal);
    if (state.finished && run.has(RUN_FILES.best)) {
      const model = experiment.model;
      run.loadWeights(model, 'best');
      model.eval();
      summary.test = noGrad(() => experiment.task.evaluate('test'));
      run.log({ type: 'test', step: state.best?.step ?? state.step, ...summary.test });
    }
    finish(run, summary);
    return summary;
  } finally {
    session.lock.release();
  }
}

function summaryOf(run: RunFolder, state: TrainerState, signal: RunSummary['signal']): RunSummary {
  return {
    run: run.dir, stopReason: state.stopReason, finished: state.finished, steps: state.step, epochs: state.epoch,
    trainSeconds: state.trainSeconds, best: state.best, reached: state.reached, ...(signal && !state.finished ? { signal } : {}),
  };
}

/** The `end` record of metrics.jsonl and summary.json: how the run ended, at which step. */
function finish(run: RunFolder, summary: RunSummary): void {
  run.log({
    type: 'end', step: summary.steps, reason: summary.stopReason, finished: summary.finished,
    ...(summary.signal ? { signal: summary.signal } : {}), time: new Date().toISOString(),
  });
  writeFileAtomic(run.path(RUN_FILES.summary), `${JSON.stringify(summary, null, 2)}\n`);
}

/**
 * Which weights a command reads by default: the best checkpoint, or the last one when the run
 * has no best yet (stopped before its first evaluation).
 */
export function defaultWeights(run: RunFolder): 'best' | 'last' {
  return run.has(RUN_FILES.best) || !run.has(RUN_FILES.last) ? 'best' : 'last';
}

/** Loads a run's model with its best (or last) weights, in eval mode, without reading its data. */
export function loadTrainedModel(dir: string, which?: 'best' | 'last'): TrainedModel & { run: RunFolder } {
  const run = RunFolder.open(dir);
  const trained = run.buildModel();
  run.loadWeights(trained.model, which ?? defaultWeights(run));
  trained.model.eval();
  return { ...trained, run };
}

/** Loads a run's model with its best (or last) weights and its task, in eval mode. */
export function loadRun(dir: string, which?: 'best' | 'last'): { run: RunFolder; experiment: Experiment } {
  const run = RunFolder.open(dir);
  const experiment = buildExperiment(run.config(), run.vocabs());
  run.loadWeights(experiment.model, which ?? defaultWeights(run));
  experiment.model.eval();
  return { run, experiment };
}

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

/** A run ready to train: its folder, model, task and trainer (fresh or resumed). */
export interface Session {
  run: RunFolder;
  experiment: Experiment;
  trainer: Trainer<unknown>;
  resumed: boolean;
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
  /** Metrics of the best checkpoint on the test split (absent when interrupted). */
  test?: Metrics;
}

/** Starts a new run in a fresh folder under `runsDir`. */
export function startSession(config: RunConfig, options: { runsDir: string; name: string; version: string }): Session {
  const experiment = buildExperiment(config);
  const run = RunFolder.create(options.runsDir, options.name, config, options.version);
  run.saveVocabs(experiment.vocabs);
  const trainer = new Trainer(experiment.task as never, resolveTrainConfig(config.train));
  return { run, experiment, trainer, resumed: false };
}

/** Reopens a run folder and continues from its last checkpoint, exactly. */
export function resumeSession(dir: string): Session {
  const run = RunFolder.open(dir);
  const config = run.config();
  const meta = run.snapshotMeta(); // the header alone: say what is wrong before reading any data
  if (!meta) throw new GlimpseError(`${dir} has no checkpoint to resume from yet (${RUN_FILES.checkpoint}); start it again instead`);
  if (meta.state.finished) throw new GlimpseError(`${dir} already finished (${meta.state.stopReason}); nothing to resume`);
  const experiment = buildExperiment(config, run.vocabs());
  const snapshot = run.snapshot(experiment.model)!;
  const trainConfig = resolveTrainConfig(config.train);
  const trainer = inFile(run.path(RUN_FILES.checkpoint), () => new Trainer(experiment.task as never, trainConfig, snapshot));
  return { run, experiment, trainer, resumed: true };
}

/**
 * Trains a session to the end, logging every step record and evaluation to metrics.jsonl.
 * Ctrl-C (SIGINT) and SIGTERM save a resumable checkpoint and return with stopReason
 * 'interrupted'. At the end the best checkpoint is evaluated on the test split and
 * summary.json written.
 */
export async function trainSession(session: Session, events: TrainerEvents = {}): Promise<RunSummary> {
  const { run, trainer, experiment } = session;
  const logEvery = trainer.config.logEvery;
  run.log({ type: session.resumed ? 'resume' : 'start', step: trainer.state.step, time: new Date().toISOString() });
  const onSignal = () => trainer.requestStop();
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
  } finally {
    for (const sig of signals) process.off(sig, onSignal);
  }
  const summary: RunSummary = {
    run: run.dir, stopReason: state.stopReason, steps: state.step, epochs: state.epoch, trainSeconds: state.trainSeconds,
    best: state.best, reached: state.reached,
  };
  if (state.stopReason !== 'interrupted' && run.has(RUN_FILES.best)) {
    const model = experiment.model;
    run.loadWeights(model, 'best');
    model.eval();
    summary.test = noGrad(() => experiment.task.evaluate('test'));
    run.log({ type: 'test', step: state.best?.step ?? state.step, ...summary.test });
  }
  writeFileAtomic(run.path(RUN_FILES.summary), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

/**
 * Which weights a command reads by default: the best checkpoint, or the last one when the run
 * has no best yet (stopped before its first evaluation).
 */
function defaultWeights(run: RunFolder): 'best' | 'last' {
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

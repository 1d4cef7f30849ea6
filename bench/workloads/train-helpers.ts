/**
 * What the training workloads share: a trainer run that times epoch 1 as the references do,
 * and keeps the best-validation weights in memory.
 */
import type { StateDict } from '../../src/nn/index.js';
import { resolveTrainConfig } from '../../src/train/config.js';
import type { Experiment } from '../../src/train/experiment.js';
import { type CheckpointSink, type EvalRecord, type TrainerState, Trainer } from '../../src/train/trainer.js';
import { progress } from '../lib/report.js';

export interface TimedRun {
  state: TrainerState;
  best: StateDict | null;
  /** Tokens per second over epoch 1 after `warmup` steps (PROTOCOL W1), or over all of epoch 1 when warmup is 0 (W2). */
  tokensPerSecond: number;
  epoch1Seconds: number;
}

/**
 * Trains `exp` with its run config; times epoch 1 (training steps only, evaluation excluded)
 * from the end of step `warmup` to the end of the epoch.
 */
export async function timedTraining(exp: Experiment, label: string, warmup: number): Promise<TimedRun> {
  let best: StateDict | null = null;
  const sink: CheckpointSink = { saveLast: () => {}, saveBest: (m: StateDict) => (best = m) };
  const trainer = new Trainer(exp.task as never, resolveTrainConfig(exp.config.train));
  let tStart = 0;
  let tokens = 0;
  let epoch1Seconds = 0;
  let lastLine = 0;
  const state = await trainer.run({
    sink,
    events: {
      onEpochStart: () => {
        if (warmup === 0 && tStart === 0) tStart = trainer.state.trainSeconds;
      },
      onStep: (i) => {
        if (i.epoch === 1) {
          if (i.step === warmup) tStart = trainer.state.trainSeconds;
          else if (i.step > warmup) tokens += i.tokens;
        }
        if (Date.now() - lastLine > 15_000) {
          lastLine = Date.now();
          progress(`[glimpse] ${label} epoch ${i.epoch} step ${i.batch}/${i.batches} loss ${i.loss.toFixed(3)}`);
        }
      },
      onEpochEnd: (e) => {
        if (e === 1) epoch1Seconds = trainer.state.trainSeconds - tStart;
      },
      onEval: (r: EvalRecord) => progress(`[glimpse] ${label} step ${r.step} epoch ${r.epoch}: ${Object.entries(r.metrics).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ')}`),
    },
  });
  return { state, best, tokensPerSecond: epoch1Seconds > 0 ? tokens / epoch1Seconds : 0, epoch1Seconds };
}

import type { EpochRecord, StepRecord } from '../viz/index.js';
import { TASKS, type TaskName } from './task-rules/index.js';

/**
 * Turns a run's metrics log into the training-curves picture's input: one point per
 * evaluation (placed at its fractional epoch when evaluations happen every N steps), the
 * logged training loss, and the run's headline metric (its task's curve metric: exact match for
 * synthetic tasks, perplexity otherwise).
 */
export function curvesFromLog(log: readonly Record<string, unknown>[], task: TaskName): { epochs: EpochRecord[]; steps: StepRecord[]; metricName: string; logEvery: number } {
  const stepRecs = log.filter((r) => r.type === 'step') as unknown as { step: number; epoch: number; batch: number; batches: number; loss: number }[];
  const perEpoch = stepRecs.length ? stepRecs[stepRecs.length - 1]!.batches : 0;
  const at = (step: number, epoch: number): number => (perEpoch > 0 ? step / perEpoch : epoch);
  const { metric, label } = TASKS[task].curve;
  const evals = log.filter((r) => r.type === 'eval') as unknown as { step: number; epoch: number; trainLoss: number | null; metrics: Record<string, number> }[];
  const epochs: EpochRecord[] = evals.map((e) => ({
    epoch: at(e.step, e.epoch),
    trainLoss: e.trainLoss ?? null,
    validLoss: e.metrics.loss ?? null,
    validLossFree: e.metrics.loss_free ?? null,
    validMetric: e.metrics[metric] ?? null,
    metricName: label,
  }));
  const steps: StepRecord[] = stepRecs.map((s) => ({ step: s.step, loss: s.loss, epoch: s.epoch - 1 + s.batch / s.batches }));
  // The step records' spacing (the run's logEvery), for the legend.
  const logEvery = stepRecs.length >= 2 ? stepRecs[1]!.step - stepRecs[0]!.step : stepRecs[0]?.step ?? 1;
  return { epochs, steps, metricName: label, logEvery };
}

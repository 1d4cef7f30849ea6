import { type RunSummary, type Session, trainSession } from '../node.js';
import { Progress } from './progress.js';

/** A metric for display: 4 decimals, 1 from 100 up. */
export function fmt(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(4);
}

/** Trains with a progress bar per epoch (loss, perplexity, tokens/s, ETA) and a line per evaluation. */
export async function trainWithProgress(session: Session, show: boolean, say: (line: string) => void): Promise<RunSummary> {
  let bar: Progress | null = null;
  let lossSum = 0;
  let tokens = 0;
  try {
    return await trainSession(session, {
      onEpochStart: (epoch, batches, startAt) => {
        bar?.stop();
        bar = null;
        if (show) {
          bar = new Progress(`epoch ${epoch}`);
          bar.start(batches);
          bar.update(startAt);
        }
        lossSum = 0;
        tokens = 0;
      },
      onStep: (info) => {
        lossSum += info.loss * info.tokens;
        tokens += info.tokens;
        const loss = lossSum / tokens;
        bar?.update(info.batch, { loss, ppl: Math.exp(loss), 'tok/s': info.tokensPerSecond, lr: info.lr.toExponential(1) });
      },
      onEval: (record, isBest) => {
        const m = Object.entries(record.metrics).map(([k, v]) => `${k} ${fmt(v)}`).join(', ');
        const line = `step ${record.step} (epoch ${record.epoch}): train loss ${fmt(record.trainLoss)}, valid ${m}${isBest ? ' (best)' : ''}`;
        if (bar) bar.log(line);
        else say(line);
      },
    });
  } finally {
    (bar as Progress | null)?.stop();
  }
}

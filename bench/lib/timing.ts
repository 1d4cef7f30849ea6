/**
 * The protocol's timing method (as ../shared/reference/w4_kernels.py): a few warm-up calls,
 * calibrate the calls per batch until a batch takes at least `minTime` seconds, then time
 * `repeats` batches; the figure is the median per-call time (best also kept).
 */
export interface TimingOptions {
  /** Seconds a timed batch lasts at least. */
  minTime: number;
  repeats: number;
  warmup: number;
  /** Cap on calls per batch (0 = none). */
  maxCalls: number;
}

export interface Timing {
  medianS: number;
  bestS: number;
  callsPerBatch: number;
}

export const FULL: TimingOptions = { minTime: 0.25, repeats: 7, warmup: 3, maxCalls: 0 };
export const QUICK: TimingOptions = { minTime: 0.05, repeats: 2, warmup: 2, maxCalls: 4 };

const now = (): number => performance.now() / 1000;

export function time(fn: () => void, o: TimingOptions): Timing {
  for (let i = 0; i < o.warmup; i++) fn();
  let n = 1;
  for (;;) {
    const t0 = now();
    for (let i = 0; i < n; i++) fn();
    const t = now() - t0;
    if (t >= o.minTime || (o.maxCalls && n >= o.maxCalls)) break;
    n = o.maxCalls ? Math.min(n * 2, o.maxCalls) : n * 2;
  }
  const per: number[] = [];
  for (let r = 0; r < o.repeats; r++) {
    const t0 = now();
    for (let i = 0; i < n; i++) fn();
    per.push((now() - t0) / n);
  }
  per.sort((a, b) => a - b);
  const mid = per.length >> 1;
  const medianS = per.length % 2 ? per[mid]! : (per[mid - 1]! + per[mid]!) / 2;
  return { medianS, bestS: per[0]!, callsPerBatch: n };
}
